#!/usr/bin/env python3
"""Run a huashu binary on phrase files and tabulate its findings.

Usage:
    findings.py HUASHU_BIN OUT_PREFIX FILE_OR_DIR... [--huashu-arg ARG ...]

Runs `HUASHU_BIN check --format json --no-config FILE...` (plus any
--huashu-arg, e.g. --huashu-arg=--pack --huashu-arg=cosmetics) and writes

  OUT_PREFIX.findings.tsv  one row per finding:
      rule severity file line column end_line end_column matched phrase group
  OUT_PREFIX.counts.tsv    one row per rule:
      rule severity findings phrases_hit phrases fire_rate
  OUT_PREFIX.raw.json      huashu's JSON output as is

phrases is huashu's own phrase count (summary.phrases) for the input, and
phrases_hit counts distinct phrases (file, group, phrase text) with at least
one finding of the rule, so fire_rate = phrases_hit / phrases is the share of
input lines (one line = one phrase for .txt input) the rule fires on. Run
it once per corpus so each rate has the right denominator. Enabled rules with
no finding are listed with 0. TSV cells escape \\t \\n \\r \\\\ (see tsvio.py).
"""
import argparse
import json
import re
import subprocess
import sys
from collections import defaultdict

from tsvio import write_tsv

FINDING_COLS = ["rule", "severity", "file", "line", "column", "end_line",
                "end_column", "matched", "phrase", "group"]


def enabled_rules(binary, extra):
    """Rule ids (and severities) huashu enables with these options."""
    try:
        out = subprocess.run([binary, "rules", "--no-config", "--color", "never", *extra],
                             capture_output=True, text=True, check=True).stdout
    except (subprocess.CalledProcessError, OSError):
        return {}
    rules, on = {}, True
    for line in out.splitlines():
        if line.startswith("#"):
            on = "默认关闭" not in line
            continue
        m = re.match(r"^(\S+/\S+)\s+(\S+)", line)
        if m and on:
            rules[m.group(1)] = m.group(2)
    return rules


def run(binary, paths, extra):
    cmd = [binary, "check", "--format", "json", "--no-config", "--color", "never", *extra, *paths]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stderr}")
    return json.loads(p.stdout), p.stderr


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary")
    ap.add_argument("out_prefix")
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--huashu-arg", action="append", default=[], metavar="ARG")
    a = ap.parse_args(argv)

    doc, stderr = run(a.binary, a.paths, a.huashu_arg)
    with open(a.out_prefix + ".raw.json", "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
    diags = doc.get("diagnostics", [])
    total = doc.get("summary", {}).get("phrases", 0)

    rows = [{c: d.get("path") if c == "file" else d.get(c, "") for c in FINDING_COLS}
            for d in diags]
    write_tsv(a.out_prefix + ".findings.tsv", FINDING_COLS, rows)

    severity = dict(enabled_rules(a.binary, a.huashu_arg))
    count = defaultdict(int)
    hit = defaultdict(set)
    for d in diags:
        r = d["rule"]
        severity.setdefault(r, d.get("severity", ""))
        count[r] += 1
        hit[r].add((d.get("path"), d.get("group"), d.get("phrase")))
    out = []
    for r in sorted(severity, key=lambda r: (-len(hit[r]), r)):
        rate = len(hit[r]) / total if total else 0.0
        out.append([r, severity[r], count[r], len(hit[r]), total, f"{rate:.4f}"])
    write_tsv(a.out_prefix + ".counts.tsv",
              ["rule", "severity", "findings", "phrases_hit", "phrases", "fire_rate"], out)

    print(f"{len(diags)} findings on {total} phrases "
          f"({len({(d.get('path'), d.get('group'), d.get('phrase')) for d in diags})} phrases with any)")
    print(f"{'rule':38} {'findings':>8} {'phrases':>8} {'rate':>7}")
    for r, _, n, h, _, _ in out:
        print(f"{r:38} {n:8} {h:8} {100 * h / total if total else 0:6.2f}%")
    if stderr.strip():
        print(stderr.strip(), file=sys.stderr)


if __name__ == "__main__":
    main()
