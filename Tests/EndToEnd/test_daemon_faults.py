"""Faults around `storyline run`: a full disk, a timeline removed or made unwritable, a read-only state
directory, an inotify queue overflow, an exhausted inotify watch limit.

Every outcome is read from what the daemon leaves behind (the timeline, archive/, rejected/, the inbox),
never from its own counters: each input file ends with exactly one line or stays in the inbox while it
cannot be handled, `seq` has no gap, no line is torn, and the daemon keeps running and recovers once the
cause is fixed. Tests that mount file systems or change sysctls need root and skip without it; whatever
they change is restored in a `finally`, pass or fail.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

import support
from storyline_harness.service_manager import child_environment
from daemon_support import (  # noqa: F401
    Daemon, DaemonPaths, checked_timeline, complete_lines, daemons, distinct_article, drop_maildir, file_of, paths,
    wait_for_file_line, wait_for_lines, wait_until, wait_until_moved,
)

#: The daemon retries a failed batch with a backoff that doubles up to 30 s: the longest a recovery may take.
RECOVERY_TIMEOUT_SECONDS = 40
#: What a crash looks like in the log of a Swift program, as opposed to an orderly exit with a message.
CRASH_MARKERS = ("Fatal error", "Stack dump", "Illegal instruction", "Segmentation fault", "Current stack trace")


def require_root(purpose: str) -> None:
    if os.geteuid() != 0:
        pytest.skip(f"needs root to {purpose}")


class Mounts:
    """File systems mounted by one test; unmounted in reverse order in teardown, pass or fail."""

    def __init__(self) -> None:
        self.mounted: list[Path] = []

    def tmpfs(self, directory: Path, size: str) -> Path:
        require_root("mount a tmpfs")
        directory.mkdir(parents=True, exist_ok=True)
        self._mount(["-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(directory)], directory)
        return directory

    def read_only_bind(self, directory: Path) -> Path:
        """`directory` mounted read-only over itself: its contents stay visible, nothing can change them."""
        require_root("bind-mount a directory read-only")
        self._mount(["--bind", str(directory), str(directory)], directory)
        self._run(["mount", "-o", "remount,bind,ro", str(directory)])
        return directory

    def _mount(self, arguments: list[str], directory: Path) -> None:
        self._run(["mount", *arguments])
        self.mounted.append(directory)

    def remount_read_only(self, directory: Path) -> None:
        self._run(["mount", "-o", "remount,ro", str(directory)])

    @staticmethod
    def _run(command: list[str]) -> None:
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            pytest.skip(f"`{' '.join(command)}` failed ({result.returncode}): {result.stderr.strip()}")

    def close(self) -> None:
        for directory in reversed(self.mounted):
            if subprocess.run(["umount", str(directory)], capture_output=True).returncode != 0:
                subprocess.run(["umount", "--lazy", str(directory)], capture_output=True)
        self.mounted.clear()


@pytest.fixture
def mounts():
    """Request it before `daemons`, so the daemons are killed before their file systems are unmounted."""
    made = Mounts()
    try:
        yield made
    finally:
        made.close()


class Sysctl:
    """One /proc/sys setting, changed for a moment and put back by `restore` (idempotent)."""

    def __init__(self, name: str) -> None:
        require_root(f"change the sysctl {name}")
        self.name = name
        self.path = Path("/proc/sys") / name.replace(".", "/")
        self.original = self.path.read_text().strip()

    def set(self, value: int) -> None:
        try:
            self.path.write_text(f"{value}\n")
        except OSError as error:
            pytest.skip(f"cannot change the sysctl {self.name}: {error}")

    def restore(self) -> None:
        if self.path.read_text().strip() != self.original:
            self.path.write_text(f"{self.original}\n")


def drop_articles(paths: DaemonPaths, prefix: str, count: int, first: int = 0) -> dict[str, bytes]:
    """`count` distinct articles dropped Maildir-style (written under a dot-name, renamed in)."""
    files = {}
    for number in range(first, first + count):
        name = f"{prefix}_{number:04d}.txt"
        text = distinct_article(number, topic=prefix)
        drop_maildir(paths.inbox, name, text)
        files[name] = text.encode("utf-8")
    return files


def fill_file_system(filler: Path) -> None:
    """Writes `filler` until the file system it is on has no free block left."""
    with open(filler, "wb", buffering=0) as file:
        for size in (1 << 16, 1 << 12, 1 << 9, 1):
            block = b"\0" * size
            while True:
                try:
                    file.write(block)
                except OSError as error:
                    if error.errno != errno.ENOSPC:
                        raise
                    break
    assert os.statvfs(filler.parent).f_bavail == 0, "the file system still has free blocks"


def assert_each_file_once(paths: DaemonPaths, files: dict[str, bytes]) -> list[dict]:
    """The whole timeline obeys the contract (seq 1..N, no torn line), names each of `files` exactly once,
    and every file is archived with its bytes intact; the inbox is empty."""
    events = checked_timeline(paths.timeline)
    assert sorted(file_of(event) for event in events) == sorted(files)
    assert paths.archived_names() == set(files), sorted(paths.archived_names() ^ set(files))
    assert paths.rejected_names() == set()
    assert paths.inbox_names() == set()
    for name, data in files.items():
        assert (paths.archived_as(name)).read_bytes() == data, f"{name} was not archived intact"
    return events


def assert_no_crash(log: str) -> None:
    for marker in CRASH_MARKERS:
        assert marker not in log, f"the daemon crashed ({marker!r}):\n{log}"


# --- 1. Disk full --------------------------------------------------------------------------------------------

def test_a_full_disk_keeps_files_in_the_inbox_and_they_are_handled_once_space_is_back(mounts, daemons, tmp_path):
    small = mounts.tmpfs(tmp_path / "small", "2m")
    paths = DaemonPaths(root=tmp_path, inbox=tmp_path / "inbox", state=small / "state",
                        timeline=small / "timeline.jsonl")
    paths.inbox.mkdir()
    daemon = daemons.start(paths)
    before = drop_articles(paths, "before", 3)
    wait_for_lines(paths, 3, daemon)
    wait_until_moved(paths, before)

    filler = small / "filler"
    fill_file_system(filler)
    failures_before = daemon.log().count("retrying in")
    waiting = drop_articles(paths, "full", 20)
    files = before | waiting

    # The status says what is wrong; the daemon keeps retrying, files stay in the inbox without a line.
    error_index, error = daemon.listener.wait_for(
        lambda notification: notification.fields.get("STATUS", "").startswith("error:"), "an error STATUS")
    assert "disk is full" in error.fields["STATUS"], error.text
    wait_until(lambda: daemon.log().count("retrying in") >= failures_before + 3, 10,
               lambda: f"three failed retries; log:\n{daemon.log()[-3000:]}")
    assert daemon.running(), daemon.log()
    assert paths.inbox_names() == set(waiting)
    assert len(complete_lines(paths.timeline)) == 3
    assert paths.timeline.read_bytes().endswith(b"\n")

    filler.unlink()
    wait_for_lines(paths, len(files), daemon, timeout=RECOVERY_TIMEOUT_SECONDS)
    wait_until_moved(paths, waiting, timeout=RECOVERY_TIMEOUT_SECONDS)
    daemon.listener.wait_for(
        lambda notification: notification.fields.get("STATUS", "").startswith("watching"), "a STATUS without the error",
        start=error_index + 1)
    assert daemon.stop() == 0

    events = assert_each_file_once(paths, files)
    assert sorted(file_of(event) for event in events[:3]) == sorted(before)
    database = sqlite3.connect(paths.state / "state.sqlite")
    try:
        assert database.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert database.execute("SELECT COUNT(*) FROM events").fetchone() == (len(files),)
    finally:
        database.close()


ARCHIVE_BUG = (
    "BUG: when a cross-device move into archive/ fails (ENOSPC), FileMover leaves the partial copy (an empty "
    "file under the article's name) in archive/, and the file is put in `unmovable` and only moved again by "
    "the next batch's moveCommittedFiles: with no new arrival it stays in the inbox for good; when it finally "
    "moves, it lands as NAME.1.txt next to the empty NAME.txt; the status never shows an error")


def fill_the_archive(mounts, daemons, tmp_path) -> tuple[Daemon, DaemonPaths, Path, dict[str, bytes]]:
    """Only archive/ is full (a tmpfs of its own, across devices from the inbox): the state database and
    the timeline take the batch, the files cannot be moved out of the inbox."""
    paths = DaemonPaths.make(tmp_path / "run")
    mounts.tmpfs(paths.archive, "1m")
    daemon = daemons.start(paths)
    filler = paths.archive / ".filler"
    fill_file_system(filler)
    files = drop_articles(paths, "stuck", 3)
    wait_for_lines(paths, 3, daemon)
    wait_until(lambda: daemon.log().count("cannot move") >= 3, 10,
               lambda: f"three move errors; log:\n{daemon.log()[-3000:]}")
    assert daemon.running(), daemon.log()
    assert paths.inbox_names() == set(files), "a file left the inbox although it could not be archived"
    assert sorted(file_of(event) for event in checked_timeline(paths.timeline)) == sorted(files)
    return daemon, paths, filler, files


def test_files_that_could_not_be_archived_for_lack_of_space_are_moved_once_space_is_back(mounts, daemons, tmp_path):
    daemon, paths, filler, files = fill_the_archive(mounts, daemons, tmp_path)

    filler.unlink()
    wait_until_moved(paths, files, timeout=15)
    assert daemon.stop() == 0

    assert_each_file_once(paths, files)


def test_a_failed_copy_into_a_full_archive_leaves_no_partial_file(mounts, daemons, tmp_path):
    daemon, paths, filler, files = fill_the_archive(mounts, daemons, tmp_path)

    filler.unlink()
    files |= drop_articles(paths, "late", 1)  # today the next batch is what moves the stuck files
    wait_until_moved(paths, files)
    assert daemon.stop() == 0

    assert_each_file_once(paths, files)  # not stuck_0000.txt empty and stuck_0000.1.txt intact


# --- 2. Timeline removed -------------------------------------------------------------------------------------

@pytest.mark.parametrize("reload", [False, True], ids=["noticed-before-writing", "after-sighup"])
def test_lines_after_the_timeline_was_removed_go_to_a_new_file_and_continue_seq(daemons, paths, reload):
    daemon = daemons.start(paths)
    before = drop_articles(paths, "before", 3)
    wait_for_lines(paths, 3, daemon)
    wait_until_moved(paths, before)

    paths.timeline.unlink()  # the operator's doing: these three lines are gone with the file
    if reload:
        daemon.send(signal.SIGHUP)
        wait_until(paths.timeline.exists, 5, "the timeline to be created again on SIGHUP")
    after = drop_articles(paths, "after", 5)
    wait_for_lines(paths, 5, daemon)
    wait_until_moved(paths, after)
    assert daemon.running()
    assert daemon.stop() == 0

    data = paths.timeline.read_bytes()
    assert data.endswith(b"\n")
    events = [json.loads(line) for line in data.decode("utf-8").split("\n")[:-1]]
    for event in events:
        support.check_line(event)
    assert [event["seq"] for event in events] == [4, 5, 6, 7, 8]
    assert sorted(file_of(event) for event in events) == sorted(after)
    assert paths.archived_names() == set(before) | set(after)
    assert paths.inbox_names() == set()


# --- 3. Timeline unwritable ----------------------------------------------------------------------------------

def make_unwritable(paths: DaemonPaths, how: str) -> Path:
    """Makes the timeline path unwritable; returns where the original file is kept."""
    if how == "immutable":
        require_root("set the immutable attribute (chattr +i)")
        if shutil.which("chattr") is None:
            pytest.skip("chattr is not installed")
        result = subprocess.run(["chattr", "+i", str(paths.timeline)], capture_output=True, text=True)
        if result.returncode != 0:
            pytest.skip(f"chattr +i failed on this file system: {result.stderr.strip()}")
        return paths.timeline
    kept = paths.root / "timeline.jsonl.kept"
    paths.timeline.rename(kept)
    paths.timeline.mkdir()
    return kept


def make_writable(paths: DaemonPaths, how: str, kept: Path) -> None:
    if how == "immutable":
        subprocess.run(["chattr", "-i", str(paths.timeline)], check=True, capture_output=True)
    else:
        paths.timeline.rmdir()
        kept.rename(paths.timeline)


@pytest.fixture
def restore_writable():
    """Undoes `make_unwritable` in teardown if the test did not (chattr -i; the tmp dir is removed later)."""
    undo: list[Path] = []
    yield undo
    for path in undo:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)


TIMELINE_BUG = (
    "BUG: after a failed timeline append the batch is committed but its files are no longer pending; retry() "
    "then clears the error without appending anything (timelineNeedsReopen is false), and the SIGHUP reopen "
    "does not append the committed lines either: the files wait in the inbox without a line, under a "
    "'watching ... backlog 0' status, until another file arrives or the daemon restarts")


def break_the_timeline(daemons, paths, how: str,
                       restore_writable) -> tuple[Daemon, dict[str, bytes], dict[str, bytes], Path]:
    """A daemon that judged two files, then files dropped while the timeline path is unwritable."""
    daemon = daemons.start(paths)
    before = drop_articles(paths, "before", 2)
    wait_for_lines(paths, 2, daemon)
    wait_until_moved(paths, before)

    kept = make_unwritable(paths, how)
    if how == "immutable":
        restore_writable.append(paths.timeline)
    waiting = drop_articles(paths, "waiting", 5)
    wait_until(lambda: "cannot append to the timeline" in daemon.log(), 10,
               lambda: f"an error about the timeline; log:\n{daemon.log()[-3000:]}")
    time.sleep(0.5)  # a few loop turns and retries: nothing may leave the inbox meanwhile
    assert daemon.running(), daemon.log()
    assert paths.inbox_names() == set(waiting), "a file left the inbox without its line"
    assert len(complete_lines(kept)) == 2 and kept.read_bytes().endswith(b"\n")
    return daemon, before, waiting, kept


@pytest.mark.parametrize("how", ["directory", "immutable"])
@pytest.mark.parametrize("recovery", ["sighup", "retry"])
def test_files_wait_while_the_timeline_is_unwritable_and_get_one_line_once_it_is_back(
        daemons, paths, restore_writable, how, recovery):
    daemon, before, waiting, kept = break_the_timeline(daemons, paths, how, restore_writable)

    make_writable(paths, how, kept)
    if recovery == "sighup":
        daemon.send(signal.SIGHUP)
    # The backoff is still short here (two failures: 1 s); a SIGHUP reopens at once.
    wait_until_moved(paths, waiting, timeout=10 if recovery == "retry" else 5)
    assert daemon.stop() == 0

    assert_each_file_once(paths, before | waiting)


def test_the_status_keeps_the_timeline_error_while_the_timeline_stays_unwritable(daemons, paths, restore_writable):
    daemon, _, waiting, _ = break_the_timeline(daemons, paths, "directory", restore_writable)
    time.sleep(2)  # several retry intervals (0.25, 0.5, 1 s)

    status = [notification.fields["STATUS"] for notification in daemon.listener.notifications
              if "STATUS" in notification.fields][-1]
    assert paths.inbox_names() == set(waiting)
    assert status.startswith("error:") and "timeline" in status, status


def test_a_file_arriving_after_the_timeline_is_back_brings_the_waiting_files_with_it(daemons, paths):
    """Today's way out of the bug above: the next batch appends every committed line, then moves the files."""
    daemon = daemons.start(paths)
    kept = make_unwritable(paths, "directory")
    waiting = drop_articles(paths, "waiting", 5)
    wait_until(lambda: "cannot append to the timeline" in daemon.log(), 10,
               lambda: f"an error about the timeline; log:\n{daemon.log()[-3000:]}")
    make_writable(paths, "directory", kept)
    daemon.send(signal.SIGHUP)
    late = drop_articles(paths, "late", 1)
    wait_until_moved(paths, [*waiting, *late])
    assert daemon.stop() == 0

    assert_each_file_once(paths, waiting | late)


