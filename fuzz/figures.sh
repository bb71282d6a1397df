#!/bin/sh
# Prints the README's table of runs from logs/ (after run-all.sh).
printf '| target | executions | seconds | exec/s | coverage (edges) | features | corpus after cmin | crashes |\n'
printf '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n'
for t in decode txt csv markdown config yaml xlsx xls fix pack; do
  log="logs/$t.log"
  [ -f "$log" ] || continue
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{print $2}')
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | awk '{print $2}')
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(echo "$last" | grep -o 'cov: [0-9]*' | awk '{print $2}')
  ft=$(echo "$last" | grep -o 'ft: [0-9]*' | awk '{print $2}')
  secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | awk '{print $5}')
  [ -z "$secs" ] && [ -n "$rate" ] && [ "$rate" -gt 0 ] && secs=$((runs / rate))
  corp=$(ls "corpus/$t" | wc -l)
  crash=$(ls "artifacts/$t" 2>/dev/null | wc -l)
  printf '| `%s` | %s | %s | %s | %s | %s | %s | %s |\n' "$t" "$runs" "$secs" "$rate" "$cov" "$ft" "$corp" "$crash"
done
