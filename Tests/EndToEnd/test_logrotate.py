"""deploy/logrotate.d/storyline, run by the real logrotate against a running daemon.

The configuration rotates with `create` and a reload (SIGHUP) that makes the daemon reopen the timeline;
these tests run the shipped file with only the path and the reload command swapped for the test's own,
several times while files keep arriving, and then read every rotated copy and the live file: each input
file has exactly one line, no line is torn, and seq runs 1..N without a gap from the oldest copy to the
live file.

The helpers here (the derived configuration, a background producer, reading a rotated timeline) are
used by test_tail.py too.
"""

from __future__ import annotations

import gzip
import json
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

import support
from storyline_harness.logrotate import SHIPPED_CONFIG, aimed_config, find_logrotate, write_config
from storyline_harness.timeline import file_bytes
from support import timeline_files
from daemon_support import (  # noqa: F401
    PROCESS_TIMEOUT_SECONDS, Corpus, Daemon, DaemonPaths, daemons, drop_maildir, file_of, make_corpus, paths,
    wait_until,
)

LOGROTATE = find_logrotate()
requires_logrotate = pytest.mark.skipif(
    LOGROTATE is None, reason="the logrotate program is not installed: apt-get install logrotate (make deps does)")


class Rotator:
    """The shipped configuration aimed at one test's daemon, and `logrotate -f` on it."""

    def __init__(self, paths: DaemonPaths, daemon: Daemon) -> None:
        self.config, self.state = write_config(paths.root, aimed_config(paths.timeline, f"kill -HUP {daemon.pid}"))
        self.paths = paths
        self.rotations = 0

    def rotate(self) -> None:
        """One forced rotation; the reload it sends is handled by the daemon whenever it gets to it."""
        completed = subprocess.run([LOGROTATE, "-f", "-s", str(self.state), str(self.config)],
                                   capture_output=True, text=True, timeout=support.RUN_TIMEOUT_SECONDS)
        assert completed.returncode == 0, f"logrotate failed ({completed.returncode}):\n{completed.stderr}"
        self.rotations += 1

    def rotate_after_new_lines(self, count: int, daemon: Daemon, settle=None,
                               timeout: float = PROCESS_TIMEOUT_SECONDS) -> None:
        """Waits for `count` whole lines in the live file (notifempty skips an empty one), then for
        `settle()` if given, then rotates."""
        wait_until(lambda: daemon.running() and len(live_lines(self.paths.timeline)) >= count, timeout,
                   lambda: f"{count} lines in the live timeline; log:\n{daemon.log()[-3000:]}")
        if settle:
            settle()
        self.rotate()


# --- Reading a rotated timeline ----------------------------------------------------------------------------
def live_lines(timeline: Path) -> list[bytes]:
    """The whole lines in the live file now."""
    try:
        data = timeline.read_bytes()
    except FileNotFoundError:
        return []
    return data[: data.rfind(b"\n") + 1].splitlines(keepends=True)


def whole_lines(timeline: Path) -> list[bytes]:
    """Every line of every file of the timeline, oldest first, each ending in its newline."""
    lines: list[bytes] = []
    for path in timeline_files(timeline):
        data = file_bytes(path)
        lines.extend(data[: data.rfind(b"\n") + 1].splitlines(keepends=True))
    return lines


def checked_rotated_timeline(timeline: Path) -> list[bytes]:
    """All the files, oldest first: none ends in a torn line, and joined they are one timeline that keeps
    the whole contract (seq 1..N without a gap, schema, stories) - `support.parse_timeline` checks it."""
    files = timeline_files(timeline)
    joined = b""
    for path in files:
        data = file_bytes(path)
        assert not data or data.endswith(b"\n"), f"{path.name} ends in a torn line: {data[-200:]!r}"
        joined += data
    events = support.parse_timeline(joined)
    assert [event["seq"] for event in events] == list(range(1, len(events) + 1))
    return joined.splitlines(keepends=True)


def wait_for_total_lines(timeline: Path, count: int, daemon: Daemon, timeout: float = PROCESS_TIMEOUT_SECONDS) -> None:
    """Waits until the rotated copies and the live file hold `count` whole lines between them."""
    def enough():
        if not daemon.running():
            pytest.fail(f"the daemon exited with {daemon.process.returncode}:\n{daemon.log()[-4000:]}")
        try:
            return len(whole_lines(timeline)) >= count
        except (FileNotFoundError, EOFError, gzip.BadGzipFile):
            return False  # logrotate is renaming or compressing a copy right now

    wait_until(enough, timeout, lambda: f"{count} lines across the timeline's files; log:\n{daemon.log()[-3000:]}")


