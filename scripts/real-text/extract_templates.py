#!/usr/bin/env python3
"""Turn a local checkout of a Markdown template library into phrase tables huashu reads.

Usage:
    extract_templates.py CHECKOUT_DIR OUT_DIR [--all-languages]

Made for github.com/akakooluo-ai/customer-service-scripts (MIT): every
`*.md` file holds headings (`## 售前话术`, `### 1. 产品核心卖点`), an operator
note (`**适用场景：** ...`, `## 使用说明`, `## 使用技巧`) and, in a fenced code
block, the reply a shop would paste into chat. Only the fenced blocks are
replies; everything outside them is documentation for the operator and is
skipped, as are README.md and CONTRIBUTING.md.

Each block becomes one phrase (its line breaks kept: a quick reply can be
several lines) in a CSV with the 千牛 columns 快捷短语,快捷短语分组; the group is
the enclosing headings joined with `=>` (`售前话术（10条）=>1. 产品核心卖点`).
Slots such as [赠品] or XX are kept as written. Blocks with no Chinese
character (the English libraries for Amazon, eBay ...) are skipped unless
--all-languages is given. One CSV per source file, mirroring its path:
OUT_DIR/industries/bags.csv. --manifest FILE (keep it outside OUT_DIR, or
huashu will try to read it) records the source file and line of every phrase.
"""
import argparse
import csv
import re
import sys
from pathlib import Path

SKIP_FILES = {"README.md", "CONTRIBUTING.md"}
CJK = re.compile(r"[\u3400-\u9fff]")
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def blocks(md_text):
    """Yield (start_line, text, heading_path) for every fenced code block."""
    heads = {}  # level -> title
    lines = md_text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        m = FENCE.match(line)
        if m:
            fence = m.group(2)
            body = []
            j = i + 1
            while j < len(lines) and not lines[j].strip().startswith(fence):
                body.append(lines[j].rstrip("\r"))
                j += 1
            path = [heads[k] for k in sorted(heads) if k >= 2]
            yield i + 2, "\n".join(body).strip("\n"), path
            i = j + 1
            continue
        h = HEADING.match(line)
        if h:
            level = len(h.group(1))
            heads = {k: v for k, v in heads.items() if k < level}
            heads[level] = h.group(2)
        i += 1


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("checkout_dir")
    ap.add_argument("out_dir")
    ap.add_argument("--manifest", metavar="FILE",
                    help="write csv, csv_line, source, source_line, group here (TSV)")
    ap.add_argument("--all-languages", action="store_true",
                    help="also keep blocks with no Chinese character")
    a = ap.parse_args(argv)

    root = Path(a.checkout_dir)
    out = Path(a.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    n_files = n_phrases = n_skipped = 0
    manifest = []
    for md in sorted(root.rglob("*.md")):
        rel = md.relative_to(root)
        if md.name in SKIP_FILES or any(p.startswith(".") for p in rel.parts):
            continue
        rows = []
        for start, text, path in blocks(md.read_text(encoding="utf-8")):
            if not text.strip():
                continue
            if not a.all_languages and not CJK.search(text):
                n_skipped += 1
                continue
            rows.append((text, "=>".join(path), start))
        if not rows:
            continue
        dest = out / rel.with_suffix(".csv")
        dest.parent.mkdir(parents=True, exist_ok=True)
        with open(dest, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["快捷短语", "快捷短语分组"])
            line = 2
            for text, group, start in rows:
                w.writerow([text, group])
                manifest.append((str(dest.relative_to(out)), line, str(rel), start, group))
                line += text.count("\n") + 1
        n_files += 1
        n_phrases += len(rows)
    if a.manifest:
        with open(a.manifest, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, delimiter="\t", lineterminator="\n")
            w.writerow(["csv", "csv_line", "source", "source_line", "group"])
            w.writerows(manifest)
    print(f"{n_phrases} phrases from {n_files} files written under {out}; "
          f"{n_skipped} blocks with no Chinese skipped", file=sys.stderr)


if __name__ == "__main__":
    main()
