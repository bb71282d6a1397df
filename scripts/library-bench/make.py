"""Writes a large synthetic phrase library for measuring the library checks (see README.md here).

  python3 make.py OUT_DIR [PHRASES] [FILES]

Phrases come from tests/corpus/*.tsv: recombined clauses with shop-specific details (so most are
distinct, as in a real library), plus deliberate copies in other groups and files (5%, with Traditional
script, full-width punctuation and particles changed), near-duplicates (4%, a word added), shared
quick codes (0.3% of phrases), and promises (shipping time, return window, free-shipping threshold, courier)
that mostly agree. Written as 千牛-style CSV exports. Deterministic (fixed seed).
"""
import csv
import glob
import os
import random
import re
import sys

out = sys.argv[1]
total = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
files = int(sys.argv[3]) if len(sys.argv) > 3 else 20
here = os.path.dirname(os.path.abspath(__file__))
corpus = os.path.join(here, "..", "..", "tests", "corpus")
rnd = random.Random(20240601)

base = []
for path in sorted(glob.glob(os.path.join(corpus, "*.tsv"))):
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or line.count("\t") < 2:
            continue
        text = line.rstrip("\n").split("\t", 2)[2].replace("\\n", "，").replace("\\t", " ")
        if 4 <= len(text) <= 120:
            base.append(text)
clauses = [c for t in base for c in re.split(r"[，。！？,.!?~～]", t) if len(c) >= 3]

GROUPS = ["欢迎语", "商品咨询", "议价", "催付", "物流", "售后", "结束语", "常用", "活动", "尺码"]
T2S = str.maketrans("们这个说还没发货请您问题谢欢迎光临购物时间", "們這個說還沒發貨請您問題謝歡迎光臨購物時間")
PROMISES = [
    ("付款后{}小时内发货", [48] * 12 + [24, 72]),
    ("本店支持{}天无理由退换", [7] * 12 + [15]),
    ("全场满{}元包邮", [99] * 12 + [88]),
]
COURIERS = ["中通"] * 12 + ["韵达"]
PRODUCTS = ["连衣裙", "面霜", "保温杯", "耳机", "坚果礼盒", "牛仔裤", "T恤", "口红", "洗面奶", "运动鞋"]


def variant(text):
    """The same phrase as another agent typed it: script, width, punctuation, particles."""
    t = text
    if rnd.random() < 0.5:
        t = t.translate(T2S)
    if rnd.random() < 0.5:
        t = t.replace("，", ",").replace("？", "?").replace("！", "!")
    if rnd.random() < 0.5:
        t = t.rstrip("。！!~～") + rnd.choice(["哦", "呢", "～", "呀！"])
    return t


def near(text):
    """A phrase edited once: a word added or changed."""
    i = rnd.randrange(1, max(2, len(text) - 1))
    return text[:i] + rnd.choice(["您", "亲", "都", "也", "再"]) + text[i:]


made = []
os.makedirs(out, exist_ok=True)
per_file = total // files
n = 0
for f in range(files):
    with open(os.path.join(out, f"话术{f:03d}.csv"), "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["快捷短语编码", "快捷短语", "快捷短语分组"])
        for _ in range(per_file if f < files - 1 else total - n):
            r = rnd.random()
            if r < 0.05 and made:
                text = variant(rnd.choice(made))
            elif r < 0.09 and made:
                text = near(rnd.choice(made))
            elif r < 0.12:
                tmpl, values = rnd.choice(PROMISES)
                text = "亲，" + tmpl.format(rnd.choice(values)) + "，" + rnd.choice(clauses)
            elif r < 0.13:
                text = f"我们默认发{rnd.choice(COURIERS)}快递，{rnd.choice(clauses)}"
            else:
                a, b = rnd.choice(clauses), rnd.choice(clauses)
                text = f"亲，{rnd.choice(PRODUCTS)}{a}，{b}（{n % 997}号）"
            made.append(text)
            if len(made) > 50_000:
                made = made[-25_000:]
            c = rnd.random()
            if c < 0.003 and n > 0:
                code = f"k{rnd.randrange(n):x}"  # a code another phrase has
            elif c < 0.7:
                code = f"k{n:x}"
            else:
                code = ""
            w.writerow([code, text, rnd.choice(GROUPS)])
            n += 1
print(f"{n} phrases in {files} files under {out}")
