"""Shared helpers for the real-text scripts: a plain TSV with backslash escapes.

Fields are written with \\ \t \n \r escaped as two-character sequences, so every
record is one physical line and a multi-line phrase survives a round trip.
Readers split on tabs and unescape. Spreadsheet tools show the escapes
literally, which keeps the sheets diff-able.
"""
import os

_ESC = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESC = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def esc(value):
    s = "" if value is None else str(value)
    return "".join(_ESC.get(c, c) for c in s)


def unesc(s):
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s) and s[i + 1] in _UNESC:
            out.append(_UNESC[s[i + 1]])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def write_tsv(path, header, rows):
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\t".join(header) + "\n")
        for r in rows:
            if isinstance(r, dict):
                r = [r.get(h, "") for h in header]
            f.write("\t".join(esc(v) for v in r) + "\n")


def read_tsv(path):
    """Return a list of dicts keyed by the header row (missing cells are '')."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        lines = f.read().split("\n")
    lines = [l.rstrip("\r") for l in lines]
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return []
    header = lines[0].split("\t")
    rows = []
    for l in lines[1:]:
        if not l.strip():
            continue
        cells = [unesc(c) for c in l.split("\t")]
        cells += [""] * (len(header) - len(cells))
        rows.append(dict(zip(header, cells)))
    return rows
