#!/usr/bin/env python3
"""What happened to the judged "before" findings under a new binary.

Usage:
    lost.py BEFORE_JUDGED_SHEET NAME=AFTER_FINDINGS_TSV [NAME=AFTER_FINDINGS_TSV ...]
            [--list]

For every judged row of the before sheet, looks for the same finding among
the after findings of the same corpus: same (rule, phrase, matched) = kept;
same (rule, phrase) with another matched text = kept (span changed);
otherwise gone. Prints, per rule, how many judged TPs were lost (recall
damage) and how many judged FPs were removed (the point of tuning). --list
prints the lost TPs and the FPs that are still reported.
"""
import argparse
from collections import defaultdict

from tsvio import read_tsv


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("before_sheet")
    ap.add_argument("inputs", nargs="+", metavar="NAME=FINDINGS_TSV")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args(argv)

    exact, loose = defaultdict(set), defaultdict(set)
    for spec in a.inputs:
        name, _, path = spec.partition("=")
        for r in read_tsv(path):
            exact[name].add((r["rule"], r["phrase"], r["matched"]))
            loose[name].add((r["rule"], r["phrase"]))

    stats = defaultdict(lambda: defaultdict(int))
    lost_tp, kept_fp = [], []
    for r in read_tsv(a.before_sheet):
        v = r.get("verdict", "").strip().upper()
        if v not in ("TP", "FP"):
            continue
        c = r.get("corpus", "")
        if c not in exact:
            continue
        if (r["rule"], r["phrase"], r["matched"]) in exact[c]:
            fate = "kept"
        elif (r["rule"], r["phrase"]) in loose[c]:
            fate = "kept (span changed)"
        else:
            fate = "gone"
        stats[r["rule"]][(v, fate)] += 1
        if v == "TP" and fate == "gone":
            lost_tp.append(r)
        if v == "FP" and fate != "gone":
            kept_fp.append(r)

    print(f"{'rule':38} {'TP kept':>8} {'TP lost':>8} {'FP kept':>8} {'FP gone':>8}")
    tot = defaultdict(int)
    for rule in sorted(stats):
        s = stats[rule]
        row = [s[("TP", "kept")] + s[("TP", "kept (span changed)")], s[("TP", "gone")],
               s[("FP", "kept")] + s[("FP", "kept (span changed)")], s[("FP", "gone")]]
        for i, x in enumerate(row):
            tot[i] += x
        print(f"{rule:38} " + " ".join(f"{x:8}" for x in row))
    print(f"{'ALL':38} " + " ".join(f"{tot[i]:8}" for i in range(4)))
    if a.list:
        print("\nlost TPs:")
        for r in lost_tp:
            print(f"  {r['rule']}  [{r['matched']}]  {r['phrase'][:120]!r}")
        print("\nFPs still reported:")
        for r in kept_fp:
            print(f"  {r['rule']}  [{r['matched']}]  {r['note']}")


if __name__ == "__main__":
    main()
