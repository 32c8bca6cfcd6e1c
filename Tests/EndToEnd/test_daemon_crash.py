"""`storyline run` killed with SIGKILL at random moments during a burst, while its timeline is rotated and
it is reloaded, and started again each time.

Whatever moment it dies at (judging, committing, appending, moving, starting up, reopening a timeline that
was just renamed away), the promise holds: every input file gets exactly one timeline line, no file of
the timeline ends in a torn line, seq runs 1..N from the oldest rotated copy to the live file without a
gap or a repeat, every file ends up byte-identical in STATE/archive/ or STATE/rejected/ with none left in
the inbox, and the state database passes `PRAGMA integrity_check`. All of it is checked from what is on
disk, never from the daemon's own counters.

The rotations are plain renames the way logrotate with `create` and `notifempty` makes them (FILE.N to
FILE.N+1, ..., FILE to FILE.1, a new empty FILE); test_logrotate.py runs the real logrotate.
"""

from __future__ import annotations

import collections
import os
import random
import signal
import sqlite3
import threading
import time

from daemon_support import (  # noqa: F401
    Daemon, archive_name, checked_timeline, daemons, drop_maildir, file_of, has, make_corpus, paths, wait_until,
)
from test_logrotate import file_bytes, timeline_files, wait_for_total_lines, whole_lines

FILES = 2400
SEED = 20261122
KILLS = 10
#: Files the producer writes per pause, and the pause: about 600 files a second, a burst of ~4 s.
CHUNK = 12
PAUSE_SECONDS = 0.02
#: Small batches: many commits, so the kills land between commit, timeline append and move too.
ARGUMENTS = ["--batch-size", "64"]
#: The rotator acts every this many seconds (uniformly at random in between).
ROTATOR_PAUSE_SECONDS = (0.05, 0.5)
EXPECTED_CODES = {"binary": "binary", "empty": "empty", "malformed_json": "malformed_json", "not_utf8": "not_utf8"}


class Producer(threading.Thread):
    """Writes the corpus into the inbox Maildir-style, at a steady pace, whether the daemon runs or not."""

    def __init__(self, inbox, files):
        super().__init__(name="producer", daemon=True)
        self.inbox, self.files = inbox, files
        self.written = 0
        self.error = None

    def run(self):
        try:
            for index, (name, data) in enumerate(self.files.items(), start=1):
                drop_maildir(self.inbox, name, data)
                self.written = index
                if index % CHUNK == 0:
                    time.sleep(PAUSE_SECONDS)
        except BaseException as error:  # reported by the test
            self.error = error


class Chaos:
    """What happened and when, for the assertion messages: kills, rotations and reloads in order."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.events: list[tuple[float, str, str]] = []  # (seconds since the start, kind, details)
        self._lock = threading.Lock()

    def record(self, kind: str, details: str = "") -> None:
        with self._lock:
            self.events.append((round(time.monotonic() - self.started, 3), kind, details))

    def count(self, kind: str) -> int:
        with self._lock:
            return sum(1 for _, recorded, _ in self.events if recorded == kind)

    def kills(self) -> list[str]:
        with self._lock:
            return [f"{moment}s: {details}" for moment, kind, details in self.events if kind == "kill"]

    def __str__(self) -> str:
        with self._lock:
            events = [f"{moment:.3f}s {kind} {details}" for moment, kind, details in self.events]
        return f"seed {SEED}; kills at {self.kills()}\nall events:\n  " + "\n  ".join(events)


class Rotator(threading.Thread):
    """Rotates the timeline and reloads whichever daemon runs, at random moments, until stopped.

    A reload goes only to a daemon that said READY=1: a service manager reloads only an active service
    (and before the daemon blocks its signals, SIGHUP would simply end it). A rotation happens whether a
    daemon runs or not, as logrotate's timer does.
    """

    def __init__(self, paths, chaos: Chaos, rng: random.Random) -> None:
        super().__init__(name="rotator", daemon=True)
        self.paths, self.chaos, self.rng = paths, chaos, rng
        self.daemon_process: Daemon | None = None  # set by the test as it restarts the daemon
        self.rotations = 0
        self.error: BaseException | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()

    def rotate(self) -> bool:
        """FILE.N -> FILE.N+1 ..., FILE -> FILE.1, a new empty FILE (`create 0640`); skipped when the live
        file is missing or empty (`notifempty`). Returns whether it rotated."""
        with self._lock:
            timeline = self.paths.timeline
            try:
                if timeline.stat().st_size == 0:
                    return False
            except FileNotFoundError:
                return False
            copies = timeline_files(timeline)[:-1]  # oldest (highest number) first
            for copy in copies:
                number = int(copy.name.rsplit(".", 1)[1])
                os.rename(copy, copy.with_name(f"{timeline.name}.{number + 1}"))
            os.rename(timeline, timeline.with_name(f"{timeline.name}.1"))
            # Not O_EXCL: the daemon may have made the file already, noticing that the old one was gone.
            os.close(os.open(timeline, os.O_WRONLY | os.O_CREAT, 0o640))
            self.rotations += 1
            self.chaos.record("rotate", f"#{self.rotations}")
            return True

    def reload(self) -> bool:
        """SIGHUP to the running daemon if it is ready. Returns whether it was sent."""
        daemon = self.daemon_process
        if daemon is None or not daemon.running() or not daemon.listener.find(has("READY", "1")):
            return False
        daemon.send(signal.SIGHUP)  # does nothing once the process has been reaped
        self.chaos.record("reload", f"pid {daemon.pid}")
        return True

    def run(self) -> None:
        try:
            while not self._stopping.wait(self.rng.uniform(*ROTATOR_PAUSE_SECONDS)):
                roll = self.rng.random()
                if roll < 0.45:  # logrotate: rename, create, postrotate reload
                    if self.rotate():
                        self.reload()
                elif roll < 0.65:  # a rotation the daemon has to notice by itself (the reload comes late)
                    self.rotate()
                else:  # a reload without a rotation (a configuration change)
                    self.reload()
        except BaseException as error:  # reported by the test
            self.error = error

    def stop(self) -> None:
        self._stopping.set()

    def finish(self) -> None:
        self.stop()
        self.join(timeout=10)
        assert not self.is_alive(), "the rotator did not stop"
        assert self.error is None, f"the rotator failed: {self.error!r}"


def live_line_count(paths) -> int:
    try:
        return paths.timeline.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def total_line_count(paths) -> int:
    """Whole lines across the timeline's files now; read again if a rotation renamed one meanwhile."""
    while True:
        try:
            return len(whole_lines(paths.timeline))
        except FileNotFoundError:
            continue


