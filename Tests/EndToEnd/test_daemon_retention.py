"""Retention: `storyline run` prunes what it judged longer ago than `retention_days` from the state and
archive/, keeps rejected/ and the timeline, never reuses a number, and keeps STATUS counts exact.

Days cannot pass in a test. Age is when the daemon judged an article, by its own clock (the events'
`judged_at` column), so a test makes a state old the way time would: with the daemon stopped, it moves
`judged_at` (and, for a steady stream, the articles' own times) back by days, then starts it again.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time

from daemon_support import (  # noqa: F401
    checked_timeline, complete_lines, daemons, distinct_article, drop_plain, file_of, has, paths, wait_for_lines,
    wait_until, wait_until_moved,
)
import support

DAY_MS = 86_400_000
#: The smallest horizon the engine takes with a window of 0 and a half-life of 0.25 days (0 + 4 × 0.25),
#: and retention at its minimum, the horizon.
SHORT = ["--story-window-days", "0", "--story-half-life-days", "0.25", "--horizon-days", "1", "--retention-days", "1"]
PRUNED = re.compile(r"pruned what was judged over 1 days ago: (\d+) articles, (\d+) events, (\d+) stories, "
                    r"(\d+) archived files \((\d+) already gone\)")


def query(paths, sql: str, *arguments) -> list[tuple]:
    with sqlite3.connect(paths.state / "state.sqlite") as database:
        return database.execute(sql, arguments).fetchall()


def age(paths, days: float, where: str = "1", articles_too: bool = False) -> None:
    """With the daemon stopped: as if the events chosen by `where` had been judged `days` earlier."""
    with sqlite3.connect(paths.state / "state.sqlite") as database:
        database.execute(f"UPDATE events SET judged_at = judged_at - ? WHERE {where}", (int(days * DAY_MS),))
        if articles_too:
            database.execute("UPDATE articles SET time = time - ?", (int(days * DAY_MS),))


def json_article(number: int, published: str) -> str:
    title, body = distinct_article(number).split("\n\n", 1)
    return json.dumps({"title": title, "text": body, "published": published})


def iso(epoch_ms: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch_ms / 1000))


def status_counts(notification) -> str:
    return notification.fields["STATUS"].split(": ", 1)[1]


def numbers(events: list[dict]) -> tuple[int, int]:
    articles = [int(event["article"]["id"][1:]) for event in events if "article" in event]
    stories = [int(event["story"][1:]) for event in events if event.get("story")]
    return max(articles), max(stories)


def test_pruning_removes_what_was_judged_past_retention_and_nothing_else(daemons, paths):
    now_ms = int(time.time() * 1000)
    old_date, older_date = iso(now_ms - 10 * DAY_MS), iso(now_ms - 11 * DAY_MS)
    # One batch, judged in published order: kept (published long ago, judged now), then five to age.
    drop_plain(paths.inbox, "published_long_ago.json", json_article(50, older_date))
    aged = [f"aged_{number}.json" for number in range(5)]
    for number, name in enumerate(aged):
        drop_plain(paths.inbox, name, json_article(number, old_date))
    drop_plain(paths.inbox, "empty.txt", "")
    first = daemons.start(paths, arguments=SHORT)
    wait_for_lines(paths, 7, first)
    wait_until_moved(paths, [*aged, "empty.txt", "published_long_ago.json"])
    # Then, on its own, the last article: undated, so dated now.
    drop_plain(paths.inbox, "last.txt", distinct_article(60))
    wait_for_lines(paths, 8, first)
    wait_until_moved(paths, ["last.txt"])
    assert first.stop() == 0
    before = checked_timeline(paths.timeline)
    timeline_before = paths.timeline.read_bytes()
    highest_article, highest_story = numbers(before)
    stopped = first.listener.notifications[-1]
    counts = status_counts(stopped)
    assert counts.startswith("7 articles, 7 stories, 0 duplicates, 1 rejected"), stopped.text

    age(paths, 10, "file IN ('aged_0.json', 'aged_1.json', 'aged_2.json', 'aged_3.json', 'aged_4.json', 'empty.txt')")
    second = daemons.start(paths, arguments=SHORT)
    assert status_counts(second.listener.find(has("READY", "1"))[1]) == counts
    found = wait_until(lambda: PRUNED.search(second.log()), 15, lambda: f"a pruning line; log:\n{second.log()}")
    assert found.groups() == ("5", "6", "5", "5", "0"), found.group(0)
    assert paths.archived_names() == {"published_long_ago.json", "last.txt"}
    assert paths.rejected_names() == {"empty.txt"}, "rejected files are kept"
    assert query(paths, "SELECT file FROM events ORDER BY seq") == [("published_long_ago.json",), ("last.txt",)]
    assert query(paths, "SELECT file FROM articles ORDER BY number") == [("published_long_ago.json",), ("last.txt",)]
    assert second.stop() == 0
    assert status_counts(second.listener.notifications[-1]) == counts

    # Without the snapshot the engine is rebuilt from what is left: numbers still go on from the highest
    # ever handed out, not from the rows that remain.
    (paths.state / "engine.snapshot").unlink()
    third = daemons.start(paths, arguments=SHORT)
    assert status_counts(third.listener.find(has("READY", "1"))[1]) == counts
    drop_plain(paths.inbox, "new.txt", distinct_article(70))
    new = wait_for_lines(paths, 9, third)[-1]
    assert new["event"] == "story_started", new
    assert int(new["article"]["id"][1:]) == highest_article + 1
    assert int(new["story"][1:]) == highest_story + 1
    third.listener.wait_for(lambda n: "8 articles, 8 stories, 0 duplicates, 1 rejected" in n.fields.get("STATUS", ""),
                            "the counts with the new article")
    assert third.stop() == 0

    after = checked_timeline(paths.timeline)
    assert paths.timeline.read_bytes().startswith(timeline_before), "pruning leaves the timeline as it was"
    assert [event["seq"] for event in after] == list(range(1, 10))
    assert paths.inbox_names() == set()


def test_the_state_file_stays_flat_under_a_steady_stream(daemons, paths):
    """Three rounds of files, each ten days after the one before: pruning frees the old rows' pages and
    the new rows reuse them, so the file after round 3 is about the size it was after round 2.

    An article leaves the state only once it is also out of the engine's reach (older than the newest
    article by more than the horizon and a day), so the rows of a round go when the next round has
    come in: each round is pruned at the start after the next one.
    """
    per_round = 300
    sizes = []
    for round_number in range(3):
        daemon = daemons.start(paths, arguments=SHORT)
        names = [f"r{round_number}_{number:04d}.txt" for number in range(per_round)]
        for number, name in enumerate(names):
            drop_plain(paths.inbox, name, distinct_article(1000 * round_number + number))
        wait_for_lines(paths, per_round * (round_number + 1), daemon, timeout=60)
        wait_until_moved(paths, names, timeout=60)
        assert daemon.stop() == 0
        if round_number > 0:
            daemon = daemons.start(paths, arguments=SHORT)
            found = wait_until(lambda: PRUNED.search(daemon.log()), 15, lambda: f"a pruning line; log:\n{daemon.log()}")
            assert found.group(1) == str(per_round), found.group(0)
            assert daemon.stop() == 0
        sizes.append((paths.state / "state.sqlite").stat().st_size)
        age(paths, 10, articles_too=True)
    print(f"state.sqlite after each round of {per_round} files: {sizes}")
    assert sizes[2] <= sizes[1] * 1.1, f"state.sqlite after each round: {sizes}"
    assert len(paths.archived_names()) == per_round
    assert len(checked_timeline(paths.timeline)) == 3 * per_round
    assert query(paths, "SELECT value FROM meta WHERE key = 'total_articles'") == [(3 * per_round,)]


def test_retention_below_the_horizon_is_refused(paths):
    result = support.run_storyline("run", "--inbox", paths.inbox, "--state", paths.state, "--timeline", paths.timeline,
                                   "--retention-days", "10")
    assert result.returncode != 0
    assert "retention_days must be a finite number of days from horizon_days (30) to 36500 (got 10)" in result.stderr
    for value in ["inf", "nan", "40000"]:
        result = support.run_storyline("run", "--inbox", paths.inbox, "--retention-days", value)
        assert result.returncode != 0 and "retention_days must be a finite number" in result.stderr, result.stderr
    assert not paths.state.exists()


def test_a_state_from_before_retention_takes_judged_times_from_its_timeline_lines(daemons, paths):
    first = daemons.start(paths)
    for number in range(3):
        drop_plain(paths.inbox, f"before_{number}.txt", distinct_article(number))
    drop_plain(paths.inbox, "empty.txt", "")
    wait_for_lines(paths, 4, first)
    wait_until_moved(paths, [f"before_{number}.txt" for number in range(3)] + ["empty.txt"])
    assert first.stop() == 0
    counts = status_counts(first.listener.notifications[-1])
    # Take the database back to what the build before retention left: no judged_at, no totals in meta.
    with sqlite3.connect(paths.state / "state.sqlite") as database:
        database.executescript("""
            DROP INDEX events_judged;
            DROP INDEX articles_seq;
            ALTER TABLE events DROP COLUMN judged_at;
            DELETE FROM meta WHERE key LIKE 'total_%' OR key LIKE 'highest_%';
            DELETE FROM grdb_migrations WHERE identifier LIKE 'v6:%';
            """)

    second = daemons.start(paths)
    assert status_counts(second.listener.find(has("READY", "1"))[1]) == counts
    assert second.stop() == 0
    lines = {event["seq"]: event["time"] for event in checked_timeline(paths.timeline)}
    judged = dict(query(paths, "SELECT seq, strftime('%Y-%m-%dT%H:%M:%fZ', judged_at / 1000.0, 'unixepoch') FROM events"))
    assert judged == lines
