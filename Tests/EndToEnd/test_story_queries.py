"""Story data for consumers (#17): `storyline stories`, `story` and `export` read a running daemon's state,
and the consumer example of docs/timeline.md keeps the live stories with their labels, resumably."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import support
from daemon_support import (  # noqa: F401 (fixtures)
    checked_timeline, daemons, distinct_article, drop_maildir, paths, wait_for_lines,
)


class Output:
    def __init__(self, run):
        self.returncode, self.stdout, self.stderr = run.returncode, run.stdout.decode("utf-8"), run.stderr


def storyline(*arguments) -> Output:
    return Output(support.run_storyline(*arguments))


def dated(title: str, published: str, number: int) -> str:
    return json.dumps({"title": title, "published": published, "text": distinct_article(number, "queries").split("\n\n", 1)[1]})


def test_the_seeds_story_is_named_by_its_event_and_listed_while_the_daemon_runs(daemons, paths):
    daemon = daemons.start(paths)
    for seed in support.seed_paths():
        drop_maildir(paths.inbox, seed.name, seed.read_bytes())
    wait_for_lines(paths, 5, daemon)

    listed = storyline("stories", "--state", paths.state)
    assert listed.returncode == 0, listed.stderr
    rows = listed.stdout.splitlines()
    assert len(rows) == 1, rows
    story, status, counts, _span, label = rows[0].split("\t")
    assert (story, status, counts) == ("s1", "open", "5 articles, 0 duplicates")
    # The first seed opens on a photo caption ("...White House.Blair Gable/Reuters"): the label is the
    # event, Carney's trade talks, from the first line of text that is no caption.
    assert "Carney" in label and ("trade" in label or "deal" in label), label
    assert "Reuters" not in label and "Gable" not in label and "photo" not in label.lower(), label

    as_json = [json.loads(line) for line in storyline("stories", "--state", paths.state, "--json").stdout.splitlines()]
    assert [entry["story"] for entry in as_json] == ["s1"]
    assert as_json[0]["story_data"]["label"] == label
    assert as_json[0]["story_data"]["articles"] == 5

    shown = storyline("story", "s1", "--state", paths.state)
    assert shown.returncode == 0, shown.stderr
    articles = shown.stdout.splitlines()[1:]
    assert [row.split("\t")[3] for row in articles] == [seed.name for seed in support.seed_paths()]
    lines = storyline("story", "s1", "--json", "--state", paths.state).stdout.splitlines()
    timeline = checked_timeline(paths.timeline)
    assert [json.loads(line) for line in lines[1:]] == timeline, "the story's lines are the timeline's"

    exported = [json.loads(line) for line in storyline("export", "--state", paths.state).stdout.splitlines()]
    assert [entry["type"] for entry in exported] == ["story"] + ["article"] * 5
    assert [entry["line"] for entry in exported[1:]] == timeline
    assert daemon.running()


def test_the_queries_fail_clearly(paths):
    missing = storyline("stories", "--state", paths.root / "nowhere")
    assert missing.returncode == 1
    assert "no state database" in missing.stderr and "Usage" not in missing.stderr
    for bad in ("12", "s0", "story"):
        refused = storyline("story", bad, "--state", paths.root / "nowhere")
        assert refused.returncode == 1 and "not a story id" in refused.stderr, refused.stderr


def test_an_unknown_story_is_an_error(daemons, paths):
    daemon = daemons.start(paths)
    drop_maildir(paths.inbox, "one.json", dated("Harbour reopens", "2026-03-01", 1))
    wait_for_lines(paths, 1, daemon)
    unknown = storyline("story", "s9", "--state", paths.state)
    assert unknown.returncode == 1 and "no story s9" in unknown.stderr


def consumer_script() -> str:
    text = support.TIMELINE_DOC_PATH.read_text(encoding="utf-8")
    section = text.split("## A consumer that keeps the live stories", 1)[1]
    return re.search(r"^```python\n(.*?)^```", section, re.DOTALL | re.MULTILINE).group(1)


def test_the_docs_consumer_keeps_the_live_stories_and_resumes(daemons, paths, tmp_path):
    script = tmp_path / "live_stories.py"
    script.write_text(consumer_script())
    saved = tmp_path / "live.json"
    environment = {**os.environ, "PATH": f"{support.binary_path().parent}:{os.environ['PATH']}"}

    def consume() -> dict:
        run = subprocess.run([sys.executable, script, paths.timeline, saved], env=environment,
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        return json.loads(saved.read_text())

    daemon = daemons.start(paths)
    drop_maildir(paths.inbox, "harbour.json", dated("Harbour reopens after the storm", "2026-03-01T08:00:00Z", 1))
    drop_maildir(paths.inbox, "council.json", dated("Council votes on the budget", "2026-03-02T08:00:00Z", 2))
    wait_for_lines(paths, 2, daemon)
    first = consume()
    assert first["seq"] == 2
    assert {story: entry["label"] for story, entry in first["stories"].items()} == {
        "s1": "Harbour reopens after the storm", "s2": "Council votes on the budget"}

    # A week later: both earlier stories close on its line; the consumer resumes from seq 3.
    drop_maildir(paths.inbox, "ferry.json", dated("Winter ferry timetable starts", "2026-03-09T08:00:00Z", 3))
    events = wait_for_lines(paths, 5, daemon)
    assert [event["event"] for event in events[2:]] == ["story_started", "story_closed", "story_closed"]
    second = consume()
    assert second["seq"] == 5
    assert second["stories"] == {"s3": {"label": "Winter ferry timetable starts", "articles": 1}}

    closed = storyline("stories", "--active", "--state", paths.state).stdout.splitlines()
    assert [row.split("\t")[0] for row in closed] == ["s3"]
    assert [row.split("\t")[1] for row in storyline("stories", "--state", paths.state).stdout.splitlines()] == [
        "closed", "closed", "open"]
    checked_timeline(paths.timeline)


def test_why_says_what_the_line_says_and_explain_weighs_terms_as_the_state_does(daemons, paths, tmp_path):
    daemon = daemons.start(paths)
    for seed in support.seed_paths():
        drop_maildir(paths.inbox, seed.name, seed.read_bytes())
    drop_maildir(paths.inbox, "wire_copy.txt", support.first_half_by_words(support.seed(0).read_text()))
    drop_maildir(paths.inbox, "wire_copy_again.txt", support.first_half_by_words(support.seed(0).read_text()))
    drop_maildir(paths.inbox, "scan.pdf", "not an article")
    wait_for_lines(paths, 8, daemon)

    copy = storyline("why", "wire_copy_again.txt", "--state", paths.state)
    assert copy.returncode == 0, copy.stderr
    assert "a duplicate of a6" in copy.stdout and f"its original: a1 {support.seed(0).name}" in copy.stdout
    assert "story now: s1" in copy.stdout
    lines = [json.loads(line) for line in storyline("why", "a7", "--json", "--state", paths.state).stdout.splitlines()]
    assert [line.get("event") for line in lines] == ["duplicate", "story_started", None]
    assert lines[0]["story_data"]["original"] == lines[1]["article"]["id"] == "a1"
    assert lines[2]["story"] == "s1"

    joined = storyline("why", "a2", "--state", paths.state).stdout
    assert "joined story s1 at similarity" in joined and "carney" in joined
    rejected = storyline("why", "scan.pdf", "--state", paths.state).stdout
    assert "was rejected (unsupported_type)" in rejected
    unknown = storyline("why", "a99", "--state", paths.state)
    assert unknown.returncode == 1 and "no article a99" in unknown.stderr

    alone = storyline("explain", support.seed(0), support.seed(1)).stdout
    learned = storyline("explain", "--state", paths.state, support.seed(0), support.seed(1)).stdout
    assert "these two files alone" in alone
    assert "what the state has learned (5 original articles, 1 story)" in learned
    assert daemon.running()


def headline(title: str, published: str) -> str:
    return json.dumps({"title": title, "text": title, "published": published})


RECALL = [
    ("recall-1.json", "Veridian Motors recalls 80,000 hatchbacks over brake fault", "2026-03-01T08:00:00Z"),
    ("recall-2.json", "Brake fault forces Veridian Motors hatchback recall", "2026-03-01T14:00:00Z"),
    ("recall-3.json", "Veridian hatchback recall: brake fault affects 80,000 cars", "2026-03-02T09:00:00Z"),
]


def test_story_data_goes_on_across_a_crash_and_a_restart_and_a_story_closes_once(daemons, paths):
    daemon = daemons.start(paths)
    for name, title, published in RECALL[:2]:
        drop_maildir(paths.inbox, name, headline(title, published))
    wait_for_lines(paths, 2, daemon)
    daemon.kill()  # no snapshot: the next start re-derives the engine from the stored articles

    daemon = daemons.start(paths)
    name, title, published = RECALL[2]
    drop_maildir(paths.inbox, name, headline(title, published))
    third = wait_for_lines(paths, 3, daemon)[2]
    assert third["story"] == "s1" and third["event"] == "story_extended", third
    assert third["story_data"]["articles"] == 3 and third["story_data"]["first_article"] == "a1"
    assert third["story_data"]["label"] == RECALL[0][1]
    assert daemon.stop() == 0  # a snapshot this time

    daemon = daemons.start(paths)
    drop_maildir(paths.inbox, "strike.json", headline("Kessel plant workers strike over night shifts", "2026-03-09T08:00:00Z"))
    events = wait_for_lines(paths, 5, daemon)
    assert [(event["event"], event["story"]) for event in events[3:]] == [("story_started", "s2"), ("story_closed", "s1")]
    assert daemon.stop() == 0

    daemon = daemons.start(paths)
    drop_maildir(paths.inbox, "ferry.json", headline("Winter ferry timetable starts on the estuary", "2026-03-20T08:00:00Z"))
    events = wait_for_lines(paths, 7, daemon)
    assert [(event["event"], event["story"]) for event in events[5:]] == [("story_started", "s3"), ("story_closed", "s2")]
    # A copy of a closed story's article is still its duplicate; nothing else joins it.
    drop_maildir(paths.inbox, "recall-copy.json", headline(RECALL[0][1], "2026-03-20T09:00:00Z"))
    copy = wait_for_lines(paths, 8, daemon)[7]
    assert (copy["event"], copy["story"], copy["story_data"]["closed"], copy["story_data"]["articles"]) == (
        "duplicate", "s1", True, 4)
    assert daemon.stop() == 0
    checked_timeline(paths.timeline)
    listed = [row.split("\t")[:3] for row in storyline("stories", "--state", paths.state).stdout.splitlines()]
    assert listed == [["s1", "closed", "4 articles, 1 duplicate"], ["s2", "closed", "1 article, 0 duplicates"],
                      ["s3", "open", "1 article, 0 duplicates"]]