# --- 4. State directory read-only ----------------------------------------------------------------------------

@pytest.mark.parametrize("state", ["new", "existing"])
def test_a_read_only_state_directory_stops_the_start_with_a_message_naming_it(mounts, daemons, tmp_path, state):
    paths = DaemonPaths.make(tmp_path / "run")
    if state == "existing":
        first = daemons.start(paths)
        drop_articles(paths, "before", 1)
        wait_for_lines(paths, 1, first)
        assert first.stop() == 0
        mounts.read_only_bind(paths.state)
    else:
        mounts.tmpfs(paths.state, "1m")
        mounts.remount_read_only(paths.state)
    drop_articles(paths, "waiting", 1)
    timeline_before = paths.timeline.read_bytes() if paths.timeline.exists() else b""

    daemon = daemons.start(paths, ready=False)
    status = daemon.wait_exit()

    log = daemon.log()
    assert status == 1, f"exit status {status}:\n{log}"
    assert_no_crash(log)
    assert str(paths.state) in log, log
    assert "Read-only file system" in log, log
    assert daemon.listener.find(lambda notification: notification.fields.get("READY") == "1") is None
    failed = daemon.listener.find(lambda notification: notification.fields.get("STATUS", "").startswith("failed:"))
    assert failed and failed[1].fields.get("ERRNO") == str(errno.EROFS), daemon.listener.transcript()
    assert paths.inbox_names() == {"waiting_0000.txt"}
    assert (paths.timeline.read_bytes() if paths.timeline.exists() else b"") == timeline_before


