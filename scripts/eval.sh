#!/usr/bin/env bash
# Scores storyline on the dev sets in ../shared/eval: each set fed to a real `storyline run` twice,
# as a feed (one file at a time in its order.txt order) and as a backfill (every file in the inbox
# before the daemon starts: judged in published order, then name); scripts/eval_daemon.py does both.
# basil is fed with its published dates removed (dates alone would separate its stories); basil and
# mstream have no dates, so their backfill is judged in name order, another order than their feed.
set -euo pipefail
bin=$(realpath "${1:-.build/release/storyline}")
eval_dir=$(realpath -m "${STORYLINE_EVAL:-$(dirname "$0")/../../shared/eval}")
if [ ! -f "$eval_dir/score.py" ]; then
    echo "eval: no dev sets at $eval_dir (expected ../shared/eval beside the checkout, or set STORYLINE_EVAL)" >&2
    exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sets="syndication basil basil_dense basil_headlines_dense uci mstream"
for set in $sets; do
    articles="$eval_dir/dev/$set/articles"
    if [ "$set" = basil ]; then
        mkdir -p "$work/basil_undated"
        python3 - "$articles" "$work/basil_undated" <<'PY'
import json, os, sys
source, target = sys.argv[1:3]
for name in os.listdir(source):
    with open(os.path.join(source, name), encoding="utf-8") as f:
        article = json.load(f)
    article.pop("published", None)
    with open(os.path.join(target, name), "w", encoding="utf-8") as f:
        json.dump(article, f)
PY
        articles="$work/basil_undated"
    fi
    for mode in feed backfill; do
        flag=""; [ "$mode" = backfill ] && flag="--backfill"
        "$(dirname "$0")/eval_daemon.py" $flag "$bin" "$articles" "$eval_dir/dev/$set/order.txt" "$work/$set.$mode.jsonl"
        python3 "$eval_dir/score.py" "$work/$set.$mode.jsonl" "$eval_dir/dev/$set/gold.csv" --json > "$work/$set.$mode.score.json"
    done
done
python3 "$(dirname "$0")/eval_table.py" "$work" "$eval_dir/dev" $sets
