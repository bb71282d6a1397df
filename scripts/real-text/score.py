#!/usr/bin/env python3
"""Per-rule and overall precision from a judged sheet.

Usage:
    score.py JUDGED_SHEET [--strata STRATA_TSV] [--markdown]

JUDGED_SHEET is a sheet from sample_judge.py with verdict TP or FP filled in
(other values count as not judged and are reported). For every (corpus, rule)
it prints n judged, TP, FP, precision and a Wilson 95% interval; then per rule
over all corpora, and overall.

Two overall figures are given:
  sample   TP / judged over the whole sheet (what was judged);
  weighted each stratum's precision weighted by its number of findings (read
           from the .strata.tsv next to the sheet), i.e. the estimated share of
           ALL findings that are true positives. Rules are sampled at unequal
           rates, so this is the figure to compare before/after.
"""
import argparse
import math
import sys
from collections import defaultdict
from pathlib import Path

from tsvio import read_tsv


def wilson(tp, n, z=1.96):
    if n == 0:
        return (0.0, 0.0)
    p = tp / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    m = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, c - m), min(1.0, c + m))


def fmt(tp, fp, md):
    n = tp + fp
    if n == 0:
        return ["0", "0", "0", "-", "-"]
    lo, hi = wilson(tp, n)
    return [str(n), str(tp), str(fp), f"{100 * tp / n:.0f}%", f"{100 * lo:.0f}–{100 * hi:.0f}%"]


def table(header, rows, md):
    if md:
        out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        out += ["| " + " | ".join(r) + " |" for r in rows]
    else:
        w = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
        out = ["  ".join(str(x).ljust(w[i]) for i, x in enumerate(r)) for r in [header, *rows]]
    return "\n".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sheet")
    ap.add_argument("--strata")
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args(argv)

    rows = read_tsv(a.sheet)
    sp = Path(a.strata) if a.strata else Path(a.sheet).with_name(Path(a.sheet).stem + ".strata.tsv")
    sizes = {}
    if sp.exists():
        sizes = {(r["corpus"], r["rule"]): int(r["findings"]) for r in read_tsv(sp)}

    by = defaultdict(lambda: [0, 0])
    unjudged = 0
    for r in rows:
        v = r.get("verdict", "").strip().upper()
        if v not in ("TP", "FP"):
            unjudged += 1
            continue
        by[(r.get("corpus", ""), r["rule"])][0 if v == "TP" else 1] += 1

    md = a.markdown

    def weighted(keys):
        """Pooled sample figures, and precision with strata weighted by their sizes."""
        tp = sum(by[k][0] for k in keys)
        fp = sum(by[k][1] for k in keys)
        est_tp = est_n = 0.0
        for k in keys:
            t, f = by[k]
            if t + f and k in sizes:
                est_tp += sizes[k] * t / (t + f)
                est_n += sizes[k]
        w = f"{100 * est_tp / est_n:.0f}% of {int(est_n)} findings" if est_n else "-"
        return fmt(tp, fp, md), w

    corpora = sorted({c for c, _ in by} | {c for c, _ in sizes})
    body = []
    for c, ru in sorted(set(by) | set(sizes)):
        tp, fp = by[(c, ru)]
        body.append([c, ru, str(sizes.get((c, ru), "?"))] + fmt(tp, fp, md))
    print(table(["corpus", "rule", "findings", "n", "TP", "FP", "precision", "95% CI"], body, md))
    print()

    per_rule = defaultdict(lambda: [0, 0])
    for (c, ru), (tp, fp) in by.items():
        per_rule[ru][0] += tp
        per_rule[ru][1] += fp
    body = []
    for ru in sorted(per_rule):
        _, w = weighted([k for k in by if k[1] == ru])
        body.append([ru] + fmt(*per_rule[ru], md) + [w])
    print(table(["rule (all corpora)", "n", "TP", "FP", "precision", "95% CI",
                 "weighted precision"], body, md))
    print()

    body = []
    for c in corpora + ["ALL"]:
        keys = [k for k in by if c == "ALL" or k[0] == c]
        s, w = weighted(keys)
        body.append([c] + s + [w])
    print(table(["overall", "n", "TP", "FP", "sample precision", "95% CI", "weighted precision"],
                body, md))
    if unjudged:
        print(f"\n{unjudged} rows not judged (verdict not TP/FP)", file=sys.stderr)


if __name__ == "__main__":
    main()
