"""The engine snapshot: written at a clean stop, loaded at the next start, refused when it cannot be trusted.

Each test ends by dropping a cut-down copy of an earlier article (not the same bytes, so only the
loaded indexes can find it) and checking it is called a duplicate of the right one.
"""

import shutil
import sqlite3

from daemon_support import (  # noqa: F401
    checked_timeline, daemons, distinct_article, drop_plain, file_of, paths, wait_for_lines, wait_until_moved,
)


def cut_copy(number: int) -> str:
    """The first 50 of the 60 words of `distinct_article(number)`, under another headline."""
    words = distinct_article(number).split("\n\n")[1].split()
    return "Shorter version\n\n" + " ".join(words[:50]) + ".\n"


def drop_articles(paths, daemon, names: list[str], first_number: int, lines_before: int) -> None:
    for offset, name in enumerate(names):
        drop_plain(paths.inbox, name, distinct_article(first_number + offset))
    wait_for_lines(paths, lines_before + len(names), daemon)
    wait_until_moved(paths, names)


def drop_copy(paths, daemon, lines_before: int, number: int) -> dict:
    """Drops `cut_copy(number)` as copy.txt; every event of the timeline by file once its line is in."""
    drop_plain(paths.inbox, "copy.txt", cut_copy(number))
    wait_for_lines(paths, lines_before + 1, daemon)
    return {file_of(event): event for event in checked_timeline(paths.timeline)}


def assert_copy_found(paths, daemon, copy_of: str, lines_before: int, number: int) -> None:
    by_file = drop_copy(paths, daemon, lines_before, number)
    copy = by_file["copy.txt"]
    assert copy["event"] == "duplicate" and copy["why"]["measure"] == "containment", copy
    assert copy["duplicate_of"] == by_file[copy_of]["article"]["id"]


def test_a_clean_stop_writes_a_snapshot_and_the_next_start_loads_it(daemons, paths):
    first = daemons.start(paths)
    drop_articles(paths, first, [f"a{n}.txt" for n in range(6)], 0, 0)
    assert first.stop() == 0
    snapshot = paths.state / "engine.snapshot"
    assert snapshot.read_bytes().startswith(b"storyline-snapshot "), "a header line names the state it was taken of"
    assert "engine snapshot written: 6 articles" in first.log()

    second = daemons.start(paths)
    assert "the engine snapshot (up to article 6) and 0 articles judged after it" in second.log(), second.log()
    assert_copy_found(paths, second, "a4.txt", 6, 4)
    assert second.stop() == 0


def test_after_a_crash_the_snapshot_and_the_articles_judged_after_it_are_restored(daemons, paths):
    first = daemons.start(paths)
    drop_articles(paths, first, ["a0.txt", "a1.txt", "a2.txt"], 0, 0)
    assert first.stop() == 0
    second = daemons.start(paths)
    drop_articles(paths, second, ["b3.txt", "b4.txt"], 3, 3)
    second.kill()  # no snapshot at this stop: the one of the first run stays

    third = daemons.start(paths)
    assert "the engine snapshot (up to article 3) and 2 articles judged after it" in third.log(), third.log()
    assert_copy_found(paths, third, "b4.txt", 5, 4)
    assert third.stop() == 0


def test_a_running_daemon_writes_a_snapshot_every_snapshot_seconds_so_a_crash_replays_only_what_came_since(daemons, paths):
    import time

    first = daemons.start(paths, arguments=["--snapshot-seconds", "1"])
    drop_articles(paths, first, ["a0.txt", "a1.txt", "a2.txt"], 0, 0)
    snapshot = paths.state / "engine.snapshot"
    deadline = time.monotonic() + 20
    while "engine snapshot written: 3 articles" not in first.log() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert snapshot.is_file(), first.log()
    drop_articles(paths, first, ["b3.txt"], 3, 3)
    # Idle with nothing judged since the last snapshot: none more is written.
    deadline = time.monotonic() + 20
    while "engine snapshot written: 4 articles" not in first.log() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(2.5)
    assert first.log().count("engine snapshot written") == 2, first.log()
    first.kill()

    second = daemons.start(paths)
    assert "the engine snapshot (up to article 4) and 0 articles judged after it" in second.log(), second.log()
    assert_copy_found(paths, second, "b3.txt", 4, 3)
    assert second.stop() == 0


