"""Stopping `storyline run` and starting it again on the same state: nothing judged twice, seq goes on."""

from daemon_support import (  # noqa: F401
    checked_timeline, complete_lines, daemons, distinct_article, drop_maildir, drop_plain, file_of, has, paths, wait_for_lines,
    wait_until_moved,
)

FIRST_RUN = 6
SECOND_RUN = 4


def test_a_restart_continues_the_timeline_without_judging_old_files_again(daemons, paths):
    first = daemons.start(paths)
    old = [f"old_{number}.txt" for number in range(FIRST_RUN)]
    for number, name in enumerate(old):
        (drop_plain if number % 2 else drop_maildir)(paths.inbox, name, distinct_article(number))
    wait_for_lines(paths, FIRST_RUN, first)
    wait_until_moved(paths, old)
    assert first.stop() == 0
    first_lines = paths.timeline.read_bytes()

    second = daemons.start(paths)
    ready = second.listener.find(has("READY", "1"))[1]
    assert f"{FIRST_RUN} articles" in ready.fields["STATUS"], ready.text
    new = [f"new_{number}.txt" for number in range(SECOND_RUN)]
    for number, name in enumerate(new):
        drop_maildir(paths.inbox, name, distinct_article(100 + number))
    drop_plain(paths.inbox, "old_copy.txt", distinct_article(0))  # the bytes of old_0.txt: the state remembers
    wait_for_lines(paths, FIRST_RUN + SECOND_RUN + 1, second)
    wait_until_moved(paths, [*new, "old_copy.txt"])
    assert second.stop() == 0

    events = checked_timeline(paths.timeline)  # seq 1..N+M+1 without gaps, ids unique
    assert paths.timeline.read_bytes().startswith(first_lines)
    assert len(events) == FIRST_RUN + SECOND_RUN + 1
    files = [file_of(event) for event in events]
    assert sorted(files[:FIRST_RUN]) == old
    assert sorted(files[FIRST_RUN:]) == sorted([*new, "old_copy.txt"])
    assert [event["seq"] for event in events[FIRST_RUN:]] == list(range(FIRST_RUN + 1, FIRST_RUN + SECOND_RUN + 2))
    copy = events[files.index("old_copy.txt")]
    assert copy["event"] == "duplicate" and copy["why"]["measure"] == "exact", copy
    assert copy["duplicate_of"] == events[files.index("old_0.txt")]["article"]["id"]
    assert paths.archived_names() == {*old, *new, "old_copy.txt"}
    assert paths.inbox_names() == set()


def test_a_restart_with_nothing_new_writes_nothing(daemons, paths):
    first = daemons.start(paths)
    drop_plain(paths.inbox, "only.txt", distinct_article(1))
    wait_for_lines(paths, 1, first)
    wait_until_moved(paths, ["only.txt"])
    assert first.stop() == 0
    before = paths.timeline.read_bytes()

    second = daemons.start(paths)
    assert second.stop() == 0

    assert paths.timeline.read_bytes() == before
    assert paths.archived_names() == {"only.txt"}


def test_a_timeline_rotated_while_stopped_goes_on_in_a_new_file(daemons, paths):
    first = daemons.start(paths)
    for number in range(3):
        drop_plain(paths.inbox, f"old_{number}.txt", distinct_article(number))
    wait_for_lines(paths, 3, first)
    wait_until_moved(paths, [f"old_{number}.txt" for number in range(3)])
    assert first.stop() == 0
    rotated = paths.root / "timeline.jsonl.1"
    paths.timeline.rename(rotated)

    second = daemons.start(paths)
    drop_plain(paths.inbox, "new.txt", distinct_article(10))
    wait_for_lines(paths, 1, second)
    wait_until_moved(paths, ["new.txt"])
    assert second.stop() == 0

    assert len(checked_timeline(rotated)) == 3
    assert [(event["seq"], file_of(event)) for event in complete_lines(paths.timeline)] == [(4, "new.txt")]


def first_run_with_three_lines(daemons, paths) -> bytes:
    first = daemons.start(paths)
    for number in range(3):
        drop_plain(paths.inbox, f"old_{number}.txt", distinct_article(number))
        wait_for_lines(paths, number + 1, first)  # one line per batch, so the last line is a whole write
    wait_until_moved(paths, [f"old_{number}.txt" for number in range(3)])
    assert first.stop() == 0
    return paths.timeline.read_bytes()


def test_a_torn_last_line_is_repaired_at_start_up(daemons, paths):
    whole = first_run_with_three_lines(daemons, paths)
    last_line_start = whole.rstrip(b"\n").rfind(b"\n") + 1
    paths.timeline.write_bytes(whole[: last_line_start + 40])  # a crash in the middle of writing line 3

    second = daemons.start(paths)
    drop_plain(paths.inbox, "new.txt", distinct_article(10))
    wait_for_lines(paths, 4, second)
    assert second.stop() == 0

    repaired = paths.timeline.read_bytes()
    assert repaired.startswith(whole), "the committed line 3 must come back exactly as it was"
    assert [file_of(event) for event in checked_timeline(paths.timeline)][3:] == ["new.txt"]


def test_a_committed_line_missing_from_the_timeline_is_written_at_start_up(daemons, paths):
    whole = first_run_with_three_lines(daemons, paths)
    last_line_start = whole.rstrip(b"\n").rfind(b"\n") + 1
    paths.timeline.write_bytes(whole[:last_line_start])  # a crash after the commit, before the append

    second = daemons.start(paths)
    wait_for_lines(paths, 3, second)
    assert second.stop() == 0

    assert paths.timeline.read_bytes() == whole


def test_a_clean_stop_in_the_middle_of_a_backlog_leaves_no_half_done_file(daemons, paths):
    names = [f"backlog_{number:04d}.txt" for number in range(1500)]
    for number, name in enumerate(names):
        drop_plain(paths.inbox, name, distinct_article(number, topic="backlog"))
    daemon = daemons.start(paths, arguments=["--batch-size", "100"])
    wait_for_lines(paths, 100, daemon)

    assert daemon.stop() == 0

    judged = {file_of(event) for event in checked_timeline(paths.timeline)}
    assert judged, "nothing judged before the stop"
    assert judged == paths.archived_names() | paths.rejected_names()  # judged files are moved, and only they
    assert paths.inbox_names() == set(names) - judged
    rest = daemons.start(paths)
    wait_for_lines(paths, len(names), rest, timeout=30)
    wait_until_moved(paths, names)
    assert rest.stop() == 0
    assert sorted(file_of(event) for event in checked_timeline(paths.timeline)) == names
