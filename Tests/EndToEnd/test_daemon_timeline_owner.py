"""The daemon writes only a timeline it owns: never through a symlink it did not make, and never as a second
writer beside another daemon (#14 items 7 and 11).

A link at the timeline path is refused at start, and found at the path after a rotation it is a reopen
failure: the daemon waits in its error state, writes nothing, and resumes once a regular file is there. A
timeline has one writer: the daemon holds an exclusive lock on the open file, so a second daemon (another
--state, the same --timeline) refuses to start, and a new file at the path that someone else holds is a reopen
failure too.
"""

import errno
import fcntl
import os
import signal

import pytest

import support
from daemon_support import (  # noqa: F401
    PROCESS_TIMEOUT_SECONDS, DaemonPaths, checked_timeline, complete_lines, daemons, distinct_article, drop_maildir,
    drop_plain, file_of, has, paths, wait_for_file_line, wait_for_lines, wait_until, wait_until_moved,
)

#: A one-line file without its trailing newline: what the old start-up "repaired" to 0 bytes.
VICTIM = b'{"seq":1,"note":"somebody else\'s file, not a timeline"}'


def seqs_and_files(timeline) -> list[tuple[int, str]]:
    """The (seq, file) of each line of a timeline that need not start at seq 1, each line checked."""
    data = timeline.read_bytes()
    assert data == b"" or data.endswith(b"\n"), "the timeline must end with a line feed"
    events = complete_lines(timeline)
    for event in events:
        support.check_line(event)
    return [(event["seq"], file_of(event)) for event in events]


def error_status(daemon, start: int = 0):
    return daemon.listener.wait_for(lambda notification: notification.fields.get("STATUS", "").startswith("error:"),
                                    "an error STATUS", start=start)[1].fields["STATUS"]


# --- 7. No write through a link ------------------------------------------------------------------------------

def test_a_symlink_at_the_timeline_path_is_refused_at_start_and_its_target_left_alone(daemons, paths):
    victim = paths.root / "victim.jsonl"
    victim.write_bytes(VICTIM)
    paths.timeline.symlink_to(victim)
    drop_plain(paths.inbox, "waiting.txt", distinct_article(1))

    daemon = daemons.start(paths, ready=False)
    status = daemon.wait_exit()

    message = daemon.log()
    assert status == 1, message
    assert "symbolic link" in message and str(paths.timeline) in message and "--timeline" in message, message
    assert not daemon.listener.find(has("READY")), daemon.listener.transcript()
    _, failure = daemon.listener.wait_for(has("ERRNO", str(errno.ELOOP)), "ERRNO=ELOOP before the exit", timeout=2)
    assert "symbolic link" in failure.fields.get("STATUS", ""), failure.text
    assert victim.read_bytes() == VICTIM
    assert os.readlink(paths.timeline) == str(victim)
    assert paths.inbox_names() == {"waiting.txt"}


def test_a_dangling_symlink_at_the_timeline_path_is_refused_and_creates_nothing(daemons, paths):
    missing = paths.root / "nowhere.jsonl"
    paths.timeline.symlink_to(missing)

    daemon = daemons.start(paths, ready=False)

    assert daemon.wait_exit() == 1, daemon.log()
    assert "symbolic link" in daemon.log(), daemon.log()
    assert not missing.exists()


@pytest.mark.parametrize("reload", [True, False], ids=["after-sighup", "noticed-before-writing"])
def test_a_symlink_put_at_the_path_after_a_rotation_is_not_followed(daemons, paths, reload):
    daemon = daemons.start(paths)
    drop_maildir(paths.inbox, "first.txt", distinct_article(1))
    wait_for_file_line(paths, "first.txt", daemon)
    wait_until_moved(paths, ["first.txt"])
    victim = paths.root / "victim.jsonl"
    victim.write_bytes(VICTIM)
    rotated = paths.root / "timeline.jsonl.1"
    paths.timeline.rename(rotated)
    paths.timeline.symlink_to(victim)

    mark = len(daemon.listener.notifications)
    if reload:
        daemon.send(signal.SIGHUP)
        wait_until(lambda: "cannot reopen the timeline" in daemon.log(), PROCESS_TIMEOUT_SECONDS, "the reopen error")
    drop_maildir(paths.inbox, "second.txt", distinct_article(2))
    status = error_status(daemon, mark)
    assert "timeline" in status and "symbolic link" in status, status
    wait_until(lambda: daemon.log().count("symbolic link") >= 2, PROCESS_TIMEOUT_SECONDS, "a retry refusing the link")

    assert daemon.running(), daemon.log()
    assert victim.read_bytes() == VICTIM
    assert paths.inbox_names() == {"second.txt"}, "a file left the inbox without its line"
    assert [file_of(event) for event in checked_timeline(rotated)] == ["first.txt"]

    paths.timeline.unlink()  # put right: a regular file at the path, as logrotate's create makes it
    paths.timeline.touch()
    daemon.send(signal.SIGHUP)
    wait_until_moved(paths, ["second.txt"])
    assert daemon.stop() == 0
    assert seqs_and_files(paths.timeline) == [(2, "second.txt")]
    assert victim.read_bytes() == VICTIM


