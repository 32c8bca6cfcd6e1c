#!/usr/bin/env python3
"""`make soak`: the release daemon under steady load for minutes, with reloads, rotations and SIGKILLs.

What it proves: under a steady stream of article files (200 a second by default), with a SIGHUP every
10 s, the real `logrotate -f` every 30 s and a SIGKILL followed by an immediate restart every 120 s,

- every file dropped into the inbox is accounted for exactly once: one timeline line, and the file itself,
  byte for byte, in STATE/archive/ or STATE/rejected/, nothing left in the inbox;
- no timeline line is torn, every line is JSON, and `seq` runs 1..N without a gap or a repeat from the
  oldest rotated copy (compressed or not) to the live file;
- the state database passes `PRAGMA integrity_check`, and SIGTERM at the end exits 0;
- resident memory (VmRSS) and open file descriptors stay flat within each daemon lifetime and across
  them, and the watchdog is pinged in time.

How: everything happens in a fresh temporary directory. The script is the daemon's service manager: it
listens on an AF_UNIX datagram socket given as NOTIFY_SOCKET (READY=1, STATUS=, RELOADING=1, WATCHDOG=1,
attributed to the sender's pid with SO_PASSCRED) and sets WATCHDOG_USEC and WATCHDOG_PID. A generator
process makes the articles with Benchmarks/EndToEnd/corpus.py (originals, follow-ups and near-duplicate
copies) plus a few files that are not articles (empty, binary, not UTF-8, malformed JSON); a producer
thread writes them on a schedule kept against a monotonic clock, two in three Maildir-style (written in a
staging directory on the same file system, then renamed into the inbox) and one in three with a plain
write into the inbox. Every check at the end reads the files (timeline, archive/, rejected/, inbox,
state.sqlite), never the daemon's own counters.

Memory can only stay flat if the work is steady: the engine keeps every article within its 30-day
horizon in memory (by `published` time), so the articles carry `published` times that advance
SIMULATED_DAYS_PER_SECOND days per real second. After HORIZON_DAYS / SIMULATED_DAYS_PER_SECOND seconds
(15 s) the number of articles held is steady (rate x 15 s, e.g. 3,000), and memory is expected to be flat.

    python3 scripts/soak.py --binary .build/release/storyline [--seconds 600] [--rate 200] [--keep DIR]
                            [--write-doc]

Standard library only. Exit status 0 when every check passes, 1 when one fails, 2 when the run could not
be carried out (the daemon did not start, say). The directory is removed unless --keep is given or a check
fails; then its path is printed (daemon logs, samples.csv, results.json).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime
import hashlib
import json
import multiprocessing
import os
import platform
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "Benchmarks" / "EndToEnd"))
sys.path.insert(0, str(ROOT / "scripts"))  # storyline_harness
import corpus  # noqa: E402
from storyline_harness import docs, logrotate, proc  # noqa: E402
from storyline_harness.archive import archive_name  # noqa: E402
from storyline_harness.daemon import DaemonFailed, DaemonProcess  # noqa: E402
from storyline_harness.service_manager import NotifyListener  # noqa: E402
from storyline_harness.timeline import file_bytes, file_of, timeline_files  # noqa: E402

RELOAD_EVERY = 10.0
ROTATE_EVERY = 30.0
KILL_EVERY = 120.0
SAMPLE_EVERY = 5.0
#: A lifetime's "start" figures are from its first sample this long after READY=1: by then the indexes
#: hold the whole horizon, and the engine's document-frequency table (a hash map bounded at 2 million
#: terms, 64 MiB at its final size) has made its last doubling, about 10-15 s after a start at 200 files/s.
WARM_UP_SECONDS = 30.0
HORIZON_DAYS = 30  # the default horizon_days (docs/configuration.md)
SIMULATED_DAYS_PER_SECOND = 2
HORIZON_FILL_SECONDS = HORIZON_DAYS / SIMULATED_DAYS_PER_SECOND
DUP_SHARE = 0.2
#: After every BAD_EVERY articles, one file that is not an article.
BAD_EVERY = 99
#: After every ODD_DATE_EVERY articles, one dated 1970 or 2100 (a producer's clock or default gone wrong):
#: the 2100 ones must be judged as arriving now and counted as future-dated, and neither may disturb the rest.
ODD_DATE_EVERY = 97
ODD_DATES = ("1970-01-01T00:00:00Z", "2100-01-01T00:00:00Z")
#: After every REUSE_EVERY articles, one written as REUSED_NAME, a name a feed writes again and again
#: (whenever the previous one has left the inbox): each version must get its own line.
REUSE_EVERY = 53
REUSED_NAME = "latest.json"
#: `storyline backup` while the daemon runs at this share of the stream, and at RESTORE_AT a stop,
#: `storyline restore` of that backup, and a start: the files judged in between go back through the inbox.
BACKUP_AT, RESTORE_AT = 0.3, 0.65  # not at a kill (every 120 s): each lifetime lasts long enough to measure
#: Retention measures age by the daemon's own clock, in days: to see it prune within minutes, every
#: AGE_EVERY s the events judged more than AGE_AFTER s ago are made AGE_DAYS older in state.sqlite (an
#: UPDATE beside the running daemon, as days passing would leave them), past the default 37-day retention.
#: Not between the backup and the restore: a backup older than the retention cannot bring back the files
#: pruned since (their lines stay in the set-aside timeline).
AGE_EVERY, AGE_AFTER, AGE_DAYS = 60.0, 30.0, 40
#: The state's size is judged over the samples from this share of the run on, and may vary this much.
STATE_FLAT_FROM, STATE_TOLERANCE_SHARE = 0.75, 0.15
WATCHDOG_USEC = 2_000_000
READY_TIMEOUT_SECONDS = 90.0
DRAIN_TIMEOUT_SECONDS = 180.0
STOP_TIMEOUT_SECONDS = 60.0
#: Flat means: the end is at most this much above the start.
RSS_TOLERANCE_SHARE, RSS_TOLERANCE_MIB = 0.10, 16
FD_TOLERANCE = 2
#: The producer passes when it wrote at least this share of the files the rate asks for.
RATE_TOLERANCE = 0.97
SEED = 20261122

BEGIN_MARK, END_MARK = "<!-- soak:begin -->", "<!-- soak:end -->"


class SoakAborted(Exception):
    """The run cannot go on (the daemon did not become ready, the producer died): no verdict."""


def log(message: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- Options -----------------------------------------------------------------------------------------------

@dataclass
class Schedule:
    seconds: float
    rate: float
    reload_every: float = RELOAD_EVERY
    rotate_every: float = ROTATE_EVERY
    kill_every: float = KILL_EVERY

    @classmethod
    def for_run(cls, seconds: float, rate: float) -> Schedule:
        """The issue's intervals; only the kill interval shrinks, to half the run, so that a short
        try-out run still crashes the daemon once."""
        return cls(seconds, rate, kill_every=min(KILL_EVERY, seconds / 2))


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"Intervals: SIGHUP every {RELOAD_EVERY:g} s, logrotate -f every {ROTATE_EVERY:g} s, SIGKILL and "
               f"restart every {KILL_EVERY:g} s, a sample every {SAMPLE_EVERY:g} s. Only the kill interval is "
               "scaled: a run shorter than 240 s kills every SECONDS/2 s instead, so it still crashes once.")
    parser.add_argument("--binary", type=Path, required=True, help="the storyline executable (a release build)")
    parser.add_argument("--seconds", type=float, default=600, help="how long files are produced (default 600)")
    parser.add_argument("--rate", type=float, default=200, help="files per second (default 200)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="work in DIR (new or empty) and keep it afterwards")
    parser.add_argument("--write-doc", action="store_true",
                        help="write the results into docs/reliability.md, between the soak markers")
    arguments = parser.parse_args()
    if not os.access(arguments.binary, os.X_OK):
        parser.error(f"--binary {arguments.binary} is not an executable file: build it with `make release`")
    if arguments.seconds < 20 or arguments.rate <= 0:
        parser.error("--seconds must be at least 20 and --rate positive")
    if logrotate.find_logrotate() is None:
        parser.error("logrotate is not installed: apt-get install logrotate (make deps does)")
    return arguments


# --- The articles --------------------------------------------------------------------------------------------

@dataclass
class Item:
    """One file to drop: its name, its bytes, and the rejection code it must get (None: an article)."""
    name: str
    data: bytes
    kind: str
    expected_code: str | None = None


#: Files that are not articles: name suffix, bytes, the rejection code they must get.
BAD_FILES = [
    ("empty.txt", b"", "empty"),
    ("binary.txt", b"Headline\x00\x01\x02 and then binary junk\n", "binary"),
    ("latin1.txt", b"Caf\xe9 au lait in Lyon\n\nThe caf\xe9 reopened on Monday.\n", "not_utf8"),
    ("malformed.json", b'{"title": "Cut off", "text": "the writer stopped in the mid', "malformed_json"),
]


def article_item(index: int, entry: dict, seconds_per_file: float, base: float) -> Item:
    """The corpus article `index` with a `published` time that advances with the stream from `base`: a
    copy is published up to a (simulated) day after its original, as corpus.py does."""
    document = json.loads(corpus.render(SEED, index, entry, False, 1))
    origin = index if entry["source"] is None else entry["source"]
    published = base + origin * seconds_per_file
    if entry["source"] is not None:
        published += random.Random(f"lag-{SEED}-{index}").randint(60, 86400)
    document["published"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(published))
    data = json.dumps(document, ensure_ascii=False).encode("utf-8")
    return Item(entry["name"], data, entry["kind"])


def own_article(index: int, kind: str, published: str | None = None) -> bytes:
    """An article of words of its own (no copy of anything in the stream)."""
    words = " ".join(hashlib.sha256(f"{SEED}-{kind}-{index}-{k}".encode()).hexdigest()[:9] for k in range(90))
    document = {"title": f"{kind} {index}", "text": f"Item {index}. {words}."}
    if published:
        document["published"] = published
    return json.dumps(document).encode()


def items(count: int, rate: float, base: float):
    """The stream: corpus articles; after every BAD_EVERY of them one file that is not an article, after
    every ODD_DATE_EVERY one dated 1970 or 2100, after every REUSE_EVERY one under REUSED_NAME."""
    seconds_per_file = 86400 * SIMULATED_DAYS_PER_SECOND / rate
    entries = corpus.plan(count, DUP_SHARE, SEED)
    for index, entry in enumerate(entries):
        yield article_item(index, entry, seconds_per_file, base)
        if (index + 1) % BAD_EVERY == 0:
            suffix, data, code = BAD_FILES[(index // BAD_EVERY) % len(BAD_FILES)]
            yield Item(f"{index:07d}-{suffix}", data, "bad", code)
        if (index + 1) % ODD_DATE_EVERY == 0:
            date = ODD_DATES[(index // ODD_DATE_EVERY) % len(ODD_DATES)]
            yield Item(f"{index:07d}-dated.json", own_article(index, "dated", date), f"dated-{date[:4]}")
        if (index + 1) % REUSE_EVERY == 0:
            yield Item(REUSED_NAME, own_article(index, "reused"), "reused")


def generate(queue, count: int, rate: float, base: float, chunk: int = 25) -> None:
    """The generator process: puts lists of `chunk` items, as tuples, on `queue`, then None. (Tuples: a
    class of this script pickled in the spawned process would not be found in the parent.)"""
    batch = []
    for item in items(count, rate, base):
        batch.append((item.name, item.data, item.kind, item.expected_code))
        if len(batch) == chunk:
            queue.put(batch)
            batch = []
    queue.put(batch)
    queue.put(None)


# --- The producer --------------------------------------------------------------------------------------------

@dataclass
class Written:
    sha256: str
    size: int
    kind: str
    expected_code: str | None
    way: str  # "maildir" or "plain"


class Producer(threading.Thread):
    """Writes file n at start + n / rate (a monotonic schedule: a late file is written at once, so a
    stall is caught up rather than carried forward), until `end`."""

    def __init__(self, queue, inbox: Path, staging: Path, rate: float, start: float, end: float) -> None:
        super().__init__(name="producer", daemon=True)
        self.queue, self.inbox, self.staging = queue, inbox, staging
        self.rate, self.start_time, self.end_time = rate, start, end
        #: Every file written, in order: a name written again is another file.
        self.written: list[tuple[str, Written]] = []
        self.count = 0
        self.last_write = start
        self.max_lag = 0.0
        self.error: BaseException | None = None
        self._buffer: list[Item] = []

    def run(self) -> None:
        try:
            while True:
                due = self.start_time + self.count / self.rate
                if due >= self.end_time:
                    return
                item = self._next_item()
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                else:
                    self.max_lag = max(self.max_lag, -delay)
                self._write(item, plain=self.count % 3 == 2)
                self.last_write = time.monotonic()
                self.count += 1
        except BaseException as error:  # reported by the main thread
            self.error = error

    def _next_item(self) -> Item:
        if not self._buffer:
            batch = self.queue.get(timeout=60)
            if batch is None:
                raise SoakAborted("the generator ran out of articles")
            self._buffer = [Item(*fields) for fields in reversed(batch)]
        return self._buffer.pop()

    def _write(self, item: Item, plain: bool) -> None:
        if item.name == REUSED_NAME and (self.inbox / item.name).exists():
            item.name = f"{self.count:07d}-{REUSED_NAME}"  # the feed writes the name again once it is taken
        target = self.inbox / item.name
        if plain:
            with open(target, "wb") as file:
                file.write(item.data)
        else:
            staged = self.staging / item.name
            with open(staged, "wb") as file:
                file.write(item.data)
            os.rename(staged, target)
        self.written.append((item.name, Written(hashlib.sha256(item.data).hexdigest(), len(item.data), item.kind,
                                                item.expected_code, "plain" if plain else "maildir")))

    @property
    def achieved_rate(self) -> float:
        return self.count / max(self.last_write - self.start_time, 1e-9)


# --- The work directory and the daemon ---------------------------------------------------------------------------

class Paths:
    """Where everything of one run lives, under one root directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.inbox = root / "inbox"
        self.staging = root / "staging"  # the producer's Maildir tmp/, on the same file system
        self.state = root / "state"
        self.archive = self.state / "archive"
        self.rejected = self.state / "rejected"
        self.timeline = root / "timeline.jsonl"
        self.pidfile = root / "storyline.pid"
        self.backup = root / "backup"

    def make(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if any(self.root.iterdir()):
            raise SystemExit(f"{self.root} is not empty: give --keep a new or empty directory")
        self.root.chmod(0o700)  # logrotate refuses a parent directory others can write to
        for directory in (self.inbox, self.staging, self.root / "logs"):
            directory.mkdir()


@dataclass
class Sample:
    t: float  # seconds since the stream started
    lifetime: int
    reason: str
    rss_kib: int
    hwm_kib: int
    fds: int
    backlog: int
    seq: int
    produced: int
    state_bytes: int = 0  # state.sqlite with its WAL


@dataclass
class Lifetime:
    """One daemon process, from its start to its kill or its stop."""
    number: int
    daemon: DaemonProcess
    started: float
    ready_at: float | None = None
    ended: float | None = None
    ended_by: str = ""
    exit_status: int | None = None
    seq_at_ready: int = 0
    produced_at_ready: int = 0
    seq_at_end: int = 0
    produced_at_end: int = 0
    samples: list[Sample] = field(default_factory=list)

    @property
    def process(self) -> subprocess.Popen:
        return self.daemon.process

    @property
    def pid(self) -> int:
        return self.daemon.pid


def start_daemon(binary: Path, paths: Paths, manager: NotifyListener, number: int) -> Lifetime:
    """Starts `storyline run` with NOTIFY_SOCKET and a watchdog."""
    daemon = DaemonProcess(binary, paths.inbox, paths.state, paths.timeline, paths.root / "logs" / f"daemon-{number}.log",
                           listener=manager, watchdog_usec=WATCHDOG_USEC)
    return Lifetime(number, daemon, time.monotonic())


def wait_ready(lifetime: Lifetime) -> None:
    try:
        lifetime.ready_at = lifetime.daemon.wait_ready(READY_TIMEOUT_SECONDS).received
    except DaemonFailed as error:
        raise SoakAborted(f"daemon {lifetime.number}: {error}") from None


# --- logrotate ------------------------------------------------------------------------------------------------

class Rotator:
    """deploy/logrotate.d/storyline aimed at the soak's timeline; its postrotate reloads whatever daemon
    the pid file names (the script writes it after READY=1 and removes it before a kill, as a service
    manager only reloads a running service)."""

    def __init__(self, paths: Paths, expected_rotations: int) -> None:
        reload = f'kill -HUP "$(cat {paths.pidfile})" >/dev/null 2>&1 || true'
        try:
            text = logrotate.aimed_config(paths.timeline, reload)
        except ValueError as error:
            raise SystemExit(f"{error}: update scripts/soak.py") from None
        # Keep every copy of this run, so the check can read every line (30 would do for 15 minutes).
        text = re.sub(r"^(\s*rotate\s+)(\d+)", lambda m: m.group(1) + str(max(int(m.group(2)), expected_rotations + 5)),
                      text, count=1, flags=re.MULTILINE)
        self.config, self.state = logrotate.write_config(paths.root, text)
        self.timeline = paths.timeline
        self.program = logrotate.find_logrotate()
        self.runs = self.rotations = self.failures = 0
        self.failure_text = ""

    def rotate(self) -> None:
        before = inode(self.timeline)
        completed = subprocess.run([self.program, "-f", "-s", str(self.state), str(self.config)],
                                   capture_output=True, text=True, timeout=60)
        self.runs += 1
        if completed.returncode != 0:
            self.failures += 1
            self.failure_text = completed.stderr.strip()[-500:]
        if inode(self.timeline) != before:
            self.rotations += 1  # else notifempty skipped an empty live file


def inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except FileNotFoundError:
        return None


# --- Reading the timeline ---------------------------------------------------------------------------------------

def last_seq(timeline: Path) -> int:
    """The seq of the last whole line, in the live file or else in `.1` (0 when there is none): a cheap
    progress figure for the samples; the checks read every line."""
    for path in (timeline, timeline.with_name(timeline.name + ".1")):
        try:
            with open(path, "rb") as file:
                file.seek(0, os.SEEK_END)
                size = file.tell()
                file.seek(max(0, size - 65536))
                data = file.read()
        except FileNotFoundError:
            continue
        whole = data[: data.rfind(b"\n") + 1]
        lines = whole.splitlines()
        if lines:
            with contextlib.suppress(ValueError, KeyError, TypeError):
                return json.loads(lines[-1])["seq"]
    return 0


# --- Sampling ---------------------------------------------------------------------------------------------------

def take_sample(lifetime: Lifetime, paths: Paths, producer: Producer | None, t0: float, reason: str) -> Sample | None:
    try:
        memory = proc.status(lifetime.pid)
        fds = proc.open_fds(lifetime.pid)
    except (FileNotFoundError, ProcessLookupError):
        return None
    state_bytes = sum(path.stat().st_size for path in paths.state.glob("state.sqlite*") if path.is_file())
    sample = Sample(t=time.monotonic() - t0, lifetime=lifetime.number, reason=reason, rss_kib=memory["VmRSS"],
                    hwm_kib=memory["VmHWM"], fds=fds, backlog=len(os.listdir(paths.inbox)), seq=last_seq(paths.timeline),
                    produced=producer.count if producer else 0, state_bytes=state_bytes)
    lifetime.samples.append(sample)
    return sample


# --- The run ----------------------------------------------------------------------------------------------------

@dataclass
class Run:
    """Everything the run did and saw, for the checks and the report."""
    schedule: Schedule
    paths: Paths
    lifetimes: list[Lifetime] = field(default_factory=list)
    producer: Producer | None = None
    rotator: Rotator | None = None
    t0: float = 0.0
    stream_end: float = 0.0
    drained_at: float | None = None
    reloads_sent: int = 0
    kills: list[tuple[float, int, int]] = field(default_factory=list)  # (t, produced, seq) at each kill
    binary: Path | None = None
    backup_seq: int | None = None  # the seq `storyline backup` took
    restored: str = ""  # what `storyline restore` said
    aged: int = 0  # events made AGE_DAYS older
    final_exit: int | None = None
    unexpected_exits: list[str] = field(default_factory=list)


def soak(binary: Path, run: Run, manager: NotifyListener) -> None:
    """Starts the daemon and the stream, then drives the schedule until the stream ends and the daemon
    has drained the inbox; stops it with SIGTERM."""
    schedule, paths = run.schedule, run.paths
    count = int(schedule.rate * schedule.seconds) + 1000
    context = multiprocessing.get_context("spawn")
    queue = context.Queue(maxsize=200)
    # `published` runs up to two days before now: dates after arrival are not believed (docs/timeline.md).
    simulated_days = schedule.seconds * SIMULATED_DAYS_PER_SECOND + 2
    base = time.time() - simulated_days * 86400
    generator = context.Process(target=generate, args=(queue, count, schedule.rate, base), name="generator", daemon=True)
    generator.start()
    try:
        wait_for_generator(queue)
        lifetime = restart(binary, run, manager, producer=None)
        run.t0 = lifetime.ready_at
        run.stream_end = run.t0 + schedule.seconds
        run.producer = Producer(queue, paths.inbox, paths.staging, schedule.rate, run.t0, run.stream_end)
        run.producer.start()
        log(f"daemon {lifetime.number} (pid {lifetime.pid}) ready; producing {schedule.rate:g} files/s for "
            f"{schedule.seconds:g} s")
        drive(binary, run, manager)
        run.producer.join(60)
        if run.producer.error:
            raise SoakAborted(f"the producer failed: {run.producer.error!r}")
    finally:
        generator.terminate()
        queue.cancel_join_thread()
        generator.join(5)
    drain_and_stop(run)


def wait_for_generator(queue, wanted: int = 40) -> None:
    """Lets the generator get ahead (40 lists of 25 files) before the clock starts."""
    deadline = time.monotonic() + 120
    while queue.qsize() < wanted and time.monotonic() < deadline:
        time.sleep(0.1)


def drive(binary: Path, run: Run, manager: NotifyListener) -> None:
    """The schedule: a sample every SAMPLE_EVERY s, a reload, a rotation, a kill and restart. Actions due
    at the same moment run in that order, so a kill can follow a rotation's SIGHUP at once."""
    schedule = run.schedule
    intervals = {"sample": SAMPLE_EVERY, "reload": schedule.reload_every, "rotate": schedule.rotate_every,
                 "kill": schedule.kill_every, "age": AGE_EVERY}
    order = list(intervals)
    due = {action: run.t0 + interval for action, interval in intervals.items()}
    once = {"backup": run.t0 + schedule.seconds * BACKUP_AT, "restore": run.t0 + schedule.seconds * RESTORE_AT}
    while True:
        lifetime = run.lifetimes[-1]
        if lifetime.process.poll() is not None:
            raise SoakAborted(f"daemon {lifetime.number} exited on its own with {lifetime.process.returncode}; "
                              f"log:\n{lifetime.daemon.log_tail()}")
        now = time.monotonic()
        if now >= run.stream_end:
            return
        for step in [step for step, at in once.items() if at <= now]:
            del once[step]
            perform(step, binary, run, manager)
        action = min(order, key=lambda name: (due[name], order.index(name)))
        if due[action] > now:
            time.sleep(min(due[action], run.stream_end) - now)
            continue
        perform(action, binary, run, manager)
        while due[action] <= time.monotonic():
            due[action] += intervals[action]


def perform(action: str, binary: Path, run: Run, manager: NotifyListener) -> None:
    lifetime = run.lifetimes[-1]
    if action == "sample":
        sample = take_sample(lifetime, run.paths, run.producer, run.t0, "periodic")
        if sample:
            log(f"t={sample.t:5.0f} s  daemon {sample.lifetime}  VmRSS {sample.rss_kib / 1024:6.1f} MiB  "
                f"fds {sample.fds:3d}  backlog {sample.backlog:5d}  produced {sample.produced:7d}  seq {sample.seq:7d}")
    elif action == "reload":
        lifetime.daemon.send(signal.SIGHUP)
        run.reloads_sent += 1
    elif action == "rotate":
        run.rotator.rotate()
    elif action == "kill":
        kill_and_restart(binary, run, manager)
    elif action == "age":
        age_events(run)
    elif action == "backup":
        back_up(binary, run)
    elif action == "restore":
        restore_and_restart(binary, run, manager)


def age_events(run: Run) -> None:
    """Makes the events judged over AGE_AFTER s ago AGE_DAYS older, once each: retention then prunes
    them (and their archived files) at its next look, as it would after AGE_DAYS days."""
    if run.backup_seq is not None and not run.restored:
        return  # the files judged after the backup must still be there for the restore to send back
    now_ms = int(time.time() * 1000)
    with contextlib.closing(sqlite3.connect(run.paths.state / "state.sqlite", timeout=30)) as database:
        with database:
            changed = database.execute(
                "UPDATE events SET judged_at = judged_at - ? WHERE judged_at BETWEEN ? AND ?",
                (AGE_DAYS * 86_400_000, now_ms - 10 * 86_400_000, now_ms - int(AGE_AFTER * 1000))).rowcount
    run.aged += changed


def state_command(binary: Path, run: Run, *arguments: str) -> subprocess.CompletedProcess:
    paths = run.paths
    return subprocess.run([str(binary), *arguments, "--inbox", str(paths.inbox), "--state", str(paths.state),
                           "--timeline", str(paths.timeline)], capture_output=True, text=True, timeout=300)


def back_up(binary: Path, run: Run) -> None:
    """`storyline backup` while the daemon runs under load."""
    done = state_command(binary, run, "backup", "--to", str(run.paths.backup))
    if done.returncode != 0:
        raise SoakAborted(f"storyline backup failed: {done.stderr.strip()}")
    run.backup_seq = int(re.search(r"at seq (\d+)", done.stdout).group(1))
    log(done.stdout.strip())


def restore_and_restart(binary: Path, run: Run, manager: NotifyListener) -> None:
    """Stops the daemon (SIGTERM), restores the backup, starts it again: the files judged since the backup
    go back through the inbox and must end with one line each in the restored timeline."""
    lifetime = run.lifetimes[-1]
    take_sample(lifetime, run.paths, run.producer, run.t0, "before restore")
    run.paths.pidfile.unlink(missing_ok=True)
    lifetime.daemon.stop(STOP_TIMEOUT_SECONDS)
    finish_lifetime(lifetime, run, "SIGTERM, restore")
    done = state_command(binary, run, "restore", "--from", str(run.paths.backup))
    if done.returncode != 0:
        raise SoakAborted(f"storyline restore failed: {done.stderr.strip()}")
    run.restored = done.stdout.strip()
    log(run.restored)
    new = restart(binary, run, manager, run.producer)
    log(f"daemon {new.number} (pid {new.pid}) ready on the restored state after {new.ready_at - new.started:.2f} s")


def kill_and_restart(binary: Path, run: Run, manager: NotifyListener) -> None:
    lifetime = run.lifetimes[-1]
    take_sample(lifetime, run.paths, run.producer, run.t0, "before kill")
    run.paths.pidfile.unlink(missing_ok=True)
    lifetime.daemon.kill()
    finish_lifetime(lifetime, run, "SIGKILL")
    run.kills.append((time.monotonic() - run.t0, run.producer.count, lifetime.seq_at_end))
    new = restart(binary, run, manager, run.producer)
    log(f"killed daemon {lifetime.number} at seq {lifetime.seq_at_end} ({run.producer.count} files produced); "
        f"daemon {new.number} (pid {new.pid}) ready after {new.ready_at - new.started:.2f} s")


def restart(binary: Path, run: Run, manager: NotifyListener, producer: Producer | None) -> Lifetime:
    lifetime = start_daemon(binary, run.paths, manager, len(run.lifetimes) + 1)
    run.lifetimes.append(lifetime)
    wait_ready(lifetime)
    lifetime.seq_at_ready = last_seq(run.paths.timeline)
    lifetime.produced_at_ready = producer.count if producer else 0
    run.paths.pidfile.write_text(f"{lifetime.pid}\n")
    return lifetime


def finish_lifetime(lifetime: Lifetime, run: Run, ended_by: str) -> None:
    lifetime.ended = time.monotonic()
    lifetime.ended_by = ended_by
    lifetime.exit_status = lifetime.process.returncode
    lifetime.seq_at_end = last_seq(run.paths.timeline)
    lifetime.produced_at_end = run.producer.count if run.producer else 0


def drain_and_stop(run: Run) -> None:
    """Waits until the inbox is empty and the timeline has a line per produced file, then SIGTERM."""
    lifetime, produced = run.lifetimes[-1], run.producer.count
    log(f"stream ended: {produced} files produced; waiting for the daemon to drain the inbox")
    deadline = time.monotonic() + DRAIN_TIMEOUT_SECONDS
    while time.monotonic() < deadline and lifetime.process.poll() is None:
        if not os.listdir(run.paths.inbox) and last_seq(run.paths.timeline) >= produced:
            run.drained_at = time.monotonic()
            break
        time.sleep(0.05)
    if run.drained_at is None:
        log(f"not drained after {DRAIN_TIMEOUT_SECONDS:g} s: {len(os.listdir(run.paths.inbox))} files in the inbox, "
            f"last seq {last_seq(run.paths.timeline)}")
    take_sample(lifetime, run.paths, run.producer, run.t0, "end")
    run.paths.pidfile.unlink(missing_ok=True)
    lifetime.daemon.stop_or_kill(STOP_TIMEOUT_SECONDS)
    finish_lifetime(lifetime, run, "SIGTERM")
    run.final_exit = lifetime.exit_status


# --- The checks, from the files -----------------------------------------------------------------------------------

@dataclass
class Check:
    name: str
    passed: bool
    detail: str


@dataclass
class TimelineRead:
    events: list[dict] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    torn: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)


