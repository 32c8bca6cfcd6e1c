#!/usr/bin/env bash
# Scores storyline on the dev sets in ../shared/eval: each set fed to a real `storyline run`, one file
# at a time in its order.txt order (scripts/eval_daemon.py).
# basil is fed with its published dates removed (dates alone would separate its stories).
set -euo pipefail
bin=$(realpath "${1:-.build/release/storyline}")
eval_dir=$(realpath -m "${STORYLINE_EVAL:-$(dirname "$0")/../../shared/eval}")
if [ ! -f "$eval_dir/score.py" ]; then
    echo "eval: no dev sets at $eval_dir (expected ../shared/eval beside the checkout, or set STORYLINE_EVAL)" >&2
    exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for set in syndication basil basil_dense uci; do
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
    "$(dirname "$0")/eval_daemon.py" "$bin" "$articles" "$eval_dir/dev/$set/order.txt" "$work/$set.jsonl"
    python3 "$eval_dir/score.py" "$work/$set.jsonl" "$eval_dir/dev/$set/gold.csv" --json > "$work/$set.score.json"
done
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
def load(name):
    with open(f"{work}/{name}.score.json") as f:
        return json.load(f)
rows = []
s = load("syndication")
d = s["duplicates"]
rows.append(("syndication", "duplicate pair F1", d["pairwise_f1"], ">= 0.98"))
rows.append(("syndication", "false duplicate pairs", d["false_pairs"], "0"))
rows.append(("syndication", "recall, Jaccard 0.5-0.8", d["recall_by_jaccard_band"]["0.5-0.8"], ">= 0.95"))
rows.append(("basil (no dates)", "story BCubed F1", load("basil")["stories"]["bcubed_f1"], ">= 0.97"))
rows.append(("basil (no dates)", "duplicate events", load("basil")["duplicates"]["duplicate_events"], "0"))
rows.append(("basil_dense", "story BCubed F1", load("basil_dense")["stories"]["bcubed_f1"], ">= 0.98"))
rows.append(("uci", "story BCubed F1", load("uci")["stories"]["bcubed_f1"], ">= 0.80"))
invalid = sum(load(n)["validation"]["invalid_lines"] + load(n)["validation"]["consistency_errors"]
              for n in ("syndication", "basil", "basil_dense", "uci"))
rows.append(("all sets", "invalid or inconsistent lines", invalid, "0"))
print(f"{'set':<18} {'metric':<30} {'value':>8}  target")
for name, metric, value, target in rows:
    shown = f"{value:.4f}" if isinstance(value, float) else str(value)
    print(f"{name:<18} {metric:<30} {shown:>8}  {target}")
PY
