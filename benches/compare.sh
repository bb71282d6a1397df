#!/usr/bin/env bash
# Side-by-side speed of huashu, ripgrep and textlint+prh on generated phrase files.
#
#   benches/compare.sh                 # build the release binary, generate the corpora, print the table
#   benches/compare.sh --install-textlint   # first install textlint + textlint-rule-prh from npm into
#                                            # target/bench-compare/textlint (a scratch dir), then run
#
# Environment: HUASHU=path (binary to measure; default target/release/huashu, built if missing),
# WORK=dir (default target/bench-compare), RUNS=n (hyperfine runs for the small cases, default 20).
#
# The corpora are deterministic: the labelled phrases of tests/corpus/*.tsv, picked in a fixed
# scrambled order (line i is phrase (i * 7919) mod n), so every machine measures the same text.
# Cases (the targets of the speed issue):
#   small  20 lines, default packs, pretty output            huashu vs rg -F -f words.txt
#   words  100k lines, a one-rule pack of 3 literal words,   huashu vs rg --json -F -f words.txt,
#          JSON of every hit                                  vs textlint --rule prh --format json
#   large  1M lines (~48 MB), default packs, --format json   huashu (wall, cpu, peak memory) vs rg
#          written to a file
# Ripgrep and textlint are skipped when not installed; hyperfine is used when installed.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=${WORK:-target/bench-compare}
RUNS=${RUNS:-20}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)

if [ "${1:-}" = "--install-textlint" ]; then
  mkdir -p "$WORK/textlint"
  (cd "$WORK/textlint" && { [ -f package.json ] || npm init -y >/dev/null; } &&
    npm install --no-audit --no-fund textlint textlint-rule-prh >/dev/null)
fi

if [ -z "${HUASHU:-}" ]; then
  cargo build --release --locked --quiet
  HUASHU=target/release/huashu
fi
HUASHU=$(realpath "$HUASHU")
TEXTLINT=${TEXTLINT:-$WORK/textlint/node_modules/.bin/textlint}
have() { command -v "$1" >/dev/null 2>&1; }

# --- corpora -------------------------------------------------------------------------------------
pool="$WORK/pool.txt"
grep -hv '^#' tests/corpus/*.tsv | awk -F'\t' 'NF >= 3 { t = $3; for (i = 4; i <= NF; i++) t = t " " $i;
  gsub(/\\n|\\t/, " ", t); if (t !~ /^[[:space:]]*$/ && t !~ /^#/) print t }' > "$pool"
gen() { # gen LINES FILE
  [ -s "$2" ] && [ "$(wc -l < "$2")" -eq "$1" ] && return
  awk -v n="$1" '{ p[c++] = $0 } END { for (i = 0; i < n; i++) print p[(i * 7919) % c] }' "$pool" > "$2"
}
gen 20 "$WORK/small.txt"
gen 100000 "$WORK/100k.txt"
gen 1000000 "$WORK/1m.txt"

printf '微信\n不知道\n最好\n' > "$WORK/words.txt"
cat > "$WORK/words.yaml" <<'EOF'
pack: words
description: three literal words, for the speed comparison
rules:
  - id: words/three
    kind: forbid
    level: warning
    message: 命中词表
    explain: 与 rg -F -f words.txt 和 textlint-rule-prh 比较速度用的三个词。
    source: benches/compare.sh
    words: [微信, 不知道, 最好]
    examples:
      bad: [加我微信]
      good: [您好]
EOF
cat > "$WORK/prh.yml" <<'EOF'
version: 1
rules:
  - expected: 威信
    pattern: 微信
  - expected: 不晓得
    pattern: 不知道
  - expected: 最佳
    pattern: 最好
EOF
printf '{"rules":{"prh":{"rulePaths":["%s"]}}}\n' "$WORK/prh.yml" > "$WORK/textlintrc.json"

# --- timing --------------------------------------------------------------------------------------
# mean wall seconds of a command run through bash (exit codes ignored: findings exit 1)
measure() { # measure RUNS CMD
  local runs=$1 cmd=$2
  if have hyperfine; then
    hyperfine -N -i -w 2 -r "$runs" --export-json "$WORK/h.json" "$cmd" >/dev/null 2>&1 ||
      hyperfine -i -w 2 -r "$runs" --export-json "$WORK/h.json" "$cmd" >/dev/null 2>&1
    sed -n 's/.*"mean": *\([0-9.e-]*\).*/\1/p' "$WORK/h.json" | head -1
  else
    local best=
    for _ in $(seq "$runs"); do
      local t0 t1
      t0=$(date +%s%N); bash -c "$cmd" >/dev/null 2>&1 || true; t1=$(date +%s%N)
      local s; s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", (b - a) / 1e9 }')
      best=$(awk -v a="$best" -v b="$s" 'BEGIN { print (a == "" || b < a) ? b : a }')
    done
    echo "$best"
  fi
}
ms() { awk -v s="$1" 'BEGIN { printf "%.1f ms", s * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "-" }'; }