def read_timeline(timeline: Path) -> TimelineRead:
    """Every line of every timeline file, oldest first; a file not ending in a newline, or a line that is
    not a JSON object with a seq, is noted."""
    result = TimelineRead()
    for path in timeline_files(timeline):
        result.files.append(path.name)
        data = file_bytes(path)
        if data and not data.endswith(b"\n"):
            result.torn.append(f"{path.name} ends in {data[-120:]!r}")
        for number, line in enumerate(data.split(b"\n")[:-1], start=1):
            try:
                event = json.loads(line.decode("utf-8"))
                if not isinstance(event, dict) or not isinstance(event.get("seq"), int) or b"\r" in line:
                    raise ValueError("not a timeline line")
                file_of(event)
            except (ValueError, KeyError, TypeError, UnicodeDecodeError) as error:
                result.invalid.append(f"{path.name}:{number}: {error}: {line[:120]!r}")
                continue
            result.events.append(event)
    return result


def version_key(name: str, written: Written) -> str:
    """What tells one file apart from another, whatever its name: its bytes; a rejected line has none, and
    the files that are not articles have names of their own. (A file `storyline restore` sent back
    through the inbox under its archive name, its own being taken, keeps its bytes.)"""
    return f"name {name}" if written.expected_code else f"sha256 {written.sha256}"


