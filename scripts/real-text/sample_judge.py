#!/usr/bin/env python3
"""Draw a reproducible, stratified sample of findings into a judging sheet.

Usage:
    sample_judge.py OUT_SHEET NAME=FINDINGS_TSV [NAME=FINDINGS_TSV ...]
                    [--total 250] [--min-per-rule 20] [--seed 1]
                    [--reuse JUDGED_SHEET ...]

NAME labels a corpus (jddc, templates); FINDINGS_TSV is a *.findings.tsv
written by findings.py. Each (corpus, rule) is a stratum and gets
min(all, max(--min-per-rule, proportional share of --total)) findings, so
every rule with findings is represented; if that sums to less than --total the
shares are scaled up until it does not (or everything is taken).

Which findings a stratum takes is decided by a seeded hash of the finding's
content (rule, phrase, matched text, and its occurrence number among identical
ones), not of its file or line: the k smallest hashes win ("bottom-k"). The
sample is random, but a finding that survives a rule change keeps its hash, so
an "after" run re-draws mostly the same findings, and --reuse fills in their
verdicts: any finding whose (rule, phrase, matched) was judged in a reused
sheet takes that verdict and note (reused=yes). Only new findings are left
blank to judge.

Writes OUT_SHEET (TSV: id corpus rule matched phrase verdict note reused file
line) and OUT_SHEET's stem + .strata.tsv (corpus rule findings sampled), which
score.py uses to weight strata. Verdicts are TP or FP; anything else is
treated as not judged.
"""
import argparse
import hashlib
import math
import sys
from collections import defaultdict
from pathlib import Path

from tsvio import read_tsv, write_tsv

SHEET_COLS = ["id", "corpus", "rule", "matched", "phrase", "verdict", "note",
              "reused", "file", "line"]


def key(rule, phrase, matched):
    return (rule, phrase, matched)


def h(*parts):
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()


def strata_sizes(counts, total, min_per):
    n = sum(counts.values())

    def sizes(t):
        return {s: min(c, max(min_per, round(t * c / n))) for s, c in counts.items()}

    t = total
    got = sizes(t)
    while sum(got.values()) < total and sum(got.values()) < n:
        t += max(1, total // 50)
        got = sizes(t)
    return got


def load_verdicts(paths):
    verdicts = {}
    for p in paths:
        for r in read_tsv(p):
            v = r.get("verdict", "").strip().upper()
            if v in ("TP", "FP"):
                verdicts.setdefault(key(r["rule"], r["phrase"], r["matched"]),
                                    (v, r.get("note", "")))
    return verdicts


def strata_path(sheet):
    p = Path(sheet)
    return p.with_name(p.stem + ".strata.tsv")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_sheet")
    ap.add_argument("inputs", nargs="+", metavar="NAME=FINDINGS_TSV")
    ap.add_argument("--total", type=int, default=250)
    ap.add_argument("--min-per-rule", type=int, default=20)
    ap.add_argument("--seed", default="1")
    ap.add_argument("--reuse", nargs="*", default=[], metavar="JUDGED_SHEET")
    a = ap.parse_args(argv)

    strata = defaultdict(list)
    for spec in a.inputs:
        name, sep, path = spec.partition("=")
        if not sep:
            sys.exit(f"expected NAME=FINDINGS_TSV, got {spec!r}")
        occ = defaultdict(int)
        for r in read_tsv(path):
            k = key(r["rule"], r["phrase"], r["matched"])
            n = occ[k]
            occ[k] += 1
            r["_hash"] = h(a.seed, name, *k, n)
            r["_id"] = h(name, *k, n)[:10]
            r["_corpus"] = name
            strata[(name, r["rule"])].append(r)

    sizes = strata_sizes({s: len(v) for s, v in strata.items()}, a.total, a.min_per_rule)
    verdicts = load_verdicts(a.reuse)
    rows, reused = [], 0
    for s in sorted(strata):
        for r in sorted(strata[s], key=lambda r: r["_hash"])[:sizes[s]]:
            v, note = verdicts.get(key(r["rule"], r["phrase"], r["matched"]), ("", ""))
            reused += bool(v)
            rows.append({"id": r["_id"], "corpus": r["_corpus"], "rule": r["rule"],
                         "matched": r["matched"], "phrase": r["phrase"], "verdict": v,
                         "note": note, "reused": "yes" if v else "",
                         "file": r["file"], "line": r["line"]})
    write_tsv(a.out_sheet, SHEET_COLS, rows)
    write_tsv(strata_path(a.out_sheet), ["corpus", "rule", "findings", "sampled"],
              [[c, ru, len(strata[(c, ru)]), sizes[(c, ru)]] for c, ru in sorted(strata)])
    print(f"{len(rows)} findings sampled from {sum(map(len, strata.values()))} "
          f"in {len(strata)} strata; {reused} verdicts reused, {len(rows) - reused} to judge "
          f"-> {a.out_sheet}", file=sys.stderr)


if __name__ == "__main__":
    main()
