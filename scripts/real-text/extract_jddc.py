#!/usr/bin/env python3
"""Extract the customer-service agent turns from a local JDDC checkout.

Usage:
    extract_jddc.py CHECKOUT_DIR OUT_FILE [--sample N --seed S] [--data REL_PATH]

CHECKOUT_DIR is a local copy of github.com/EndlessLethe/jddc2019-3th-retrieve-model
(nothing is downloaded). The dialogue file (default data/chat_0.1per.txt) is
tab-separated with 7 columns, the JDDC chat.txt layout:

    0 会话编号 session id
    1 顾客ID   customer id (anonymised)
    2 是否客服发送  1 = agent turn, 0 = customer turn
    3 是否转出  transferred flag
    4 是否重复咨询 repeat flag
    5 SKU      ('nan' when the session is about no product)
    6 内容     the message

Agent turns (column 2 == '1') are written one per line, in order of first
appearance, exact repeats removed, whitespace-only turns dropped; nothing
else is changed. [电话x] [数字x] [订单x] ... are the corpus' anonymised values.

--sample N --seed S writes a reproducible random subset of N of those lines
(kept in their original order).
"""
import argparse
import random
import sys
from pathlib import Path

AGENT_COL = 2
TEXT_COL = 6
N_COLS = 7


def agent_lines(path):
    seen = set()
    out = []
    bad = 0
    with open(path, encoding="utf-8", newline="") as f:
        for raw in f:
            raw = raw.rstrip("\r\n")
            cols = raw.split("\t")
            if len(cols) != N_COLS:
                bad += 1
                continue
            if cols[AGENT_COL] != "1":
                continue
            text = cols[TEXT_COL]
            if not text.strip() or text in seen:
                continue
            seen.add(text)
            out.append(text)
    return out, bad


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("checkout_dir")
    ap.add_argument("out_file")
    ap.add_argument("--data", default="data/chat_0.1per.txt",
                    help="dialogue file, relative to CHECKOUT_DIR")
    ap.add_argument("--sample", type=int, metavar="N")
    ap.add_argument("--seed", type=int, default=0, metavar="S")
    a = ap.parse_args(argv)

    lines, bad = agent_lines(Path(a.checkout_dir) / a.data)
    total = len(lines)
    if a.sample is not None and a.sample < total:
        idx = sorted(random.Random(a.seed).sample(range(total), a.sample))
        lines = [lines[i] for i in idx]
    Path(a.out_file).parent.mkdir(parents=True, exist_ok=True)
    with open(a.out_file, "w", encoding="utf-8", newline="\n") as f:
        for t in lines:
            f.write(t + "\n")
    hashed = sum(1 for t in lines if t.lstrip().startswith("#"))
    print(f"{total} distinct agent lines; wrote {len(lines)} to {a.out_file}"
          + (f"; skipped {bad} malformed rows" if bad else "")
          + (f"; WARNING {hashed} lines start with '#' (huashu skips them)" if hashed else ""),
          file=sys.stderr)


if __name__ == "__main__":
    main()
