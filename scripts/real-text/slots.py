#!/usr/bin/env python3
"""Share of hand-identified template slots that huashu reports.

Usage:
    slots.py HUASHU_BIN SLOTS_TSV TEMPLATES_DIR [--rule hygiene/unfilled-placeholder]
             [--missed OUT_TSV] [--kind slot]

SLOTS_TSV lists every unfilled slot found by hand in the phrase files made by
extract_templates.py, one per row: file (relative to TEMPLATES_DIR), line,
column, end_column (1-based characters on that line of the file, end
exclusive: the same convention as huashu's JSON), slot (its text), kind
(`slot`, or e.g. `customer-form` for blanks meant to be sent as is; only
--kind rows, default `slot`, are scored, the others are reported apart).

Runs `HUASHU_BIN check --format json --no-config` on those files and counts a
slot as reported when a finding of --rule in the same file overlaps its span.
Prints the coverage, coverage by slot shape, the most frequent missed slot
texts, and the findings of the rule that overlap no listed slot (candidate
false positives, or slots the list lacks). --missed writes every slot with
reported yes/no.
"""
import argparse
import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict

from tsvio import read_tsv, write_tsv


def shape(s):
    if s.startswith("_"):
        return "___ run"
    if s.startswith("[") and re.search(r"[/，,]|如", s):
        return "[options / 如 example]"
    if s.startswith("[") and re.fullmatch(r"\[[XxＸ0-9\-–~～%:：月日点时段天℃ ]+\]", s):
        return "[X / numeric pattern]"
    if s.startswith("["):
        return "[field name]"
    return "other"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary")
    ap.add_argument("slots_tsv")
    ap.add_argument("templates_dir")
    ap.add_argument("--rule", default="hygiene/unfilled-placeholder")
    ap.add_argument("--kind", default="slot")
    ap.add_argument("--missed", metavar="OUT_TSV")
    ap.add_argument("--top", type=int, default=25)
    a = ap.parse_args(argv)

    slots = read_tsv(a.slots_tsv)
    files = sorted({s["file"] for s in slots})
    paths = [os.path.join(a.templates_dir, f) for f in files]
    cmd = [a.binary, "check", "--format", "json", "--no-config", "--color", "never", *paths]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stderr}")
    diags = [d for d in json.loads(p.stdout)["diagnostics"] if d["rule"] == a.rule]

    by_file = defaultdict(list)
    for d in diags:
        rel = os.path.relpath(d["path"], a.templates_dir)
        by_file[rel].append(d)

    used = set()
    for s in slots:
        ln, c0, c1 = int(s["line"]), int(s["column"]), int(s["end_column"])
        s["reported"] = "no"
        for i, d in enumerate(by_file[s["file"]]):
            start = (d["line"], d["column"])
            end = (d["end_line"], d["end_column"])
            if start < (ln, c1) and (ln, c0) < end:
                s["reported"] = "yes"
                used.add((s["file"], i))

    def cov(rows):
        n = len(rows)
        y = sum(r["reported"] == "yes" for r in rows)
        return f"{y}/{n} = {100 * y / n:.1f}%" if n else "0/0"

    scored = [s for s in slots if s["kind"] == a.kind]
    print(f"{a.rule}: reports {cov(scored)} of the {a.kind!r} slots")
    for k in sorted({s['kind'] for s in slots} - {a.kind}):
        print(f"  (kind {k!r}, not scored: {cov([s for s in slots if s['kind'] == k])} reported)")
    print("\nby shape:")
    for sh in sorted({shape(s["slot"]) for s in scored}):
        print(f"  {sh:26} {cov([s for s in scored if shape(s['slot']) == sh])}")
    miss = Counter(s["slot"] for s in scored if s["reported"] == "no")
    hit = Counter(s["slot"] for s in scored if s["reported"] == "yes")
    print(f"\n{len(miss)} distinct slot texts never/partly missed; most frequent missed:")
    for t, n in miss.most_common(a.top):
        print(f"  {n:4}  {t}" + (f"   (reported {hit[t]}x elsewhere)" if hit[t] else ""))
    stray = [(f, d) for f, ds in by_file.items() for i, d in enumerate(ds) if (f, i) not in used]
    print(f"\n{len(stray)} findings of {a.rule} overlap no listed slot:")
    for f, d in stray[: a.top]:
        print(f"  {f}:{d['line']}:{d['column']}  {d['matched']}")
    if a.missed:
        write_tsv(a.missed, ["file", "line", "column", "end_column", "slot", "kind", "reported"],
                  slots)


if __name__ == "__main__":
    main()
