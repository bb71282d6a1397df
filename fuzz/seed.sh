#!/bin/sh
# Seeds each target's corpus (run from fuzz/): the committed, minimised corpus of the last campaign
# (corpora/TARGET.tar.gz, see README.md) where there is one, and the test fixtures in any case.
set -e
for archive in corpora/*.tar.gz; do
  [ -f "$archive" ] || continue
  t=$(basename "$archive" .tar.gz)
  mkdir -p "corpus/$t"
  tar -xzf "$archive" -C "corpus/$t"
done
F=../tests/fixtures
seed() { mkdir -p "corpus/$1"; shift_target=$1; shift; for f in "$@"; do cp "$f" "corpus/$shift_target/seed-$(basename "$f")"; done; }
seed decode $F/formats/*.txt $F/formats/*.csv $F/core/phrases.txt
seed txt ../examples/*/*.txt $F/formats/twin*.txt $F/core/phrases.txt $F/output/clean/ok.txt
seed csv ../examples/*/*.csv ../examples/*/*.tsv $F/formats/*.csv $F/core/*.csv $F/core/export.tsv "$F/output/special/话术,特殊.csv"
seed xlsx $F/formats/*.xlsx ../examples/*/*.xlsx
seed xls $F/formats/*.xls ../examples/*/*.xls
seed yaml ../examples/*/*.yaml ../examples/*/*.json $F/core/book.yaml $F/core/book.json $F/output/lib/book.yaml $F/output/broken/bad.yaml
seed markdown $F/formats/twin.md ../examples/*/*.md
seed pack $F/packs/demo.yaml $F/config/*.yaml $F/core/*pack.yaml
mkdir -p corpus/config
cat > corpus/config/seed-huashu.yaml <<'YAML'
packs: [cosmetics, 规则/本店规则.yaml]
disable_packs: [hygiene]
select: [etiquette]
ignore: [etiquette/informal-you]
levels:
  etiquette/dont-know: warning
  compliance: error
exclude: [旧话术/, "*.bak.txt"]
scenes:
  店铺活动: bargaining
max_chars: 120
max_repeat_punct: 2
max_warnings: 0
overrides:
  - files: ["售后/*.csv"]
    ignore: [etiquette/too-long]
    levels:
      etiquette/dont-know: error
YAML
# The fix target reads its first byte as the format (0 txt, 1 csv, 2 tsv, 3 yaml, 4 json, 5 md).
mkdir -p corpus/fix
i=0
for f in $F/formats/twin.txt $F/formats/qianniu.csv $F/core/export.tsv $F/core/book.yaml $F/core/book.json $F/formats/twin.md; do
  { printf "\\$(printf '%03o' $i)"; cat "$f"; } > "corpus/fix/seed-$i"
  i=$((i + 1))
done