def line_key(event: dict) -> str:
    return f"name {file_of(event)}" if event["event"] == "rejected" else f"sha256 {event['article']['sha256']}"


def check_files(run: Run) -> tuple[list[Check], TimelineRead]:
    paths, produced = run.paths, run.producer.written
    read = read_timeline(paths.timeline)
    checks = [Check("no torn line, every line a JSON object",
                    not read.torn and not read.invalid,
                    f"{len(read.events):,} lines in {len(read.files)} files" +
                    "".join(f"; {problem}" for problem in (read.torn + read.invalid)[:3]))]

    seqs = [event["seq"] for event in read.events]
    wrong = next((index for index, seq in enumerate(seqs) if seq != index + 1), None)
    checks.append(Check("seq 1..N gapless, no repeat", wrong is None and bool(seqs),
                        f"1..{len(seqs):,}" if wrong is None else
                        f"line {wrong + 1} has seq {seqs[wrong]} (repeats: {len(seqs) - len(set(seqs))})"))

    # A name written again is another file: each file written, by its name and bytes, has one line.
    expected = collections.Counter(version_key(name, written) for name, written in produced)
    lines = collections.Counter(line_key(event) for event in read.events)
    missing = sorted(set(expected) - set(lines))
    repeated = sorted(key for key, count in lines.items() if count > expected.get(key, 0) and key in expected)
    unknown = sorted(set(lines) - set(expected))
    reused = sum(1 for name, _ in produced if name.endswith(REUSED_NAME))
    checks.append(Check("exactly one line per file written (a reused name: one per version)",
                        not (missing or repeated or unknown),
                        f"{len(produced):,} files ({reused} under {REUSED_NAME} or its fresh-name fallback); "
                        f"missing {len(missing)} {missing[:3]}, repeated {len(repeated)} {repeated[:3]}, "
                        f"unknown {len(unknown)} {unknown[:3]}"))

    checks += check_homes(paths, produced, read.events)
    inbox_left = sorted(os.listdir(paths.inbox))
    checks.append(Check("nothing left in the inbox", not inbox_left, f"{len(inbox_left)} left {inbox_left[:5]}"))
    checks.append(check_database(paths.state / "state.sqlite"))
    checks.append(check_dates(paths.state / "state.sqlite", produced, read.events))
    if run.backup_seq is not None:
        after = sum(1 for event in read.events if event["seq"] > run.backup_seq)
        checks.append(Check("backup while running, restore mid-run: one consistent timeline", bool(run.restored),
                            f"backup at seq {run.backup_seq:,}; {run.restored or 'no restore'}; "
                            f"{after:,} lines after the backup's seq in the final timeline"))
    return checks, read


