"""`storyline tail`, and plain `tail -F`, reading a live timeline that logrotate rotates (create + reload).

Every test runs a real daemon and the real logrotate with deploy/logrotate.d/storyline (see
test_logrotate.py); what a reader prints is compared byte for byte with the lines in the rotated copies
and the live file, which test_logrotate.py proves are the whole timeline.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

import support
from daemon_support import (  # noqa: F401
    PROCESS_TIMEOUT_SECONDS, DaemonPaths, daemons, drop_maildir, paths, wait_until,
)
from test_logrotate import (
    Producer, Rotator, checked_rotated_timeline, corpus, file_bytes, requires_logrotate, seq_of, timeline_files,
    wait_for_total_lines,
)

pytestmark = requires_logrotate

#: Longest a follower may take to print what is in the files, and to exit on SIGTERM.
FOLLOW_TIMEOUT_SECONDS = 10


class Reader:
    """A reader of the timeline run as a child process, its standard output collected in a file."""

    def __init__(self, command: list[str], output: Path) -> None:
        self.output = output
        with open(output, "wb") as stdout:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=stdout,
                                            stderr=subprocess.PIPE if command[0] == str(support.binary_path())
                                            else subprocess.DEVNULL)

    def lines(self) -> list[bytes]:
        """The whole lines printed so far."""
        data = self.output.read_bytes()
        return data[: data.rfind(b"\n") + 1].splitlines(keepends=True)

    def wait_for_lines(self, count: int, timeout: float = FOLLOW_TIMEOUT_SECONDS) -> list[bytes]:
        def enough():
            if self.process.poll() is not None:
                pytest.fail(f"the reader exited with {self.process.returncode}: {self.stderr()}")
            lines = self.lines()
            return lines if len(lines) >= count else None

        return wait_until(enough, timeout, lambda: f"{count} lines from {self.process.args[:2]}, have {len(self.lines())}")

    def stop(self) -> int:
        """SIGTERM, then the exit status."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(FOLLOW_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{self.process.args[:2]} did not exit within {FOLLOW_TIMEOUT_SECONDS} s of SIGTERM")

    def stderr(self) -> str:
        if self.process.stderr is None or self.process.poll() is None:
            return ""
        return self.process.stderr.read().decode("utf-8", errors="replace")

    def output_bytes(self) -> bytes:
        return self.output.read_bytes()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self.process.stderr:
            self.process.stderr.close()


@pytest.fixture
def readers():
    """Starts readers for the test; whatever is left of them is killed in teardown."""
    started: list[Reader] = []

    def start(command: list[str], output: Path) -> Reader:
        reader = Reader(command, output)
        started.append(reader)
        return reader

    try:
        yield start
    finally:
        for reader in started:
            reader.close()


def tail_command(paths: DaemonPaths, *options: object) -> list[str]:
    return [str(support.binary_path()), "tail", "--timeline", str(paths.timeline), *map(str, options)]


def storyline_tail(paths: DaemonPaths, *options: object, cwd: Path | None = None) -> support.Run:
    return support.run_storyline("tail", "--timeline", paths.timeline, *options, cwd=cwd)


def rotated_timeline(daemons, paths: DaemonPaths, rounds: int = 3, per_round: int = 20) -> list[bytes]:
    """A stopped daemon's timeline of `rounds` × `per_round` lines in `rounds` files: the oldest copy
    compressed, `.1` plain (delaycompress), and the live file. Returns the lines, oldest first."""
    files = list(corpus(rounds * per_round, seed=5).files.items())
    daemon = daemons.start(paths)
    rotator = Rotator(paths, daemon)
    for round in range(rounds):
        for name, data in files[round * per_round:(round + 1) * per_round]:
            drop_maildir(paths.inbox, name, data)
        wait_for_total_lines(paths.timeline, (round + 1) * per_round, daemon)
        if round < rounds - 1:
            rotator.rotate()
    assert daemon.stop() == 0
    assert [path.name for path in timeline_files(paths.timeline)] == [
        "timeline.jsonl.2.gz", "timeline.jsonl.1", "timeline.jsonl"]
    return checked_rotated_timeline(paths.timeline)


def first_seqs(paths: DaemonPaths) -> list[int]:
    """The first seq of each file, oldest first."""
    return [seq_of(file_bytes(path).split(b"\n", 1)[0]) for path in timeline_files(paths.timeline)]


# --- Reading what is there -------------------------------------------------------------------------------

def test_from_seq_prints_exactly_the_lines_from_there_on_across_rotated_copies(daemons, paths):
    lines = rotated_timeline(daemons, paths)
    count = len(lines)
    in_gz, in_plain_copy, in_live = first_seqs(paths)
    assert in_gz == 1 and 1 < in_plain_copy < in_live <= count

    for start in sorted({1, 2, in_plain_copy - 1, in_plain_copy, in_plain_copy + 3, in_live, count, count + 1}):
        result = storyline_tail(paths, "--from-seq", start)
        assert result.returncode == 0, result.stderr
        assert result.stdout == b"".join(lines[start - 1:]), f"--from-seq {start}"

    everything = support.run_storyline("tail", cwd=paths.root)  # ./timeline.jsonl by default
    assert (everything.returncode, everything.stdout) == (0, b"".join(lines)), everything.stderr


