#!/bin/sh
# Runs every target once, one at a time and at the lowest priority (the machine is shared), for a
# million executions or SECONDS_EACH seconds, whichever comes first; then minimises its corpus. Logs go
# to logs/TARGET.log; the last "#N DONE" / "stat::" lines give the figures in README.md (figures.sh).
#
# Inputs are capped (MAX_LEN): phrase files of a few KB reach every branch of the text readers, and the
# cap keeps each execution fast and the minimised corpora small enough to commit. Workbooks get more
# room, since a zip or compound file is not valid below a few KB.
set -u
SECONDS_EACH=${SECONDS_EACH:-3600}
TARGETS=${TARGETS:-"decode config txt csv yaml markdown xlsx xls pack fix"}
mkdir -p logs
for t in $TARGETS; do
  case $t in
    xlsx|xls) max_len=32768 ;;
    *) max_len=4096 ;;
  esac
  mkdir -p "corpus/$t" "artifacts/$t"
  nice -n 19 cargo +nightly fuzz run -s none "$t" "corpus/$t" -- \
    -runs=1000000 -max_total_time="$SECONDS_EACH" -print_final_stats=1 \
    -artifact_prefix="artifacts/$t/" -max_len="$max_len" -timeout=20 -rss_limit_mb=4096 \
    > "logs/$t.log" 2>&1
  echo "$t: exit $?" >> logs/summary.txt
  nice -n 19 cargo +nightly fuzz cmin -s none "$t" "corpus/$t" -- -max_len="$max_len" -timeout=20 -rss_limit_mb=4096 > "logs/$t-cmin.log" 2>&1
done