def check_homes(paths: Paths, produced: list[tuple[str, Written]], events: list[dict]) -> list[Check]:
    """Each file is in archive/ or rejected/ (not both) as `SEQ-name` of its line, as written, unless
    retention pruned its event (then its archived file is gone too, and nothing else); the files that
    are not articles are rejected with their code; an accepted file's line has its SHA-256."""
    archived, rejected = set(os.listdir(paths.archive)), set(os.listdir(paths.rejected))
    with contextlib.closing(sqlite3.connect(f"file:{paths.state / 'state.sqlite'}?mode=ro", uri=True)) as database:
        kept = {row[0] for row in database.execute("SELECT seq FROM events")}
    pruned_with_file, pruned_file_left = 0, []
    written = {version_key(name, w): w for name, w in produced}
    misplaced, altered, wrong_code = [], [], []
    homes = set()
    for event in events:
        name, w = file_of(event), written.get(line_key(event))
        if w is None:
            continue  # an unknown line: counted by the check above
        directory, names = (paths.rejected, rejected) if event["event"] == "rejected" else (paths.archive, archived)
        entry = archive_name(event["seq"], name)
        if event["seq"] not in kept and directory == paths.archive:
            if entry in names:
                pruned_file_left.append(entry)
            else:
                pruned_with_file += 1
            continue
        homes.add((directory.name, entry))
        if entry not in names:
            misplaced.append(f"{name} (line {event['seq']}) not in {directory.name}/ as {entry}")
            continue
        if hashlib.sha256((directory / entry).read_bytes()).hexdigest() != w.sha256:
            altered.append(entry)
        code = event.get("code") if event["event"] == "rejected" else None
        if code != w.expected_code:
            wrong_code.append(f"{name}: {code} (expected {w.expected_code})")
    extra = sorted(({("archive", e) for e in archived} | {("rejected", e) for e in rejected}) - homes)
    return [
        Check("retention pruned events with their archived files, nothing else",
              pruned_with_file > 0 and not pruned_file_left,
              f"{pruned_with_file:,} events pruned with their files; {len(pruned_file_left)} pruned events' files left "
              f"{pruned_file_left[:3]}"),
        Check("every file in archive/ or rejected/ as SEQ-name of its line, byte-identical",
              not (misplaced or altered or extra),
              f"{len(archived):,} archived, {len(rejected):,} rejected; misplaced {len(misplaced)} {misplaced[:3]}, "
              f"altered {len(altered)} {altered[:3]}, extra {len(extra)} {extra[:3]}"),
        Check("bad files rejected with their code, articles accepted", not wrong_code,
              f"{sum(1 for _, w in produced if w.expected_code):,} bad files; wrong {len(wrong_code)} {wrong_code[:3]}"),
    ]