def test_a_copy_wholly_before_from_seq_is_not_read(daemons, paths):
    lines = rotated_timeline(daemons, paths)
    _, in_plain_copy, _ = first_seqs(paths)
    compressed = timeline_files(paths.timeline)[0]
    compressed.write_bytes(b"not gzip at all")  # reading it now would say so on standard error

    result = storyline_tail(paths, "--from-seq", in_plain_copy)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == b"".join(lines[in_plain_copy - 1:])


def test_story_and_event_filters(daemons, paths):
    lines = rotated_timeline(daemons, paths)
    events = [json.loads(line) for line in lines]
    stories = [event["story"] for event in events if "story" in event]
    story = max(set(stories), key=stories.count)
    assert stories.count(story) >= 2

    def expect(predicate, start: int = 1) -> bytes:
        return b"".join(line for line, event in zip(lines, events) if event["seq"] >= start and predicate(event))

    cases = [
        (["--story", story], expect(lambda event: event.get("story") == story)),
        (["--event", "rejected"], expect(lambda event: event["event"] == "rejected")),
        (["--event", "duplicate", "--event", "story_started"],
         expect(lambda event: event["event"] in ("duplicate", "story_started"))),
        (["--story", story, "--event", "story_extended"],
         expect(lambda event: event.get("story") == story and event["event"] == "story_extended")),
        (["--event", "duplicate", "--from-seq", 30], expect(lambda event: event["event"] == "duplicate", start=30)),
    ]
    for options, expected in cases:
        result = storyline_tail(paths, *options)
        assert result.returncode == 0, result.stderr
        assert result.stdout == expected, options
    assert any(expected for _, expected in cases[1:3]), "the corpus must have rejections and duplicates"


def test_errors_say_what_to_do(tmp_path):
    missing = support.run_storyline("tail", "--timeline", tmp_path / "timeline.jsonl")
    assert missing.returncode != 0 and "--timeline" in missing.stderr and "storyline run" in missing.stderr, missing.stderr

    for bad in ["0", "-4", "first"]:
        result = support.run_storyline("tail", "--timeline", tmp_path / "timeline.jsonl", f"--from-seq={bad}")
        assert result.returncode == 64 and "seq + 1" in result.stderr, (bad, result.stderr)

    unknown = support.run_storyline("tail", "--event", "duplicates")
    assert unknown.returncode == 64 and "story_started, story_extended, duplicate or rejected" in unknown.stderr

    help_text = support.run_storyline("tail", "--help").stdout.decode()
    for option in ["--timeline", "--from-seq", "--follow", "--story", "--event"]:
        assert option in help_text


# --- Following -------------------------------------------------------------------------------------------

def run_with_rotations(daemons, paths: DaemonPaths, count: int, rotations: int, seed: int,
                       during=None, settle=None) -> list[bytes]:
    """Starts a daemon, drops `count` files from a producer thread while logrotate rotates `rotations`
    times, and returns every line once they are all written. `during(daemon)` runs after the daemon is
    ready and before the first file is dropped, `during(None)` after the first rotation; `settle()`
    before each rotation."""
    daemon = daemons.start(paths)
    rotator = Rotator(paths, daemon)
    if during:
        during(daemon)
    producer = Producer(paths.inbox, corpus(count, seed=seed).files, burst=3, pause=0.01)
    producer.start()
    for rotation in range(rotations):
        rotator.rotate_after_new_lines(15, daemon, settle)
        if rotation == 0 and during:
            during(None)
    producer.finish()
    wait_for_total_lines(paths.timeline, count, daemon)
    assert rotator.rotations == rotations
    assert daemon.stop() == 0
    return checked_rotated_timeline(paths.timeline)


def test_follow_prints_every_line_once_across_two_rotations(daemons, paths, readers):
    started = []

    def start_follower(daemon):
        if daemon is not None:
            started.append(readers(tail_command(paths, "--follow"), paths.root / "follow.out"))

    lines = run_with_rotations(daemons, paths, count=150, rotations=2, seed=21, during=start_follower)
    (follower,) = started
    follower.wait_for_lines(len(lines))
    assert follower.stop() == 0
    assert follower.output_bytes() == b"".join(lines)
    assert follower.stderr() == ""


