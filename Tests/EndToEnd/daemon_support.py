"""Helpers for the end-to-end tests of `storyline run`: start the daemon, listen as its service manager,
drop files the way producers do, and wait for what it writes.

Every wait polls a condition with a deadline; nothing sleeps for a fixed time hoping the daemon kept up.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import support
from storyline_harness import service_manager
from storyline_harness.daemon import DaemonFailed, DaemonProcess
from storyline_harness.service_manager import Notification, has  # noqa: F401 (re-exported for the tests)
from storyline_harness.timeline import complete_lines, file_of  # noqa: F401 (re-exported for the tests)
from support import archive_name, seq_of, unprefixed  # noqa: F401 (re-exported for the tests)

#: Longest a daemon may take to say READY=1, or to process what a test dropped.
READY_TIMEOUT_SECONDS = 15
PROCESS_TIMEOUT_SECONDS = 15
#: Longest a daemon may take to exit after SIGTERM.
STOP_TIMEOUT_SECONDS = 15


def wait_until(condition: Callable[[], object], timeout: float, describe: str | Callable[[], str],
               interval: float = 0.02) -> object:
    """Polls `condition` until it returns something truthy, which it returns; fails the test at `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() >= deadline:
            message = describe() if callable(describe) else describe
            pytest.fail(f"timed out after {timeout} s waiting for {message}")
        time.sleep(interval)


# --- The fake service manager ----------------------------------------------------------------------------

class NotifyListener(service_manager.NotifyListener):
    """The harness's listener, with a wait that fails the test."""

    def wait_for(self, predicate: Callable[[Notification], bool], describe: str, start: int = 0,
                 timeout: float = PROCESS_TIMEOUT_SECONDS) -> tuple[int, Notification]:
        """Waits for a notification from index `start` on that satisfies `predicate`."""
        return wait_until(lambda: self.find(predicate, start), timeout,
                          lambda: f"{describe}; received: {self.transcript()}")


# --- The daemon ------------------------------------------------------------------------------------------

@dataclass
class DaemonPaths:
    """Where one daemon's inbox, state and timeline live; every test has its own."""
    root: Path
    inbox: Path
    state: Path
    timeline: Path

    @property
    def archive(self) -> Path:
        return self.state / "archive"

    @property
    def rejected(self) -> Path:
        return self.state / "rejected"

    @classmethod
    def make(cls, root: Path) -> DaemonPaths:
        paths = cls(root=root, inbox=root / "inbox", state=root / "state", timeline=root / "timeline.jsonl")
        paths.inbox.mkdir(parents=True)
        return paths

    def inbox_names(self) -> set[str]:
        return set(os.listdir(self.inbox))

    def archived_names(self) -> set[str]:
        """The names the files in archive/ had in the inbox (their `SEQ-` prefix taken off)."""
        return {unprefixed(name) for name in self.archived_files()}

    def rejected_names(self) -> set[str]:
        """The names the files in rejected/ had in the inbox (their `SEQ-` prefix taken off)."""
        return {unprefixed(name) for name in self.rejected_files()}

    def archived_files(self) -> set[str]:
        """The entries of archive/ as they are: `0000000007-name.txt` for the file of line 7."""
        return set(os.listdir(self.archive)) if self.archive.is_dir() else set()

    def rejected_files(self) -> set[str]:
        return set(os.listdir(self.rejected)) if self.rejected.is_dir() else set()

    def archived(self, seq: int, name: str) -> Path:
        """The path in archive/ of the file judged at line `seq`."""
        return self.archive / f"{seq:010d}-{name}"

    def rejected_path(self, seq: int, name: str) -> Path:
        return self.rejected / f"{seq:010d}-{name}"

    def archived_as(self, name: str) -> Path:
        """The one entry of archive/ that was `name` in the inbox."""
        return _one_entry(self.archive, name)

    def rejected_as(self, name: str) -> Path:
        """The one entry of rejected/ that was `name` in the inbox."""
        return _one_entry(self.rejected, name)


def _one_entry(directory: Path, name: str) -> Path:
    found = [entry for entry in os.listdir(directory) if unprefixed(entry) == name] if directory.is_dir() else []
    assert len(found) == 1, f"{directory} should hold {name!r} once (as SEQ-{name}); it holds {sorted(os.listdir(directory))}"
    return directory / found[0]


class Daemon(DaemonProcess):
    """One `storyline run` child process, with its own fake service manager and a log file."""

    log_excerpt = None  # a failing test shows the whole log

    def __init__(self, paths: DaemonPaths, *, arguments: Iterable[str] = (), environment: dict[str, str] | None = None,
                 watchdog_usec: int | None = None, notify: bool = True, log_name: str = "daemon",
                 runner: Iterable[str] = ()) -> None:
        self.paths = paths
        number = 1
        while (paths.root / f"{log_name}-{number}.log").exists():
            number += 1
        super().__init__(support.binary_path(), paths.inbox, paths.state, paths.timeline,
                         paths.root / f"{log_name}-{number}.log", arguments=arguments,
                         listener=NotifyListener() if notify else None, watchdog_usec=watchdog_usec,
                         environment=environment, runner=runner)

    def wait_ready(self, timeout: float = READY_TIMEOUT_SECONDS) -> Notification:
        assert self.listener, "started without a notify socket"
        try:
            return super().wait_ready(timeout, interval=0.02)
        except DaemonFailed as error:
            pytest.fail(str(error))

    def wait_exit(self, timeout: float = STOP_TIMEOUT_SECONDS) -> int:
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the daemon did not exit within {timeout} s; log:\n{self.log()}")

    def stop(self, timeout: float = STOP_TIMEOUT_SECONDS) -> int:
        """SIGTERM, then its exit status."""
        self.send(signal.SIGTERM)
        return self.wait_exit(timeout)

    def close(self) -> None:
        self.kill()
        if self.listener:
            self.listener.close()


class Daemons:
    """Starts daemons for one test and kills whatever is left of them afterwards."""

    def __init__(self) -> None:
        self.started: list[Daemon] = []

    def start(self, paths: DaemonPaths, *, ready: bool = True, **options) -> Daemon:
        daemon = Daemon(paths, **options)
        self.started.append(daemon)
        if ready:
            daemon.wait_ready()
        return daemon

    def close(self) -> None:
        for daemon in self.started:
            daemon.close()


@pytest.fixture
def daemons():
    """A `Daemons` for the test; leftover daemons are killed in teardown, pass or fail."""
    started = Daemons()
    try:
        yield started
    finally:
        started.close()


@pytest.fixture
def paths(tmp_path) -> DaemonPaths:
    return DaemonPaths.make(tmp_path / "run")


# --- Producers -------------------------------------------------------------------------------------------

def drop_plain(directory: Path, name: str, content: str | bytes) -> Path:
    """A producer that opens the final name, writes and closes: the daemon sees IN_CLOSE_WRITE."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    path = directory / name
    with open(path, "wb") as file:
        file.write(data)
    return path


def drop_maildir(directory: Path, name: str, content: str | bytes) -> Path:
    """A producer that writes `.NAME.tmp` and renames it to NAME: the daemon sees IN_MOVED_TO."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    temporary = directory / f".{name}.tmp"
    with open(temporary, "wb") as file:
        file.write(data)
    path = directory / name
    os.rename(temporary, path)
    return path


def move_in(entry: Path, inbox: Path, name: str | None = None) -> Path:
    """Renames an entry made elsewhere (a directory, FIFO, symlink) into the inbox: IN_MOVED_TO."""
    destination = inbox / (name or entry.name)
    os.rename(entry, destination)
    return destination


# --- The timeline ----------------------------------------------------------------------------------------

def checked_timeline(timeline: Path) -> list[dict]:
    """The whole timeline file, checked line by line and across lines against the contract."""
    return support.parse_timeline(timeline.read_bytes())


def wait_for_lines(paths: DaemonPaths, count: int, daemon: Daemon | None = None,
                   timeout: float = PROCESS_TIMEOUT_SECONDS) -> list[dict]:
    """Waits until the timeline holds at least `count` whole lines, and returns them."""
    def enough():
        if daemon is not None and not daemon.running():
            pytest.fail(f"the daemon exited with {daemon.process.returncode}:\n{daemon.log()}")
        lines = complete_lines(paths.timeline)
        return lines if len(lines) >= count else None

    return wait_until(enough, timeout, lambda: (
        f"{count} timeline lines, have {len(complete_lines(paths.timeline))}"
        + (f"; log:\n{daemon.log()[-4000:]}" if daemon else "")))


def wait_for_file_line(paths: DaemonPaths, name: str, daemon: Daemon | None = None,
                       timeout: float = PROCESS_TIMEOUT_SECONDS) -> dict:
    """Waits for the line about input file `name`, and returns it."""
    def line():
        if daemon is not None and not daemon.running():
            pytest.fail(f"the daemon exited with {daemon.process.returncode}:\n{daemon.log()}")
        return next((event for event in complete_lines(paths.timeline) if file_of(event) == name), None)

    return wait_until(line, timeout, lambda: (
        f"a line for {name!r}; lines: {[file_of(event) for event in complete_lines(paths.timeline)]}"
        + (f"; log:\n{daemon.log()[-4000:]}" if daemon else "")))


def wait_until_moved(paths: DaemonPaths, names: Iterable[str], timeout: float = PROCESS_TIMEOUT_SECONDS) -> None:
    """Waits until none of `names` is left in the inbox (their lines are written before they move)."""
    names = set(names)
    wait_until(lambda: not (names & paths.inbox_names()), timeout,
               lambda: f"{sorted(names & paths.inbox_names())} to leave the inbox")


# --- Articles --------------------------------------------------------------------------------------------

def distinct_article(number: int, topic: str = "harbour") -> str:
    """A short article of its own: no copy of any other `distinct_article` number."""
    rng = random.Random(f"{topic}-{number}")
    words = [rng.choice(_VOCABULARY) for _ in range(60)]
    return f"Report {number} on the {topic}\n\n" + " ".join(words) + ".\n"


_SYLLABLES = ["ka", "lo", "mi", "ren", "tor", "va", "sel", "du", "pri", "an", "gho", "zet", "bu", "ri", "mon", "el"]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))


_VOCABULARY = [_word(random.Random(index)) for index in range(4000)]


@dataclass
class Corpus:
    """Generated input files: name -> bytes, and what kind each is meant to be."""
    files: dict[str, bytes] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)


def make_corpus(count: int, seed: int, bad_every: int = 97) -> Corpus:
    """`count` small article files with unique names: new stories, more articles on a story,
    exact copies, edited copies, and every `bad_every`th a file that is not an article.
    """
    rng = random.Random(seed)
    topics = [[_word(rng) for _ in range(25)] for _ in range(60)]
    general = [_word(rng) for _ in range(2500)]
    corpus = Corpus()
    written: list[str] = []  # texts of the good articles so far
    for index in range(count):
        roll = rng.random()
        if index % bad_every == bad_every - 1:
            kind = rng.choice(["binary", "empty", "malformed_json", "not_utf8"])
            name = f"{index:05d}_{kind}." + ("json" if kind == "malformed_json" else "txt")
            data = {
                "binary": b"text with a NUL\x00 byte in it\n",
                "empty": b"",
                "malformed_json": b'{"title": "cut off", "text": "never ends',
                "not_utf8": "caf\u00e9 cr\u00e8me".encode("latin-1"),
            }[kind]
        elif written and roll < 0.10:
            kind, name = "exact", f"{index:05d}_exact.txt"
            data = rng.choice(written).encode("utf-8")
        elif written and roll < 0.20:
            kind, name = "edited", f"{index:05d}_edited.txt"
            data = support.replace_every_nth_word(rng.choice(written), 12).encode("utf-8")
        else:
            kind = "json" if roll > 0.9 else "text"
            topic = rng.choice(topics)
            words = [rng.choice(topic) if rng.random() < 0.3 else rng.choice(general) for _ in range(rng.randint(40, 90))]
            title = " ".join(rng.choice(topic) for _ in range(5)).capitalize()
            body = " ".join(words) + "."
            text = f"{title}\n\n{body}\n"
            written.append(text)
            if kind == "json":
                name = f"{index:05d}_article.json"
                data = json.dumps({"title": title, "text": body, "source": "Generated Wire"}).encode("utf-8")
            else:
                name = f"{index:05d}_article.txt"
                data = text.encode("utf-8")
        corpus.files[name] = data
        corpus.kinds[name] = kind
    return corpus