def check_dates(path: Path, produced: list[tuple[str, Written]], events: list[dict]) -> Check:
    """The files dated 2100 are counted as future-dated, and their lines keep the date as written."""
    future = {w.sha256 for _, w in produced if w.kind == "dated-2100"}
    kept = sum(1 for event in events if event["event"] != "rejected" and event["article"]["sha256"] in future
               and event["article"]["published"] == ODD_DATES[1])
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as database:
        counted = database.execute("SELECT value FROM meta WHERE key = 'total_future_dated'").fetchone()[0]
    old = sum(1 for _, w in produced if w.kind == "dated-1970")
    return Check("dates 1970 and 2100 kept on their lines, 2100 counted future-dated", kept == len(future) == counted,
                 f"{old} dated 1970, {len(future)} dated 2100: {kept} lines keep the date, {counted} counted in the state's total")


def check_database(path: Path) -> Check:
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as database:
            result = [row[0] for row in database.execute("PRAGMA integrity_check")]
    except sqlite3.Error as error:
        return Check("state.sqlite PRAGMA integrity_check", False, str(error))
    return Check("state.sqlite PRAGMA integrity_check", result == ["ok"], "; ".join(result[:3]))


# --- The figures --------------------------------------------------------------------------------------------------

def start_sample(lifetime: Lifetime, run: Run) -> Sample | None:
    """The first sample WARM_UP_SECONDS after READY=1 (which is past HORIZON_FILL_SECONDS for the first)."""
    begin = lifetime.ready_at - run.t0 + WARM_UP_SECONDS
    return next((sample for sample in lifetime.samples if sample.t >= begin), None)


