#!/usr/bin/env python3
"""Check blind-batch TSV files: 3 tab-separated columns, known full rule ids, known scenes."""
import os, re, sys
ids = set(re.findall(r'^((?:etiquette|compliance|hygiene)/[a-z-]+)', open(os.environ.get('RULES_LIST', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'rules-list.txt'))).read(), re.M))
scenes = {"greeting","product","bargaining","payment","urge-payment","logistics","after-sales","closing","common"}
bad = 0
for p in sys.argv[1:]:
    n = labelled = 0
    for i, line in enumerate(open(p, encoding='utf-8'), 1):
        line = line.rstrip('\n')
        if not line.strip() or line.startswith('#'): continue
        cols = line.split('\t')
        if len(cols) != 3: print(f"{p}:{i}: need 3 tab-separated columns, got {len(cols)}"); bad += 1; continue
        e, s, t = cols
        n += 1
        if e != '-':
            labelled += 1
            for r in e.split(','):
                if r not in ids: print(f"{p}:{i}: unknown rule id {r!r} (use full ids like etiquette/bare-no)"); bad += 1
        if s not in scenes: print(f"{p}:{i}: unknown scene {s!r}"); bad += 1
        if not t.strip(): print(f"{p}:{i}: empty text"); bad += 1
    print(f"{p}: {n} lines, {labelled} labelled, {n-labelled} clean")
sys.exit(1 if bad else 0)