echo "huashu: $HUASHU"
echo "cores: $(nproc)"
printf '\n%-7s %-46s %12s\n' case command "mean wall"

# small
s_h=$(measure "$RUNS" "$HUASHU check --no-config $WORK/small.txt")
printf '%-7s %-46s %12s\n' small "huashu check (default packs, pretty)" "$(ms "$s_h")"
if have rg; then
  s_r=$(measure "$RUNS" "rg -F -f $WORK/words.txt $WORK/small.txt")
  printf '%-7s %-46s %12s   huashu/rg %s\n' small "rg -F -f words.txt" "$(ms "$s_r")" "$(ratio "$s_h" "$s_r")"
fi

# words
hits=$("$HUASHU" check --no-config --pack "$WORK/words.yaml" --select words --format json "$WORK/100k.txt" |
  grep -c '"rule": *"words/three"' || true)
w_h=$(measure 10 "$HUASHU check --no-config --pack $WORK/words.yaml --select words --format json $WORK/100k.txt")
printf '%-7s %-46s %12s   (%s hits)\n' words "huashu --pack words.yaml --select words --format json" "$(ms "$w_h")" "$hits"
if have rg; then
  w_r=$(measure 10 "rg --json -F -f $WORK/words.txt $WORK/100k.txt")
  printf '%-7s %-46s %12s   huashu/rg %s\n' words "rg --json -F -f words.txt" "$(ms "$w_r")" "$(ratio "$w_h" "$w_r")"
fi
if [ -x "$TEXTLINT" ]; then
  w_t=$(measure 3 "$TEXTLINT --no-color --config $WORK/textlintrc.json --format json $WORK/100k.txt")
  printf '%-7s %-46s %12s   textlint/huashu %s\n' words "textlint --rule prh --format json" "$(ms "$w_t")" "$(ratio "$w_t" "$w_h")"
else
  printf '%-7s %-46s %12s\n' words "textlint+prh (not installed: --install-textlint)" "-"
fi

# large
/usr/bin/time -f '%e %U %S %M' -o "$WORK/time.txt" "$HUASHU" check --no-config --format json "$WORK/1m.txt" > "$WORK/1m.json" || true
read -r wall user sys rss < <(tail -1 "$WORK/time.txt")
findings=$(grep -c '"rule": *"' "$WORK/1m.json" || true)
printf '%-7s %-46s %12s   cpu %.2f s, peak %d MB, %d findings, %.0f phrases/s of cpu\n' large \
  "huashu check --format json > file (1M lines)" "$(awk -v s="$wall" 'BEGIN { printf "%.2f s", s }')" \
  "$(awk -v a="$user" -v b="$sys" 'BEGIN { print a + b }')" $((rss / 1024)) "$findings" \
  "$(awk -v a="$user" -v b="$sys" 'BEGIN { print 1e6 / (a + b) }')"
if have rg; then
  l_r=$(measure 3 "rg --json -F -f $WORK/words.txt $WORK/1m.txt")
  printf '%-7s %-46s %12s\n' large "rg --json -F -f words.txt (1M lines)" "$(ms "$l_r")"
fi