@dataclass
class Figures:
    """One row of the figures table."""
    label: str
    seconds: float
    ready_seconds: float | None
    produced_rate: float
    processed_rate: float
    start: Sample | None
    end: Sample | None
    rss_max_kib: int
    hwm_kib: int
    fds_max: int
    pings: int
    max_gap: float | None
    reloads: int
    ended_by: str


def lifetime_figures(lifetime: Lifetime, run: Run, manager: NotifyListener) -> Figures:
    messages = manager.messages(lifetime.pid)
    pings = [ping for ping in messages.watchdog if ping >= lifetime.ready_at]
    # From READY=1 to each ping in turn; not from the last ping to the kill, which is no late ping.
    gaps = [b - a for a, b in zip([lifetime.ready_at] + pings, pings)]
    seconds = lifetime.ended - lifetime.ready_at
    samples = lifetime.samples
    return Figures(
        label=f"daemon {lifetime.number}", seconds=seconds, ready_seconds=lifetime.ready_at - lifetime.started,
        produced_rate=(lifetime.produced_at_end - lifetime.produced_at_ready) / seconds,
        processed_rate=(lifetime.seq_at_end - lifetime.seq_at_ready) / seconds,
        start=start_sample(lifetime, run), end=samples[-1] if samples else None,
        rss_max_kib=max((s.rss_kib for s in samples), default=0), hwm_kib=max((s.hwm_kib for s in samples), default=0),
        fds_max=max((s.fds for s in samples), default=0), pings=len(messages.watchdog),
        max_gap=max(gaps) if gaps else None, reloads=messages.reloading, ended_by=lifetime.ended_by)


def overall_figures(rows: list[Figures], run: Run) -> Figures:
    lines_written = run.lifetimes[-1].seq_at_end
    processing_end = run.drained_at or run.lifetimes[-1].ended
    samples = [sample for lifetime in run.lifetimes for sample in lifetime.samples]
    gaps = [row.max_gap for row in rows if row.max_gap is not None]
    return Figures(
        label="overall", seconds=run.lifetimes[-1].ended - run.t0, ready_seconds=max(r.ready_seconds for r in rows),
        produced_rate=run.producer.achieved_rate, processed_rate=lines_written / (processing_end - run.t0),
        start=rows[0].start, end=rows[-1].end, rss_max_kib=max(r.rss_max_kib for r in rows),
        hwm_kib=max(r.hwm_kib for r in rows), fds_max=max((s.fds for s in samples), default=0),
        pings=sum(r.pings for r in rows), max_gap=max(gaps) if gaps else None, reloads=sum(r.reloads for r in rows),
        ended_by=f"{len(run.kills)} kills")


