#!/usr/bin/env python3
"""Prints make eval's table from the scored timelines scripts/eval.sh leaves in WORK.

Usage: scripts/eval_table.py WORK DEV_DIR SET...
For each set WORK holds SET.feed.jsonl, SET.backfill.jsonl and their SET.MODE.score.json.
"""
import collections
import csv
import json
import sys

work, dev, sets = sys.argv[1], sys.argv[2], sys.argv[3:]
MODES = ("feed", "backfill")


def score(name, mode):
    with open(f"{work}/{name}.{mode}.score.json") as f:
        return json.load(f)


def largest_share_ratio(name, mode):
    """The largest story's share of the articles over the largest gold story's share."""
    with open(f"{dev}/{name}/gold.csv", newline="") as f:
        gold = [row["story"] for row in csv.DictReader(f) if row["story"]]
    stories = collections.Counter()
    with open(f"{work}/{name}.{mode}.jsonl") as f:
        for line in f:
            event = json.loads(line)
            if "article" in event:
                stories[event["story"]] += 1
    return max(stories.values()) / max(collections.Counter(gold).values())


rows = [
    ("basil_headlines_dense", "story BCubed F1", lambda s: s["stories"]["bcubed_f1"], ">= 0.90", lambda v: v >= 0.90),
    ("basil_dense", "story BCubed F1", lambda s: s["stories"]["bcubed_f1"], ">= 0.97", lambda v: v >= 0.97),
    ("basil", "story BCubed F1 (no dates)", lambda s: s["stories"]["bcubed_f1"], ">= 0.97", lambda v: v >= 0.97),
    ("uci", "story BCubed F1", lambda s: s["stories"]["bcubed_f1"], ">= 0.80", lambda v: v >= 0.80),
    ("mstream", "story NMI", lambda s: s["stories"]["nmi"], ">= 0.86", lambda v: v >= 0.86),
    ("mstream", "story BCubed F1", lambda s: s["stories"]["bcubed_f1"], ">= 0.75", lambda v: v >= 0.75),
    ("syndication", "duplicate pair F1", lambda s: s["duplicates"]["pairwise_f1"], ">= 0.99", lambda v: v >= 0.99),
    ("syndication", "false duplicate pairs", lambda s: s["duplicates"]["false_pairs"], "0", lambda v: v == 0),
]


def shown(value):
    return f"{value:.4f}" if isinstance(value, float) else str(value)


print(f"{'set':<22} {'metric':<36} {'feed':>8} {'backfill':>8}  target")
for name, metric, get, target, met in rows:
    if name not in sets:
        continue
    values = [get(score(name, mode)) for mode in MODES]
    mark = "" if all(met(v) for v in values) else "  (not met)"
    print(f"{name:<22} {metric:<36} {shown(values[0]):>8} {shown(values[1]):>8}  {target}{mark}")
for name in sets:
    values = [largest_share_ratio(name, mode) for mode in MODES]
    mark = "" if all(v <= 2 for v in values) else "  (not met)"
    print(f"{name:<22} {'largest story / largest gold story':<36} {values[0]:>7.2f}x {values[1]:>7.2f}x  <= 2x{mark}")
invalid = sum(score(n, m)["validation"]["invalid_lines"] + score(n, m)["validation"]["consistency_errors"]
              for n in sets for m in MODES)
print(f"{'all sets':<22} {'invalid or inconsistent lines':<36} {invalid:>8} {'':>8}  0{'' if invalid == 0 else '  (not met)'}")


def judged(name, mode):
    """Each line without its wall-clock time: what must agree between a feed and a backfill."""
    with open(f"{work}/{name}.{mode}.jsonl") as f:
        return [{k: v for k, v in json.loads(line).items() if k != "time"} for line in f]


for name in sets:
    undated = all(e.get("article", {}).get("published") is None for e in judged(name, "feed"))
    if undated:
        verdict = "n/a: no dates, a backfill is judged in name order"
    else:
        same = judged(name, "feed") == judged(name, "backfill")
        verdict = "identical timelines" if same else "DIFFERENT timelines  (not met)"
    print(f"{name:<22} {'feed vs backfill':<36} {verdict}")