def test_a_symlink_at_the_rotated_copy_is_not_repaired_at_start(daemons, paths):
    daemon = daemons.start(paths)
    drop_maildir(paths.inbox, "first.txt", distinct_article(1))
    wait_for_file_line(paths, "first.txt", daemon)
    wait_until_moved(paths, ["first.txt"])
    assert daemon.stop() == 0
    victim = paths.root / "victim.jsonl"
    victim.write_bytes(VICTIM)
    paths.timeline.rename(paths.root / "kept.jsonl")
    (paths.root / "timeline.jsonl.1").symlink_to(victim)  # where reconciliation looks for the rotated copy

    again = daemons.start(paths, log_name="again")
    drop_maildir(paths.inbox, "second.txt", distinct_article(2))
    wait_for_file_line(paths, "second.txt", again)
    assert again.stop() == 0

    assert victim.read_bytes() == VICTIM
    assert seqs_and_files(paths.timeline) == [(2, "second.txt")]


# --- 11. One writer ------------------------------------------------------------------------------------------

def test_a_second_daemon_on_the_same_timeline_refuses_to_start(daemons, paths):
    first = daemons.start(paths)
    drop_plain(paths.inbox, "before.txt", distinct_article(1))
    wait_for_file_line(paths, "before.txt", first)
    other = DaemonPaths.make(paths.root / "other")
    other = DaemonPaths(root=other.root, inbox=other.inbox, state=other.state, timeline=paths.timeline)
    drop_plain(other.inbox, "theirs.txt", distinct_article(2, topic="airport"))
    timeline = paths.timeline.read_bytes()

    second = daemons.start(other, ready=False, log_name="second")
    status = second.wait_exit()

    message = second.log()
    assert status == 1, message
    assert "another storyline" in message and "--timeline" in message and str(paths.timeline) in message, message
    assert f"pid {first.pid}" in message, message
    assert not second.listener.find(has("READY")), second.listener.transcript()
    second.listener.wait_for(has("ERRNO"), "ERRNO= before the failing exit", timeout=2)
    assert paths.timeline.read_bytes() == timeline
    assert other.inbox_names() == {"theirs.txt"}

    for number in range(3, 6):
        drop_plain(paths.inbox, f"after_{number}.txt", distinct_article(number))
    wait_until_moved(paths, [f"after_{number}.txt" for number in range(3, 6)])
    assert first.stop() == 0
    events = checked_timeline(paths.timeline)
    assert [event["seq"] for event in events] == [1, 2, 3, 4]
    assert "theirs.txt" not in {file_of(event) for event in events}


def test_the_timeline_is_free_for_another_daemon_once_the_first_stopped(daemons, paths):
    """The lock goes with the process. (Another state on this timeline is refused for another reason:
    the timeline is ahead of it, test_timeline_ownership.py.)"""
    first = daemons.start(paths)
    drop_plain(paths.inbox, "one.txt", distinct_article(1))
    wait_until_moved(paths, ["one.txt"])
    assert first.stop() == 0

    second = daemons.start(paths, log_name="second")
    drop_plain(paths.inbox, "two.txt", distinct_article(2))
    assert [event["seq"] for event in wait_for_lines(paths, 2, second)] == [1, 2]
    assert second.stop() == 0


def test_a_new_timeline_someone_else_holds_after_a_rotation_is_a_reopen_failure(daemons, paths):
    daemon = daemons.start(paths)
    drop_maildir(paths.inbox, "first.txt", distinct_article(1))
    wait_until_moved(paths, ["first.txt"])
    paths.timeline.rename(paths.root / "timeline.jsonl.1")
    with open(paths.timeline, "wb") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another writer took the new file first
        mark = len(daemon.listener.notifications)
        daemon.send(signal.SIGHUP)
        wait_until(lambda: "cannot reopen the timeline" in daemon.log(), PROCESS_TIMEOUT_SECONDS, "the reopen error")
        drop_maildir(paths.inbox, "second.txt", distinct_article(2))
        status = error_status(daemon, mark)
        assert "another storyline" in status and f"pid {os.getpid()}" in status, status
        wait_until(lambda: daemon.log().count("cannot reopen the timeline") >= 2, PROCESS_TIMEOUT_SECONDS, "a retry")
        assert daemon.running(), daemon.log()
        assert paths.inbox_names() == {"second.txt"}
        assert paths.timeline.read_bytes() == b""
    # The lock is released: the retry (backoff 0.5 s, 1 s...) takes the file and writes.
    wait_until_moved(paths, ["second.txt"])
    assert daemon.stop() == 0
    assert seqs_and_files(paths.timeline) == [(2, "second.txt")]