def flat(start: int, end: int, tolerance: float) -> bool:
    return end <= start + tolerance


def health_checks(rows: list[Figures], overall: Figures, run: Run, manager: NotifyListener) -> list[Check]:
    # A lifetime shorter than the warm-up (a restart just before the restore) has no start figure: it
    # cannot be judged flat or not, and is shown as "-".
    def rss_ok(row: Figures) -> bool:
        if row.start is None and row.seconds < WARM_UP_SECONDS + SAMPLE_EVERY:
            return True
        return bool(row.start and row.end) and flat(
            row.start.rss_kib, row.end.rss_kib, max(row.start.rss_kib * RSS_TOLERANCE_SHARE, RSS_TOLERANCE_MIB * 1024))

    def fds_ok(row: Figures) -> bool:
        if row.start is None and row.seconds < WARM_UP_SECONDS + SAMPLE_EVERY:
            return True
        return bool(row.start and row.end) and flat(row.start.fds, row.end.fds, FD_TOLERANCE)

    every = rows + [overall]
    rss = "; ".join(f"{row.label} {mib(row.start.rss_kib) if row.start else '-'} -> {mib(row.end.rss_kib) if row.end else '-'}"
                    for row in rows)
    rss_tolerance = f"end <= start + max({RSS_TOLERANCE_SHARE:.0%}, {RSS_TOLERANCE_MIB} MiB)"
    fds = "; ".join(f"{row.label} {row.start.fds if row.start else '-'} -> {row.end.fds if row.end else '-'}" for row in every)
    statuses = [text for lifetime in run.lifetimes for text in manager.messages(lifetime.pid).statuses]
    errors = [text for text in statuses if text.startswith("error") or text.startswith("failed")]
    late = [row.label for row in rows if row.max_gap is None or row.max_gap >= WATCHDOG_USEC / 1e6]
    produced_share = run.producer.count / (run.schedule.rate * run.schedule.seconds)
    # The state's size once retention has had a few looks at aged events (after the restore too): flat.
    sizes = [sample.state_bytes for lifetime in run.lifetimes for sample in lifetime.samples
             if sample.t >= run.schedule.seconds * STATE_FLAT_FROM and sample.state_bytes]
    state_flat = bool(sizes) and max(sizes) <= min(sizes) * (1 + STATE_TOLERANCE_SHARE)
    return [
        Check(f"state.sqlite flat under retention (last {1 - STATE_FLAT_FROM:.0%} of the run: max <= min + "
              f"{STATE_TOLERANCE_SHARE:.0%})", state_flat,
              f"{run.aged:,} events aged {AGE_DAYS} days; state.sqlite with its WAL "
              + (f"{min(sizes) / 2**20:.1f} to {max(sizes) / 2**20:.1f} MiB over {len(sizes)} samples" if sizes else "not sampled")),
        Check("READY=1 after every start", all(lifetime.ready_at for lifetime in run.lifetimes),
              f"{len(run.lifetimes)} starts, READY after at most {overall.ready_seconds:.2f} s"),
        Check(f"producer sustained {run.schedule.rate:g} files/s", produced_share >= RATE_TOLERANCE,
              f"{run.producer.count:,} files = {produced_share:.1%} of the schedule, {overall.produced_rate:.1f} files/s; "
              f"longest lag behind schedule {run.producer.max_lag:.2f} s"),
        Check("the daemon drained the inbox", run.drained_at is not None,
              f"{run.drained_at - run.stream_end:.1f} s after the stream ended" if run.drained_at else "timed out"),
        Check("SIGTERM: exit status 0", run.final_exit == 0, f"exit status {run.final_exit}"),
        Check(f"VmRSS flat within each lifetime ({rss_tolerance})", all(rss_ok(row) for row in rows), rss),
        Check("VmRSS flat across the run (first start, last end)", rss_ok(overall),
              f"{mib(overall.start.rss_kib) if overall.start else '-'} -> {mib(overall.end.rss_kib) if overall.end else '-'}"),
        Check(f"open fds flat (end <= start + {FD_TOLERANCE})", all(fds_ok(row) for row in every), fds),
        Check(f"watchdog pinged within WATCHDOG_USEC ({WATCHDOG_USEC / 1e6:g} s)", not late,
              f"{overall.pings} pings, longest gap {overall.max_gap or 0:.2f} s" + (f"; late: {late}" if late else "")),
        Check("no error STATUS", not errors, f"{len(statuses):,} STATUS= texts" + (f"; e.g. {errors[0]!r}" if errors else "")),
        Check("logrotate exited 0 every time", run.rotator.failures == 0,
              f"{run.rotator.runs} runs, {run.rotator.rotations} rotations" +
              (f"; {run.rotator.failure_text}" if run.rotator.failures else "")),
    ]


def mib(kib: int) -> str:
    return f"{kib / 1024:.1f}"


def figures_table(rows: list[Figures]) -> list[list[str]]:
    header = ["lifetime", "ran s", "READY s", "produced/s", "processed/s", "VmRSS MiB start -> end (max)",
              "VmHWM MiB", "fds start -> end (max)", "watchdog pings (max gap s)", "reloads", "ended by"]
    table = [header]
    for row in rows:
        table.append([
            row.label, f"{row.seconds:.0f}", f"{row.ready_seconds:.2f}" if row.ready_seconds is not None else "-",
            f"{row.produced_rate:.1f}", f"{row.processed_rate:.1f}",
            f"{mib(row.start.rss_kib) if row.start else '-'} -> {mib(row.end.rss_kib) if row.end else '-'} "
            f"({mib(row.rss_max_kib)})",
            mib(row.hwm_kib),
            f"{row.start.fds if row.start else '-'} -> {row.end.fds if row.end else '-'} ({row.fds_max})",
            f"{row.pings} ({row.max_gap:.2f})" if row.max_gap is not None else f"{row.pings}",
            str(row.reloads), row.ended_by])
    return table


def checks_table(checks: list[Check]) -> list[list[str]]:
    return [["check", "result", "detail"]] + [[c.name, "PASS" if c.passed else "FAIL", c.detail] for c in checks]


