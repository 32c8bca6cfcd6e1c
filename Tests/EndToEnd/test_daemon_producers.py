"""How producers put files into the inbox, and what `storyline run` makes of each way.

A file is taken when it is closed after writing or renamed into the inbox; names starting with '.' or
ending in .tmp, .part or ~ are writes in progress and wait for their rename (`storyline run --help`).
"""

from daemon_support import (  # noqa: F401
    checked_timeline, daemons, distinct_article, drop_maildir, drop_plain, file_of, paths, wait_for_file_line,
    wait_for_lines, wait_until, wait_until_moved,
)


def test_a_plain_write_gets_exactly_one_line(daemons, paths):
    daemon = daemons.start(paths)

    drop_plain(paths.inbox, "plain.txt", distinct_article(1))

    line = wait_for_file_line(paths, "plain.txt", daemon)
    assert line["event"] == "story_started"
    wait_until_moved(paths, ["plain.txt"])
    drop_plain(paths.inbox, "marker.txt", distinct_article(2))
    wait_for_file_line(paths, "marker.txt", daemon)
    assert daemon.stop() == 0
    assert [file_of(event) for event in checked_timeline(paths.timeline)] == ["plain.txt", "marker.txt"]
    assert paths.archived_names() == {"plain.txt", "marker.txt"}
    assert paths.inbox_names() == set()


def test_a_maildir_style_write_gets_exactly_one_line(daemons, paths):
    daemon = daemons.start(paths)

    drop_maildir(paths.inbox, "renamed.txt", distinct_article(1))

    line = wait_for_file_line(paths, "renamed.txt", daemon)
    assert line["event"] == "story_started"
    drop_plain(paths.inbox, "marker.txt", distinct_article(2))
    wait_for_file_line(paths, "marker.txt", daemon)
    assert daemon.stop() == 0
    assert [file_of(event) for event in checked_timeline(paths.timeline)] == ["renamed.txt", "marker.txt"]
    assert paths.archived_names() == {"renamed.txt", "marker.txt"}
    assert paths.inbox_names() == set()


def test_writes_in_progress_get_no_line_and_stay_in_the_inbox(daemons, paths):
    daemon = daemons.start(paths)
    in_progress = ["draft.txt.tmp", ".hidden.txt", ".partial.txt.tmp", "download.txt.part", "backup.txt~"]

    for number, name in enumerate(in_progress):
        drop_plain(paths.inbox, name, distinct_article(number))
    drop_plain(paths.inbox, "marker.txt", distinct_article(99))  # judged after anything dropped before it

    wait_for_file_line(paths, "marker.txt", daemon)
    wait_until_moved(paths, ["marker.txt"])
    assert daemon.stop() == 0
    assert [file_of(event) for event in checked_timeline(paths.timeline)] == ["marker.txt"]
    assert paths.inbox_names() == set(in_progress)
    assert paths.archived_names() == {"marker.txt"}
    assert paths.rejected_names() == set()


def test_files_present_before_start_up_are_processed(daemons, paths):
    backlog = [f"backlog_{number}.txt" for number in range(5)]
    for number, name in enumerate(backlog):
        drop_plain(paths.inbox, name, distinct_article(number))
    drop_plain(paths.inbox, "left_over.txt.tmp", distinct_article(50))  # an interrupted write: not taken

    daemon = daemons.start(paths)

    events = wait_for_lines(paths, len(backlog), daemon)
    wait_until_moved(paths, backlog)
    drop_plain(paths.inbox, "after.txt", distinct_article(51))
    wait_for_file_line(paths, "after.txt", daemon)
    assert daemon.stop() == 0
    events = checked_timeline(paths.timeline)
    assert sorted(file_of(event) for event in events[: len(backlog)]) == backlog
    assert [file_of(event) for event in events[len(backlog):]] == ["after.txt"]
    assert paths.archived_names() == {*backlog, "after.txt"}
    assert paths.inbox_names() == {"left_over.txt.tmp"}


def test_a_renamed_in_progress_file_is_taken_under_its_final_name(daemons, paths):
    daemon = daemons.start(paths)
    temporary = drop_plain(paths.inbox, "slow.txt.part", distinct_article(1))
    drop_plain(paths.inbox, "marker.txt", distinct_article(2))
    wait_for_file_line(paths, "marker.txt", daemon)

    temporary.rename(paths.inbox / "slow.txt")

    line = wait_for_file_line(paths, "slow.txt", daemon)
    assert line["event"] == "story_started"
    wait_until_moved(paths, ["slow.txt"])
    assert daemon.stop() == 0
    assert [file_of(event) for event in checked_timeline(paths.timeline)] == ["marker.txt", "slow.txt"]


def test_the_same_name_dropped_twice_gets_two_lines_and_both_files_are_kept(daemons, paths):
    daemon = daemons.start(paths)
    drop_plain(paths.inbox, "same.txt", distinct_article(1))
    wait_for_file_line(paths, "same.txt", daemon)
    wait_until_moved(paths, ["same.txt"])

    drop_maildir(paths.inbox, "same.txt", distinct_article(2))

    wait_for_lines(paths, 2, daemon)
    wait_until_moved(paths, ["same.txt"])
    assert daemon.stop() == 0
    assert [file_of(event) for event in checked_timeline(paths.timeline)] == ["same.txt", "same.txt"]
    # Nothing archived is overwritten: each file goes aside under the seq of its line.
    assert paths.archived_files() == {"0000000001-same.txt", "0000000002-same.txt"}
    assert [(paths.archive / name).read_text() for name in sorted(paths.archived_files())] == [
        distinct_article(1), distinct_article(2)]


def test_a_deleted_and_recreated_inbox_is_watched_again(daemons, paths):
    daemon = daemons.start(paths)
    paths.inbox.rmdir()
    wait_until(lambda: daemon.listener.find(lambda note: "error:" in note.fields.get("STATUS", "")), 5,
               lambda: f"a STATUS saying the inbox is gone; received:\n{daemon.listener.transcript()}")

    paths.inbox.mkdir()
    drop_plain(paths.inbox, "back.txt", distinct_article(1))

    wait_for_file_line(paths, "back.txt", daemon)
    assert daemon.stop() == 0
    assert paths.archived_names() == {"back.txt"}
