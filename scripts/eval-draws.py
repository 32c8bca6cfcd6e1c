#!/usr/bin/env python3
"""How much of a story figure is the draw: basil fed in other story orders and other dense layouts.

basil and basil_dense are 50 stories of 3 articles; one article put in the wrong story moves BCubed F1
by about 0.01, so one fixed order cannot tell a better engine from a luckier one. This script rebuilds
both sets the way the dev sets were built, with other random draws, feeds each to a real
`storyline run` (scripts/eval_daemon.py) and prints the spread of BCubed F1:

- basil (no dates): the stories in a random order, each story's articles in their published order,
  dates removed (what `scripts/eval.sh` feeds, with the story order drawn).
- basil_dense: each story moved to a random start day in a 10-day window from 2019-01-01, its
  articles' offsets kept, fed by published date (ties by file name), like the dev set's order.txt.
- basil_headlines_dense: the same layouts with each body replaced by its headline, as the dev set
  basil_headlines_dense is built.

Usage: scripts/eval-draws.py [BINARY] [--draws N]   (needs ../shared/eval, or STORYLINE_EVAL)
"""
import argparse
import csv
import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile

import eval_daemon

FIRST_DAY = datetime.date(2019, 1, 1)
WINDOW_DAYS = 10


def load_basil(eval_dir):
    folder = os.path.join(eval_dir, "dev", "basil")
    with open(os.path.join(folder, "gold.csv"), encoding="utf-8") as f:
        gold = {row["file"]: row["story"] for row in csv.DictReader(f)}
    with open(os.path.join(folder, "order.txt"), encoding="utf-8") as f:
        order = [line.strip() for line in f if line.strip()]
    articles = {}
    for name in order:
        with open(os.path.join(folder, "articles", name), encoding="utf-8") as f:
            articles[name] = json.load(f)
    stories = {}
    for name in order:
        stories.setdefault(gold[name], []).append(name)
    return articles, stories, folder


def undated_draw(articles, stories, rng):
    """The files in a random story order, without their dates."""
    keys = sorted(stories)
    rng.shuffle(keys)
    feed = []
    for key in keys:
        for name in stories[key]:
            article = dict(articles[name])
            article.pop("published", None)
            feed.append((name, article))
    return feed


def dense_draw(articles, stories, rng):
    """Every story moved to a random start day in the window, offsets kept; by date, then file name."""
    feed = []
    for key in sorted(stories):
        names = stories[key]
        days = {name: datetime.date.fromisoformat(articles[name]["published"][:10]) for name in names}
        start = FIRST_DAY + datetime.timedelta(days=rng.randrange(WINDOW_DAYS))
        first = min(days.values())
        for name in names:
            article = dict(articles[name])
            article["published"] = (start + (days[name] - first)).isoformat()
            feed.append((name, article))
    feed.sort(key=lambda item: (item[1]["published"], item[0]))
    return feed


def headline_draw(articles, stories, rng):
    """A dense layout with every body replaced by its headline."""
    return [(name, dict(article, text=article["title"])) for name, article in dense_draw(articles, stories, rng)]


def score(binary, scorer, gold, feed, work):
    timeline = os.path.join(tempfile.mkdtemp(dir=work), "timeline.jsonl")
    eval_daemon.run(binary, [(name, json.dumps(article).encode()) for name, article in feed], timeline)
    result = subprocess.run([sys.executable, scorer, timeline, gold, "--json"], check=True, capture_output=True, text=True)
    report = json.loads(result.stdout)
    return report["stories"]["bcubed_f1"], report["duplicates"]["duplicate_events"]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary", nargs="?", default=os.path.join(here, "..", ".build", "release", "storyline"))
    parser.add_argument("--draws", type=int, default=20)
    arguments = parser.parse_args()
    eval_dir = os.path.realpath(os.environ.get("STORYLINE_EVAL", os.path.join(here, "..", "..", "shared", "eval")))
    scorer = os.path.join(eval_dir, "score.py")
    if not os.path.isfile(scorer):
        sys.exit(f"eval-draws: no dev sets at {eval_dir} (expected ../shared/eval beside the checkout, or set STORYLINE_EVAL)")
    articles, stories, folder = load_basil(eval_dir)
    gold = os.path.join(folder, "gold.csv")
    binary = os.path.realpath(arguments.binary)
    print(f"{'set':<22} {'draws':>5} {'mean':>7} {'min':>7} {'max':>7}  duplicate events")
    with tempfile.TemporaryDirectory() as work:
        for label, draw, seed in (("basil (no dates)", undated_draw, 1000), ("basil_dense layout", dense_draw, 2000),
                                  ("headlines dense layout", headline_draw, 3000)):
            figures, duplicates = [], 0
            for index in range(arguments.draws):
                f1, events = score(binary, scorer, gold, draw(articles, stories, random.Random(seed + index)), work)
                figures.append(f1)
                duplicates += events
            print(f"{label:<22} {len(figures):>5} {statistics.mean(figures):>7.4f} {min(figures):>7.4f} "
                  f"{max(figures):>7.4f}  {duplicates}")


if __name__ == "__main__":
    main()
