#!/usr/bin/env python3
"""Builds the frozen phrase files the golden-findings test runs huashu on (tests/golden/inputs/).

Run once, before the engine rewrite; the outputs are committed so the inputs stay fixed even when the
labelled corpus grows. From tests/corpus/<pack>.tsv: a .txt (one phrase per line, scene common) and a
.json library grouped by the labelled scene (newlines kept, so sentence scopes are exercised). From
rules/*.yaml: every rule example in its scene, as one .json library.
"""
import json
import pathlib

import yaml

root = pathlib.Path(__file__).resolve().parents[2]
out = root / "tests/golden/inputs"
out.mkdir(parents=True, exist_ok=True)

for tsv in sorted((root / "tests/corpus").glob("*.tsv")):
    by_scene = {}
    lines = []
    for line in tsv.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        _, scene, text = line.split("\t", 2)
        scene = scene.strip()
        if scene in ("", "-"):
            scene = "common"
        lines.append(text.replace("\\n", " ").replace("\\t", " "))
        by_scene.setdefault(scene, []).append(text.replace("\\n", "\n").replace("\\t", "\t"))
    (out / f"corpus-{tsv.stem}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    groups = [{"name": s, "scene": s, "phrases": p} for s, p in by_scene.items()]
    doc = {"shop": f"corpus {tsv.stem}", "groups": groups}
    (out / f"corpus-{tsv.stem}.json").write_text(
        json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )

by_scene = {}
for pack in sorted((root / "rules").glob("*.yaml")):
    for rule in yaml.safe_load(pack.read_text(encoding="utf-8"))["rules"]:
        default = (rule.get("scenes") or ["common"])[0]
        for kind in ("bad", "good"):
            for ex in rule["examples"].get(kind, []):
                text, scene = (ex, default) if isinstance(ex, str) else (ex["text"], ex.get("scene", default))
                by_scene.setdefault(scene, []).append(text)
groups = [{"name": s, "scene": s, "phrases": p} for s, p in by_scene.items()]
(out / "rule-examples.json").write_text(
    json.dumps({"shop": "rule examples", "groups": groups}, ensure_ascii=False, indent=1) + "\n",
    encoding="utf-8",
)

# Every corpus phrase again in full-width upper case with ideographic spaces, plus a few other scripts'
# capitals: the normalisation must fold them all the same way.
def widen(text):
    out = []
    for c in text:
        if c == " ":
            out.append("\u3000")
        elif "!" <= c <= "~":
            out.append(chr(ord(c.upper()) + 0xFEE0))
        else:
            out.append(c.upper())
    return "".join(out)


variants = []
for tsv in sorted((root / "tests/corpus").glob("*.tsv")):
    for line in tsv.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            text = line.split("\t", 2)[2].replace("\\n", " ").replace("\\t", " ")
            variants.append(widen(text))
variants += ["ΣΊΣΥΦΟΣ 加ＶＸ：ＡＢ５２０", "İSTANBUL 微信ǅ号ǈ", "ＱＱ：２８５６ＸＸＸＸ１！！！！", "Ⅻ点前下单 ＷＸ号"]
(out / "corpus-variants.txt").write_text("\n".join(variants) + "\n", encoding="utf-8")