def test_a_consumer_resumes_with_from_seq_after_its_last_seq(daemons, paths, readers):
    """One follower is stopped mid-stream and a second resumes after its last seq; a polling consumer
    runs `storyline tail --from-seq LAST+1` over and over. Both see 1..N exactly once."""
    first: list[Reader] = []
    polled: list[bytes] = []
    stop_polling = threading.Event()
    failures: list[str] = []

    def poll_forever():
        while True:
            last = seq_of(polled[-1]) if polled else 0
            finished = stop_polling.is_set()
            result = storyline_tail(paths, "--from-seq", last + 1)
            if result.returncode != 0:
                if "no timeline" not in result.stderr:
                    failures.append(result.stderr)
                    return
            elif result.stdout:
                if not result.stdout.endswith(b"\n"):
                    failures.append(f"a torn line: {result.stdout[-200:]!r}")
                    return
                polled.extend(result.stdout.splitlines(keepends=True))
            if finished:
                return
            time.sleep(0.05)

    poller = threading.Thread(target=poll_forever, name="poller", daemon=True)

    def during(daemon):
        if daemon is not None:
            first.append(readers(tail_command(paths, "--follow"), paths.root / "first.out"))
            poller.start()
        else:
            first[0].wait_for_lines(40)
            assert first[0].stop() == 0
            data = first[0].output_bytes()
            assert data.endswith(b"\n"), "a stopped follower has printed whole lines only"
            last = seq_of(data.splitlines()[-1])
            first.append(readers(tail_command(paths, "--follow", "--from-seq", last + 1), paths.root / "second.out"))

    try:
        lines = run_with_rotations(daemons, paths, count=150, rotations=3, seed=33, during=during)
    finally:
        stop_polling.set()
        poller.join(FOLLOW_TIMEOUT_SECONDS * 2)
    assert not failures, failures
    stopped, resumed = first
    resumed.wait_for_lines(len(lines) - len(stopped.lines()))
    assert resumed.stop() == 0
    assert stopped.output_bytes() + resumed.output_bytes() == b"".join(lines)
    assert b"".join(polled) == b"".join(lines)


#: GNU tail reads the renamed file on until it has not grown for --max-unchanged-stats looks, then reopens
#: the name; with inotify (its default) it reopens the name as soon as it sees the rename.
POLLING_TAIL = ["---disable-inotify", "-s", "0.1", "--max-unchanged-stats=5"]


@pytest.mark.skipif(shutil.which("tail") is None, reason="no tail program")
@pytest.mark.parametrize("mode", [
    pytest.param("polling", id="polling"),
    pytest.param("inotify", id="inotify"),
])
def test_plain_tail_F_sees_every_line_once_with_create_and_reload(daemons, paths, readers, mode):
    """`tail -F` as a consumer, across two rotations while files arrive: every line once, in order, whole.

    Like a real rotation, each comes once the consumer follows the live file (a day apart, in production):
    `tail -F` reads one file at a time and never goes back to a copy it did not follow. Exact in polling
    mode. With inotify GNU tail reopens the name as soon as it sees the rename, so it never prints what the
    daemon appends to the renamed file before its reload reopens the path (a batch in flight at the
    rename): there the test holds tail to what it does promise - every line it prints is whole, in order,
    once, and the only ones missing are the last lines of a rotated copy."""
    started = []

    def start_tail(daemon):
        if daemon is not None:
            options = POLLING_TAIL if mode == "polling" else []
            started.append(readers(["tail", "-n", "+1", "-F", *options, str(paths.timeline)],
                                   paths.root / "tail-F.out"))

    def tail_follows_the_live_file():
        first = seq_of(paths.timeline.read_bytes().split(b"\n", 1)[0])
        wait_until(lambda: first in {seq_of(line) for line in started[0].lines()}, FOLLOW_TIMEOUT_SECONDS,
                   f"tail -F to print seq {first}, the first line of the live file")

    lines = run_with_rotations(daemons, paths, count=120, rotations=2, seed=44, during=start_tail,
                               settle=tail_follows_the_live_file)
    (tail,) = started
    last = seq_of(lines[-1])
    wait_until(lambda: any(seq_of(line) == last for line in tail.lines()) or None, FOLLOW_TIMEOUT_SECONDS,
               lambda: f"tail -F ({mode}) to print seq {last}, the last line")
    if mode == "polling":
        assert [seq_of(line) for line in tail.lines()] == list(range(1, len(lines) + 1))
        assert tail.output_bytes() == b"".join(lines)
    else:
        by_seq = {seq_of(line): line for line in lines}
        printed = [seq_of(line) for line in tail.lines()]
        assert printed == sorted(set(printed)), "tail -F printed a line twice or out of order"
        assert all(by_seq[seq] == line for seq, line in zip(printed, tail.lines())), "tail -F printed a torn line"
        unread = set(by_seq) - set(printed)
        ends_of_copies = set()
        for path in timeline_files(paths.timeline)[:-1]:
            copy = [seq_of(line) for line in file_bytes(path).splitlines(keepends=True)]
            while copy and copy[-1] in unread:
                ends_of_copies.add(copy.pop())
        assert unread <= ends_of_copies, f"tail -F missed lines that were not at the end of a rotated copy: " \
            f"{sorted(unread - ends_of_copies)}"
    tail.stop()
