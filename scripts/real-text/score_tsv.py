#!/usr/bin/env python3
"""Score a huashu binary on a labelled phrase batch (the tests/corpus TSV format).

Usage:
    score_tsv.py HUASHU_BIN BATCH.tsv [--credit RULE=COVERING_RULE ...] [--list] [--json OUT]

BATCH.tsv: `expected<TAB>scene<TAB>text`, expected = comma-separated rule ids or `-`, scene `-`
for common, `#` starts a comment, `\\n` and `\\t` in text are unescaped (as tests/corpus.rs does).

The batch is written to a temporary YAML phrase book with one group per line (group name = the
line number, `scene:` = the line's scene), checked with `HUASHU_BIN check --format json
--no-config --ignore library` (the batch is not a library), and scored per line, the way tests/corpus.rs scores the built-in corpora:

- per rule: TP / FP / FN over lines, precision and recall;
- overall: micro precision and recall over all (line, rule) pairs;
- clean-alarm rate: lines labelled `-` that draw a warning or an error.

`--credit A=B` counts rule A as found on a line labelled with A where B fired (for a labelling
convention that gives one problem two labels when the rules report it once). Every credited line
is counted and shown. `--list` prints every FP and FN line. Standard library only; prints a
table, and with `--json OUT` also writes the numbers and the mistakes as JSON.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict

LEVELS = {"info": 0, "warning": 1, "error": 2}


def read_batch(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t", 2)
            if len(parts) != 3:
                sys.exit(f"{path}:{i}: expected three tab-separated columns")
            expected, scene, text = parts
            exp = set() if expected.strip() == "-" else {e.strip() for e in expected.split(",") if e.strip()}
            scene = scene.strip()
            scene = "common" if scene in ("", "-") else scene
            text = text.replace("\\n", "\n").replace("\\t", "\t")
            rows.append({"line": i, "expected": exp, "scene": scene, "text": text})
    return rows


def yaml_str(s):
    # JSON strings are valid YAML double-quoted scalars.
    return json.dumps(s, ensure_ascii=False)


def run(binary, rows, extra=()):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "batch.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write("shop: batch\ngroups:\n")
            for r in rows:
                f.write(f"  - name: {yaml_str('L' + str(r['line']))}\n")
                f.write(f"    scene: {r['scene']}\n")
                f.write(f"    phrases:\n      - {yaml_str(r['text'])}\n")
        cmd = [binary, "check", "--format", "json", "--no-config", "--color", "never", "--ignore", "library", *extra, path]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode not in (0, 1):
            sys.exit(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stderr}")
        return json.loads(p.stdout)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary")
    ap.add_argument("batch")
    ap.add_argument("--credit", action="append", default=[], metavar="RULE=COVERING_RULE")
    ap.add_argument("--list", action="store_true", help="print every FP and FN line")
    ap.add_argument("--json", metavar="OUT")
    ap.add_argument("--huashu-arg", action="append", default=[], metavar="ARG",
                    help="passed to huashu check, e.g. --huashu-arg=--select=compliance")
    a = ap.parse_args(argv)

    credits = []
    for c in a.credit:
        if "=" not in c:
            sys.exit(f"--credit {c}: expected RULE=COVERING_RULE")
        credits.append(tuple(x.strip() for x in c.split("=", 1)))

    rows = read_batch(a.batch)
    doc = run(a.binary, rows, a.huashu_arg)
    fired = defaultdict(dict)  # line -> rule -> highest level
    for d in doc.get("diagnostics", []):
        line = int(d["group"][1:])
        lvl = LEVELS.get(d.get("severity", "info"), 0)
        fired[line][d["rule"]] = max(lvl, fired[line].get(d["rule"], -1))

    score = defaultdict(lambda: [0, 0, 0])  # rule -> tp, fp, fn
    mistakes, credited = [], []
    clean = clean_alarms = 0
    for r in rows:
        got = dict(fired.get(r["line"], {}))
        for rule, cover in credits:
            if rule in r["expected"] and rule not in got and cover in got:
                got[rule] = got[cover]
                credited.append(r)
        for rule in r["expected"] | set(got):
            s = score[rule]
            if rule in r["expected"] and rule in got:
                s[0] += 1
            elif rule in got:
                s[1] += 1
                mistakes.append(("FP", rule, r))
            else:
                s[2] += 1
                mistakes.append(("FN", rule, r))
        if not r["expected"]:
            clean += 1
            if any(l >= 1 for l in got.values()):
                clean_alarms += 1

    def pr(tp, fp, fn):
        p = tp / (tp + fp) if tp + fp else 1.0
        rc = tp / (tp + fn) if tp + fn else 1.0
        return p, rc

    tot = [sum(s[i] for s in score.values()) for i in range(3)]
    p, rc = pr(*tot)
    print(f"{a.batch}: {len(rows)} lines, {clean} clean")
    print(f"{'rule':40} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>9} {'recall':>7}")
    for rule in sorted(score):
        tp, fp, fn = score[rule]
        rp, rr = pr(tp, fp, fn)
        print(f"{rule:40} {tp:4} {fp:4} {fn:4} {rp:9.3f} {rr:7.3f}")
    print(f"{'ALL (micro)':40} {tot[0]:4} {tot[1]:4} {tot[2]:4} {p:9.3f} {rc:7.3f}")
    rate = clean_alarms / clean if clean else 0.0
    print(f"clean lines with a warning or error: {clean_alarms}/{clean} ({100 * rate:.1f}%)")
    for rule, cover in credits:
        n = sum(1 for r in credited if rule in r["expected"])
        print(f"credited {rule} where {cover} fired: {n} line(s)")
    if a.list:
        for kind, rule, r in sorted(mistakes, key=lambda m: (m[1], m[0], m[2]["line"])):
            print(f"  {kind} {rule} line {r['line']} [{r['scene']}]: {r['text']}")
    if a.json:
        out = {
            "batch": a.batch,
            "lines": len(rows),
            "clean": clean,
            "clean_alarms": clean_alarms,
            "precision": p,
            "recall": rc,
            "rules": {k: dict(zip(("tp", "fp", "fn"), v)) for k, v in score.items()},
            "credits": [f"{x}={y}" for x, y in credits],
            "credited_lines": [r["line"] for r in credited],
            "mistakes": [{"kind": k, "rule": ru, "line": r["line"], "text": r["text"]}
                         for k, ru, r in mistakes],
        }
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(out, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
