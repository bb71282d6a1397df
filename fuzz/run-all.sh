#!/bin/sh
# Runs every target once, one at a time and at the lowest priority (the machine is shared), for a
# million executions or SECONDS seconds, whichever comes first; then minimises its corpus. Logs go to
# logs/TARGET.log; the last "#N DONE" / "stat::" lines give the figures in README.md.
set -u
SECONDS_EACH=${SECONDS_EACH:-420}
TARGETS=${TARGETS:-"decode txt csv markdown config yaml xlsx xls fix pack"}
mkdir -p logs
for t in $TARGETS; do
  mkdir -p "corpus/$t" "artifacts/$t"
  nice -n 19 cargo +nightly fuzz run -s none "$t" "corpus/$t" -- \
    -runs=1000000 -max_total_time="$SECONDS_EACH" -print_final_stats=1 \
    -artifact_prefix="artifacts/$t/" -max_len=65536 -timeout=20 -rss_limit_mb=4096 \
    > "logs/$t.log" 2>&1
  echo "$t: exit $?" >> logs/summary.txt
  nice -n 19 cargo +nightly fuzz cmin -s none "$t" "corpus/$t" -- -max_len=65536 -timeout=20 -rss_limit_mb=4096 > "logs/$t-cmin.log" 2>&1
done