def seq_of(line: bytes) -> int:
    return json.loads(line)["seq"]


# --- A producer --------------------------------------------------------------------------------------------

class Producer(threading.Thread):
    """Drops files into the inbox Maildir-style (write `.NAME.tmp`, rename to NAME) from a thread, a few at
    a time with short pauses, so the daemon writes while the test rotates."""

    def __init__(self, inbox: Path, files: dict[str, bytes], burst: int = 5, pause: float = 0.01) -> None:
        super().__init__(name="producer", daemon=True)
        self.inbox, self.files, self.burst, self.pause = inbox, files, burst, pause
        self.dropped = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            for index, (name, data) in enumerate(self.files.items()):
                drop_maildir(self.inbox, name, data)
                self.dropped = index + 1
                if self.dropped % self.burst == 0:
                    time.sleep(self.pause)
        except BaseException as error:  # reported by finish()
            self.error = error

    def finish(self, timeout: float = PROCESS_TIMEOUT_SECONDS) -> None:
        self.join(timeout)
        assert not self.is_alive(), "the producer did not finish"
        assert self.error is None, f"the producer failed: {self.error!r}"


def corpus(count: int, seed: int) -> Corpus:
    return make_corpus(count, seed=seed, bad_every=23)


# --- The tests ---------------------------------------------------------------------------------------------

def test_the_shipped_configuration_rotates_with_create_and_a_reload():
    text = SHIPPED_CONFIG.read_text()
    directives = {line.split()[0] for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")}
    assert {"create", "missingok", "notifempty", "delaycompress", "postrotate", "endscript"} <= directives
    assert "copytruncate" not in directives, "copytruncate loses the lines written between the copy and the truncation"
    assert re.search(r"^\s*rotate\s+\d+\s*$", text, re.MULTILINE)
    assert re.search(r"^\s*(daily|weekly|size\s+\S+|maxsize\s+\S+)\s*$", text, re.MULTILINE)


@requires_logrotate
def test_logrotate_under_load_loses_no_line_and_tears_none(daemons, paths):
    files = corpus(240, seed=11).files
    daemon = daemons.start(paths)
    rotator = Rotator(paths, daemon)
    producer = Producer(paths.inbox, files)
    producer.start()
    for rotation in range(5):
        rotator.rotate_after_new_lines(8, daemon)
    producer.finish()
    wait_for_total_lines(paths.timeline, len(files), daemon)
    rotator.rotate_after_new_lines(1, daemon)  # one more while idle: .1 becomes .2.gz, the live file starts empty
    assert daemon.stop() == 0

    lines = checked_rotated_timeline(paths.timeline)
    names = [file_of(json.loads(line)) for line in lines]
    assert sorted(names) == sorted(files), "every dropped file must have exactly one line"
    assert not paths.inbox_names()

    copies = [path.name for path in timeline_files(paths.timeline)[:-1]]
    assert len(copies) == rotator.rotations == 6, copies
    assert copies[-1] == "timeline.jsonl.1", "delaycompress leaves the newest copy plain"
    assert all(name.endswith(".gz") for name in copies[:-1]), copies
    assert paths.timeline.stat().st_mode & 0o777 == 0o640, "create 0640 makes the new live file"
    assert paths.timeline.stat().st_size == 0, "nothing was written after the last rotation"


def test_a_failed_reopen_is_retried_until_the_path_can_be_opened(daemons, paths):
    daemon = daemons.start(paths)
    drop_maildir(paths.inbox, "first.txt", corpus(1, seed=3).files.popitem()[1])
    wait_for_total_lines(paths.timeline, 1, daemon)
    paths.timeline.rename(paths.root / "timeline.jsonl.1")
    paths.timeline.mkdir()  # a mistake at the path: the reopen fails (EISDIR)
    daemon.send(signal.SIGHUP)
    wait_until(lambda: "cannot reopen the timeline" in daemon.log(), PROCESS_TIMEOUT_SECONDS, "the reopen error")

    paths.timeline.rmdir()  # the mistake is put right: a file at the path, as logrotate's create makes it
    paths.timeline.touch()
    drop_maildir(paths.inbox, "second.txt", corpus(2, seed=4).files.popitem()[1])
    wait_for_total_lines(paths.timeline, 2, daemon)
    assert daemon.stop() == 0
    assert [seq_of(line) for line in live_lines(paths.timeline)] == [2], "the line after the fix goes to the live file"