def wait_for_new_lines(paths, daemon: Daemon, lines_at_start: int) -> None:
    """Waits until `daemon` has appended lines beyond the `lines_at_start` there were when it started."""
    wait_until(lambda: total_line_count(paths) > lines_at_start or not paths.inbox_names(), 20,
               lambda: f"lines beyond {lines_at_start}; log:\n{daemon.log()[-3000:]}")


def integrity_check(database) -> list[tuple]:
    """`PRAGMA integrity_check` on the database, opened read-only (the daemon has stopped)."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return connection.execute("PRAGMA integrity_check").fetchall()
    finally:
        connection.close()


def test_sigkill_during_a_burst_with_rotations_and_reloads_loses_and_repeats_nothing(daemons, paths):
    rng = random.Random(SEED)
    corpus = make_corpus(FILES, SEED)
    chaos = Chaos()
    producer = Producer(paths.inbox, corpus.files)
    rotator = Rotator(paths, chaos, random.Random(SEED + 1))
    daemon = daemons.start(paths, log_name="crash", arguments=ARGUMENTS)
    rotator.daemon_process = daemon
    lines_at_start = 0
    producer.start()
    rotator.start()
    try:
        for _ in range(KILLS):
            # Die at a random moment: during start-up (restoring the engine, repairing the timeline, moving
            # committed files) when this start was not waited for, else once this daemon has appended a
            # batch, at a random point of the batches that follow (judging, committing, appending, moving).
            if daemon.listener.find(has("READY", "1")) or rng.random() < 0.5:
                wait_for_new_lines(paths, daemon, lines_at_start)
            time.sleep(rng.uniform(0.0, 0.6))
            around = rng.random()
            if around < 0.3:  # a rotation and its reload just before the kill: die while reopening
                if rotator.rotate():
                    rotator.reload()
                time.sleep(rng.uniform(0.0, 0.02))
            lines_before, live_before = total_line_count(paths), live_line_count(paths)
            daemon.kill()
            chaos.record("kill", f"pid {daemon.pid}: {producer.written} files written, {lines_before} lines "
                                 f"({live_before} in the live file)")
            if around > 0.7:  # a rotation while no daemon runs: the next one starts on an empty live file
                rotator.rotate()
            # The producer goes on meanwhile; the next daemon finds what arrived in the inbox by its scan.
            time.sleep(rng.uniform(0.0, 0.2))
            lines_at_start = total_line_count(paths)
            daemon = daemons.start(paths, log_name="crash", arguments=ARGUMENTS, ready=rng.random() < 0.7)
            rotator.daemon_process = daemon

        daemon.wait_ready()
        producer.join(timeout=30)
        assert not producer.is_alive() and producer.error is None, producer.error
        chaos.record("written", f"all {FILES} files are in the inbox")
        wait_for_total_lines(paths.timeline, FILES, daemon, timeout=45)
        chaos.record("judged", f"{FILES} lines across the timeline's files")
        rotator.finish()
        wait_until(lambda: not paths.inbox_names(), 15, lambda: f"an empty inbox, left: {sorted(paths.inbox_names())[:20]}")
        assert daemon.stop() == 0, daemon.log()[-4000:]
    except BaseException:
        print(chaos)  # pytest shows it with the failure: the kill moments, rotations and reloads
        raise
    finally:
        rotator.stop()  # also when the test fails: no renames in another test's time
    chaos.record("stopped")

    context = str(chaos)
    # Every file of the timeline ends with a whole line; joined, oldest first, they are one timeline.
    files = timeline_files(paths.timeline)
    assert len(files) == rotator.rotations + 1, f"{[path.name for path in files]}; {context}"
    for path in files:
        data = file_bytes(path)
        assert not data or data.endswith(b"\n"), f"{path.name} ends in a torn line: {data[-200:]!r}; {context}"
    joined = b"".join(whole_lines(paths.timeline))
    timeline = paths.root / "joined.jsonl"
    timeline.write_bytes(joined)
    events = checked_timeline(timeline)  # every line valid; seq = line number; ids unique; stories in order
    assert [event["seq"] for event in events] == list(range(1, FILES + 1)), context
    lines_per_file = collections.Counter(file_of(event) for event in events)
    assert set(lines_per_file) == set(corpus.files), context
    assert {name: count for name, count in lines_per_file.items() if count != 1} == {}, context

    archived, rejected = paths.archived_names(), paths.rejected_names()
    assert paths.inbox_names() == set(), context
    assert archived | rejected == set(corpus.files), (
        f"lost: {sorted(set(corpus.files) - archived - rejected)[:10]}, "
        f"extra: {sorted((archived | rejected) - set(corpus.files))[:10]}; {context}")
    assert not archived & rejected, context
    for event in events:
        name = file_of(event)
        home = paths.rejected if event["event"] == "rejected" else paths.archive
        entry = home / archive_name(event["seq"], name)
        assert entry.read_bytes() == corpus.files[name], f"{name} is not intact in {home.name}/ as {entry.name}; {context}"

    # What each file became survives the crashes: the state the engine is rebuilt from is complete.
    for event in events:
        kind = corpus.kinds[file_of(event)]
        if kind in EXPECTED_CODES:
            assert (event["event"], event.get("code")) == ("rejected", EXPECTED_CODES[kind]), event
        elif kind == "exact":
            assert event["event"] == "duplicate", f"{event}; {context}"
        else:
            assert event["event"] != "rejected", event

    assert integrity_check(paths.state / "state.sqlite") == [("ok",)], context
    print(chaos)
    print(f"\n{FILES} files, {chaos.count('kill')} kills, {rotator.rotations} rotations, "
          f"{chaos.count('reload')} reloads, {time.monotonic() - chaos.started:.1f} s")


def test_a_line_torn_by_a_crash_is_cut_even_when_a_rotation_moved_it_away_before_the_restart(daemons, paths):
    """The one sequence the random test above rarely meets: a kill in the middle of a write leaves the
    start of a line, logrotate renames that file to FILE.1 while no daemon runs (its reload goes
    nowhere), and the next daemon starts on an empty live file."""
    files = make_corpus(6, SEED).files
    names = list(files)
    daemon = daemons.start(paths)
    for name in names[:3]:
        drop_maildir(paths.inbox, name, files[name])
    wait_for_total_lines(paths.timeline, 3, daemon)
    daemon.kill()
    with open(paths.timeline, "ab") as timeline:
        timeline.write(b'{"seq":4,"time":"2026-11-')  # what a kill during write(2) leaves
    assert Rotator(paths, Chaos(), random.Random(SEED)).rotate()
    for name in names[3:]:
        drop_maildir(paths.inbox, name, files[name])

    daemon = daemons.start(paths)
    wait_for_total_lines(paths.timeline, 6, daemon)
    assert daemon.stop() == 0, daemon.log()[-4000:]
    rotated = file_bytes(paths.timeline.with_name(paths.timeline.name + ".1"))
    assert rotated.endswith(b"\n"), f"the torn line is still in the rotated copy: {rotated[-100:]!r}"
    joined = paths.root / "joined.jsonl"
    joined.write_bytes(b"".join(whole_lines(paths.timeline)))
    events = checked_timeline(joined)
    assert sorted(file_of(event) for event in events) == sorted(names)