def plain_table(table: list[list[str]]) -> str:
    widths = [max(len(row[column]) for row in table) for column in range(len(table[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in table]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def markdown_table(table: list[list[str]]) -> str:
    lines = ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in table]
    lines.insert(1, "|" + "---|" * len(table[0]))
    return "\n".join(lines)


def summary(run: Run, read: TimelineRead) -> str:
    produced = [written for _, written in run.producer.written]
    ways = collections.Counter(written.way for written in produced)
    kinds = collections.Counter(written.kind for written in produced)
    own = ("original", "follow-up", "bad", "reused", "dated-1970", "dated-2100")
    copies = sum(count for kind, count in kinds.items() if kind not in own)
    events = collections.Counter(event["event"] for event in read.events)
    live = int(run.schedule.rate * HORIZON_FILL_SECONDS)
    schedule = run.schedule
    return (
        f"{len(produced):,} files in {schedule.seconds:g} s ({ways['maildir']:,} Maildir-style, {ways['plain']:,} plain "
        f"writes): {kinds['original']:,} originals, {kinds['follow-up']:,} follow-ups, {copies:,} near-duplicate "
        f"copies, {kinds['bad']:,} not articles, {kinds['dated-1970']:,} dated 1970 and {kinds['dated-2100']:,} dated 2100, "
        f"{kinds['reused']:,} written as {REUSED_NAME} (under a fresh name while the previous one was still in "
        f"the inbox). A `storyline backup` at {BACKUP_AT:.0%} of the stream while the daemon ran, and at "
        f"{RESTORE_AT:.0%} a stop, `storyline restore` of it and a start. Timeline: {len(read.events):,} lines "
        f"({', '.join(f'{count:,} {name}' for name, count in sorted(events.items()))}) in {len(read.files)} files. "
        f"{run.reloads_sent} SIGHUPs, {run.rotator.rotations} rotations by logrotate, {len(run.kills)} SIGKILLs "
        f"(every {schedule.kill_every:g} s) with a restart. `published` advances {SIMULATED_DAYS_PER_SECOND} days "
        f"per second, so after {HORIZON_FILL_SECONDS:g} s the {HORIZON_DAYS}-day horizon holds a steady "
        f"~{live:,} articles and memory is expected to be flat; start figures are from the first sample "
        f"{WARM_UP_SECONDS:g} s after READY=1, once the engine's document-frequency table (bounded at 2 million "
        f"terms) has grown to its final 64 MiB.")


# --- The report -----------------------------------------------------------------------------------------------------

def report(run: Run, manager: NotifyListener, arguments: argparse.Namespace) -> bool:
    checks, read = check_files(run)
    rows = [lifetime_figures(lifetime, run, manager) for lifetime in run.lifetimes]
    overall = overall_figures(rows, run)
    checks = health_checks(rows, overall, run, manager) + checks
    figures, verdicts = figures_table(rows + [overall]), checks_table(checks)
    text = summary(run, read)
    print()
    print(text)
    print()
    print(plain_table(figures))
    print()
    print(plain_table(verdicts))
    print()
    save_results(run, rows, checks)
    passed = all(check.passed for check in checks)
    if arguments.write_doc:
        write_doc(text, markdown_table(figures), markdown_table(verdicts), passed, arguments.built_from)
    return passed


def save_results(run: Run, rows: list[Figures], checks: list[Check]) -> None:
    with open(run.paths.root / "samples.csv", "w") as output:
        output.write("t,lifetime,reason,rss_kib,hwm_kib,fds,backlog,seq,produced,state_bytes\n")
        for lifetime in run.lifetimes:
            for s in lifetime.samples:
                output.write(f"{s.t:.2f},{s.lifetime},{s.reason},{s.rss_kib},{s.hwm_kib},{s.fds},{s.backlog},{s.seq},{s.produced},{s.state_bytes}\n")
    results = {"kills": run.kills, "checks": [check.__dict__ for check in checks],
               "lifetimes": [{"label": row.label, "seconds": row.seconds, "ready": row.ready_seconds,
                              "pings": row.pings, "max_gap": row.max_gap} for row in rows]}
    (run.paths.root / "results.json").write_text(json.dumps(results, indent=1))


def command_line() -> str:
    seconds = os.environ.get("SOAK_SECONDS")
    return docs.command_line("make soak" + (f" SOAK_SECONDS={seconds}" if seconds and seconds != "600" else ""))


def machine() -> str:
    return (f"{os.cpu_count()} CPUs ({docs.cpu_model('?')}), {docs.memory_kib() / 1024 / 1024:.1f} GiB memory, "
            f"Linux {platform.release()}")


def provenance(binary: Path) -> str:
    """The commit the checkout is at when the run starts and when the binary was built: the binary is
    built from the working tree, which may hold changes not yet committed."""
    head = docs.git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = docs.git("status", "--porcelain", "--", "Sources", "Package.swift")
    built = datetime.datetime.fromtimestamp(binary.stat().st_mtime, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"commit {head}" + (" with uncommitted changes in Sources/" if dirty else "") + f" (binary built {built})"


def write_doc(summary_text: str, figures: str, verdicts: str, passed: bool, built_from: str) -> None:
    """Replaces the text between the soak markers of docs/reliability.md; nothing else in the file."""
    path = ROOT / "docs" / "reliability.md"
    text = path.read_text()
    if not docs.has_section(text, BEGIN_MARK, END_MARK):
        raise SystemExit(f"{path} must hold {BEGIN_MARK} and {END_MARK} once each, in that order")
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    block = (f"{BEGIN_MARK}\nRun on {date}: `{command_line()}`, Storyline at {built_from}. Machine: {machine()}. "
             f"Verdict: **{'PASS' if passed else 'FAIL'}**.\n\n{summary_text}\n\n{figures}\n\n{verdicts}\n{END_MARK}")
    path.write_text(docs.replace_section(text, BEGIN_MARK, END_MARK, block))
    log(f"wrote the soak section of {path}")


# --- Main -----------------------------------------------------------------------------------------------------------

def main() -> int:
    arguments = parse_arguments()
    schedule = Schedule.for_run(arguments.seconds, arguments.rate)
    arguments.built_from = provenance(arguments.binary)
    root = arguments.keep.resolve() if arguments.keep else Path(tempfile.mkdtemp(prefix="storyline-soak-"))
    paths = Paths(root)
    paths.make()
    run = Run(schedule, paths)
    run.rotator = Rotator(paths, expected_rotations=int(schedule.seconds / schedule.rotate_every) + 1)
    manager = NotifyListener(prefix="sl-soak-notify-")
    log(f"working in {root}; reload every {schedule.reload_every:g} s, logrotate every {schedule.rotate_every:g} s, "
        f"SIGKILL every {schedule.kill_every:g} s")
    try:
        soak(arguments.binary.resolve(), run, manager)
        passed = report(run, manager, arguments)
    except SoakAborted as error:
        log(f"ABORTED: {error}")
        passed = None
    finally:
        for lifetime in run.lifetimes:
            lifetime.daemon.kill()
        manager.close()
    if passed and not arguments.keep:
        shutil.rmtree(root, ignore_errors=True)
    else:
        log(f"the run's directory is kept: {root} (daemon logs in logs/, samples.csv, results.json)")
    log("PASS" if passed else ("FAIL" if passed is False else "no verdict"))
    return 0 if passed else (1 if passed is False else 2)


if __name__ == "__main__":
    sys.exit(main())