def test_a_damaged_snapshot_is_refused_and_the_indexes_are_rebuilt_from_the_articles(daemons, paths):
    first = daemons.start(paths)
    drop_articles(paths, first, [f"a{n}.txt" for n in range(4)], 0, 0)
    assert first.stop() == 0
    snapshot = paths.state / "engine.snapshot"
    damaged = bytearray(snapshot.read_bytes())
    damaged[len(damaged) // 2] ^= 0x01
    snapshot.write_bytes(bytes(damaged))

    second = daemons.start(paths)
    log = second.log()
    assert "cannot be used" in log and "damaged" in log, log
    assert "4 articles within the 30-day horizon re-indexed" in log, log
    assert_copy_found(paths, second, "a2.txt", 4, 2)
    assert second.stop() == 0
    third = daemons.start(paths)
    assert "the engine snapshot (up to article 5)" in third.log(), "the clean stop replaced the damaged snapshot"
    assert third.stop() == 0


def test_a_snapshot_of_another_state_is_refused(daemons, paths, tmp_path):
    first = daemons.start(paths)
    drop_articles(paths, first, ["a0.txt", "a1.txt"], 0, 0)
    assert first.stop() == 0
    other_root = tmp_path / "other"
    other_root.mkdir()
    other = type(paths).make(other_root)
    other_daemon = daemons.start(other)
    drop_articles(other, other_daemon, ["x0.txt", "x1.txt"], 50, 0)
    assert other_daemon.stop() == 0
    shutil.copyfile(other.state / "engine.snapshot", paths.state / "engine.snapshot")

    second = daemons.start(paths)
    log = second.log()
    assert "cannot be used" in log and "is not of this database" in log, log
    assert_copy_found(paths, second, "a1.txt", 2, 1)
    assert second.stop() == 0


def test_articles_stored_before_shingles_were_kept_are_still_found(daemons, paths):
    first = daemons.start(paths)
    drop_articles(paths, first, ["a0.txt", "a1.txt", "a2.txt"], 0, 0)
    assert first.stop() == 0
    # A state written by a build that kept shingles only in memory: no snapshot, no stored shingles.
    (paths.state / "engine.snapshot").unlink()
    with sqlite3.connect(paths.state / "state.sqlite") as database:
        database.execute("UPDATE articles SET shingles = NULL")

    second = daemons.start(paths)
    assert "3 articles within the 30-day horizon re-indexed" in second.log(), second.log()
    assert_copy_found(paths, second, "a1.txt", 3, 1)
    assert second.stop() == 0


def test_stored_shingles_that_cannot_be_read_back_are_reported(daemons, paths):
    first = daemons.start(paths)
    drop_articles(paths, first, ["a0.txt", "a1.txt", "a2.txt"], 0, 0)
    assert first.stop() == 0
    # The snapshot holds the indexes but not the shingles: those are read back from the state for each
    # candidate. Damage them where they are stored.
    with sqlite3.connect(paths.state / "state.sqlite") as database:
        database.execute("UPDATE articles SET shingles = x'010203'")

    second = daemons.start(paths)
    copy = drop_copy(paths, second, 3, 1)["copy.txt"]
    assert copy["event"] != "duplicate", "a candidate whose shingles cannot be read is not compared"
    log = second.log()
    assert "could not read back the stored shingles of 1 candidate article(s)" in log, log
    assert "article a2: its 3 bytes of stored shingles cannot be decoded" in log, log
    assert "PRAGMA integrity_check" in log
    assert second.stop() == 0


def dated_article(number: int, published: str) -> str:
    body = distinct_article(number).split("\n\n", 1)[1]
    return f"Title: Report {number}\nPublished: {published}\n\n{body}"


def test_a_rebuild_takes_numbers_from_the_whole_state_not_from_the_horizon(daemons, paths):
    """The last article judged is back-dated past the horizon of the newest one; a rebuild without a
    snapshot (deleting it is documented as safe) must still hand out new article and story numbers."""
    first = daemons.start(paths)
    drop_plain(paths.inbox, "new.txt", dated_article(1, "2026-06-01"))
    wait_for_lines(paths, 1, first)
    drop_plain(paths.inbox, "old.txt", dated_article(2, "2026-01-01"))
    wait_for_lines(paths, 2, first)
    assert first.stop() == 0
    (paths.state / "engine.snapshot").unlink()

    second = daemons.start(paths)
    drop_plain(paths.inbox, "after.txt", dated_article(3, "2026-06-02"))
    events = wait_for_lines(paths, 3, second)
    assert second.stop() == 0
    assert [file_of(event) for event in events] == ["new.txt", "old.txt", "after.txt"]
    assert len({event["article"]["id"] for event in events}) == 3, events
    assert len({event["story"] for event in events}) == 3, events
    assert "UNIQUE constraint" not in second.log(), second.log()