# --- 5. inotify queue overflow -------------------------------------------------------------------------------

def test_files_lost_to_an_inotify_queue_overflow_are_found_by_the_rescan(daemons, paths):
    queue = Sysctl("fs.inotify.max_queued_events")
    try:
        # The limit is read when an inotify instance is made: lower it only while the daemon makes its own.
        queue.set(16)
        daemon = daemons.start(paths, arguments=["--batch-size", "1000"])
    finally:
        queue.restore()

    trigger = drop_articles(paths, "trigger", 1)
    wait_for_file_line(paths, "trigger_0000.txt", daemon)
    # A stalled loop (stopped here, as a hung disk would stop it) reads no events: the kernel queues
    # them, and drops what does not fit.
    daemon.send(signal.SIGSTOP)
    try:
        burst = drop_articles(paths, "burst", 300)
    finally:
        daemon.send(signal.SIGCONT)
    files = trigger | burst
    wait_until_moved(paths, files, timeout=30)
    wait_for_lines(paths, len(files), daemon)
    assert "the inotify queue overflowed" in daemon.log(), "the burst did not overflow the queue: nothing was tested"
    assert daemon.running()
    assert daemon.stop() == 0

    assert_each_file_once(paths, files)


# --- 6. inotify watch limit exhausted ------------------------------------------------------------------------

def test_an_exhausted_inotify_watch_limit_stops_the_start_naming_the_sysctl(paths):
    # Not the machine-wide fs.inotify.max_user_watches: the daemon runs in a user namespace of its own whose
    # user.max_inotify_watches is 0, so inotify_add_watch fails with ENOSPC for it alone.
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare(1) to give the daemon a user namespace with no inotify watches")
    script = 'echo 0 > /proc/sys/user/max_inotify_watches || exit 97; exec "$@"'
    command = ["unshare", "--user", "--map-root-user", "sh", "-c", script, "sh", str(support.binary_path()), "run",
               "--inbox", str(paths.inbox), "--state", str(paths.state), "--timeline", str(paths.timeline)]
    result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, env=child_environment(),
                            timeout=support.RUN_TIMEOUT_SECONDS)
    if result.returncode == 97 or "unshare:" in result.stderr:
        pytest.skip(f"cannot lower the inotify watch limit in a user namespace: {result.stderr.strip()}")

    assert result.returncode == 1, f"exit status {result.returncode}:\n{result.stderr}"
    assert_no_crash(result.stderr)
    assert "fs.inotify.max_user_watches" in result.stderr, result.stderr
    assert str(paths.inbox) in result.stderr, result.stderr
