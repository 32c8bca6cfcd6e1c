#!/usr/bin/env python3
"""`make bench`: end-to-end figures of the real `storyline run` daemon, measured from the outside.

Phases, each timed and logged:

1. burst: a fresh daemon; BURST files (corpus.py) dropped Maildir-style (`.NAME.tmp`, then rename) as fast
   as Python can; time from the first file's write until the timeline holds a line for every file. RUNS
   times, each on a fresh daemon; the median is reported.
2. latency: a state of HELD articles made by `state-fill` (Benchmarks/Sources/StateFill: the daemon's own
   parser, engine and state code, no files), the daemon started on it, then one file every INTERVAL ms for
   LATENCY files of the same stream; per file, rename -> its line in the timeline.
3. scale: the same at SCALE_SMALL and at SCALE_LARGE articles: time from start to READY=1, VmRSS after it,
   state size on disk, and the per-article cost when PROBE files of the stream are renamed into the inbox
   at once (time per timeline line, and daemon CPU per file).
4. datasketch on the BURST files (a venv under --scratch; MinHash 128, word 5-shingles, LSH 16 x 8), and
   precision / recall of both against exact Jaccard >= 0.8 of word 5-shingles (and two looser truths).

    python3 Benchmarks/EndToEnd/bench.py [--burst 20000] [--held 100000] [--latency 2000]
        [--scale-small 10000] [--scale-large 1000000] [--probe 2000] [--write-doc]

Sizes can also come from the environment: BENCH_BURST, BENCH_HELD, BENCH_LATENCY, BENCH_RUNS,
BENCH_SCALE_SMALL, BENCH_SCALE_LARGE (0 skips the scale phase), BENCH_PROBE; BENCH_SCRATCH for --scratch.
Needs the release binary and `state-fill` (`make bench` builds both). Standard library only; datasketch
lives in the venv.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "scripts"))  # storyline_harness
import corpus as corpus_module  # noqa: E402
from storyline_harness import docs, proc  # noqa: E402
from storyline_harness.daemon import DaemonFailed, DaemonProcess  # noqa: E402
from storyline_harness.service_manager import NotifyListener  # noqa: E402
from storyline_harness.timeline import complete_lines, file_of  # noqa: E402


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- The daemon ------------------------------------------------------------------------------------------

class Daemon(DaemonProcess):
    """A daemon on WORK/inbox, WORK/state and WORK/timeline.jsonl with a notify socket of its own."""

    def __init__(self, binary: Path, work: Path, log_name: str) -> None:
        self.inbox, self.state, self.timeline = work / "inbox", work / "state", work / "timeline.jsonl"
        self.inbox.mkdir(parents=True, exist_ok=True)
        super().__init__(binary, self.inbox, self.state, self.timeline, work / f"{log_name}.log",
                         listener=NotifyListener(prefix="slbench-notify-"))

    def wait_ready(self, timeout: float = 600) -> float:
        """Seconds from the start to READY=1."""
        try:
            return super().wait_ready(timeout, interval=0.002).received - self.started_at
        except DaemonFailed as error:
            raise SystemExit(str(error)) from None

    def memory(self) -> dict[str, int]:
        """VmHWM and VmRSS in KiB."""
        return proc.status(self.pid, ("VmHWM", "VmRSS"))

    def cpu_seconds(self) -> float:
        return proc.cpu_seconds(self.pid)

    def stop(self) -> None:
        self.stop_or_kill(120)
        self.listener.close()


class TimelineWatcher:
    """Follows the timeline from a background thread, recording when each whole line appeared.

    Polls every `interval` seconds (a 1 ms poll is the resolution of every latency figure). Records
    (monotonic time, line count) whenever the count grows, and for each line its file name's time. With
    `initial_count`, the timeline already holds that many whole lines: reading starts at its end.
    """

    def __init__(self, path: Path, interval: float = 0.001, record_files: bool = False, initial_count: int = 0) -> None:
        self.path, self.interval, self.record_files = path, interval, record_files
        self.count = initial_count
        self.handle = None
        if initial_count:  # opened here, before any new line can be written
            self.handle = open(path, "rb")
            self.handle.seek(0, os.SEEK_END)
        self.progress: list[tuple[float, int]] = []
        self.seen: dict[str, float] = {}
        self.stop_flag = threading.Event()
        self.offset = 0
        self.partial = b""
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        handle = self.handle
        while not self.stop_flag.is_set():
            if handle is None:
                try:
                    handle = open(self.path, "rb")
                except FileNotFoundError:
                    time.sleep(self.interval)
                    continue
            chunk = handle.read()
            now = time.monotonic()
            if chunk:
                data = self.partial + chunk
                cut = data.rfind(b"\n") + 1
                whole, self.partial = data[:cut], data[cut:]
                lines = whole.split(b"\n")[:-1]
                if lines:
                    self.count += len(lines)
                    self.progress.append((now, self.count))
                    if self.record_files:
                        for line in lines:
                            self.seen[file_of(json.loads(line))] = now
            else:
                time.sleep(self.interval)
        if handle:
            handle.close()

    def wait_count(self, count: int, timeout: float) -> float:
        deadline = time.monotonic() + timeout
        while self.count < count:
            if time.monotonic() > deadline:
                raise SystemExit(f"timeline has {self.count} lines, expected {count}, after {timeout} s")
            time.sleep(0.001)
        return next(t for t, c in self.progress if c >= count)

    def time_at(self, count: int) -> float:
        return next(t for t, c in self.progress if c >= count)

    def close(self) -> None:
        self.stop_flag.set()
        self.thread.join(2)


def drop(inbox: Path, name: str, data: bytes) -> float:
    """Maildir-style: write `.NAME.tmp`, rename to NAME; returns the time of the rename."""
    temporary = inbox / f".{name}.tmp"
    with open(temporary, "wb") as file:
        file.write(data)
    os.rename(temporary, inbox / name)
    return time.monotonic()


def load(corpus_dir: Path, entries: list[dict]) -> list[tuple[str, bytes]]:
    return [(e["name"], (corpus_dir / e["name"]).read_bytes()) for e in entries]


# --- Phases ----------------------------------------------------------------------------------------------

def burst(daemon: Daemon, watcher: TimelineWatcher, files: list[tuple[str, bytes]], already: int) -> dict:
    cpu_before = daemon.cpu_seconds()
    started = time.monotonic()
    for name, data in files:
        drop(daemon.inbox, name, data)
    dropped = time.monotonic()
    finished = watcher.wait_count(already + len(files), timeout=3600)
    size = sum(len(d) for _, d in files)
    seconds = finished - started
    return {"files": len(files), "bytes": size, "seconds": seconds, "drop_seconds": dropped - started,
            "articles_per_s": len(files) / seconds, "mb_per_s": size / 1e6 / seconds,
            "daemon_cpu_seconds": daemon.cpu_seconds() - cpu_before}


def latency(daemon: Daemon, watcher: TimelineWatcher, files: list[tuple[str, bytes]], interval: float) -> dict:
    watcher.record_files = True
    renamed: dict[str, float] = {}
    next_at = time.monotonic()
    for name, data in files:
        now = time.monotonic()
        if now < next_at:
            time.sleep(next_at - now)
        renamed[name] = drop(daemon.inbox, name, data)
        next_at += interval
    deadline = time.monotonic() + 120
    while not all(name in watcher.seen for name in renamed):
        if time.monotonic() > deadline:
            raise SystemExit("latency: lines missing after 120 s")
        time.sleep(0.005)
    samples = sorted((watcher.seen[name] - renamed[name]) * 1000 for name in renamed)

    def percentile(p: float) -> float:
        return samples[min(len(samples) - 1, int(round(p / 100 * (len(samples) - 1))))]

    return {"files": len(samples), "p50_ms": percentile(50), "p99_ms": percentile(99), "max_ms": samples[-1],
            "mean_ms": statistics.fmean(samples)}


# --- Quality ---------------------------------------------------------------------------------------------

WORD = re.compile(r"\w+")


def shingles(data: bytes) -> frozenset[str]:
    words = WORD.findall(json.loads(data)["text"].lower())
    return frozenset(" ".join(words[i:i + 5]) for i in range(max(len(words) - 4, 1)))


def quality(corpus_dir: Path, entries: list[dict], storyline_events: list[dict], datasketch: dict) -> dict:
    """Article-level precision and recall against exact Jaccard >= 0.8 of word 5-shingles.

    An article is truly a near-duplicate when some earlier file (in arrival order) has Jaccard >= 0.8 with
    it. Pairs checked exactly: every pair inside a generator family (an original and its copies), and every
    pair a tool proposed; two unrelated originals are assumed below 0.8 unless a tool proposed them.
    A tool's flag is right when the earlier article it names (Storyline: `duplicate_of`; datasketch: the
    LSH candidate with the highest estimated Jaccard) truly has Jaccard >= 0.8.
    """
    order = {e["name"]: i for i, e in enumerate(entries)}
    cache: dict[str, frozenset[str]] = {}

    def sets(name: str) -> frozenset[str]:
        if name not in cache:
            cache[name] = shingles((corpus_dir / name).read_bytes())
        return cache[name]

    def jaccard(a: str, b: str) -> float:
        x, y = sets(a), sets(b)
        return len(x & y) / len(x | y) if x or y else 1.0

    def near(a: str, b: str, with_containment: bool) -> bool:
        x, y = sets(a), sets(b)
        if len(x & y) >= 0.8 * len(x | y):
            return True
        return with_containment and len(x & y) >= 0.9 * min(len(x), len(y))

    families: dict[str, list[str]] = {}
    for e in entries:
        root = e["name"] if e["source"] is None else entries[e["source"]]["name"]
        families.setdefault(root, []).append(e["name"])

    def truth(with_containment: bool) -> set[str]:
        found: set[str] = set()
        for members in families.values():
            members.sort(key=order.__getitem__)
            for i, later in enumerate(members):
                if any(near(earlier, later, with_containment) for earlier in members[:i]):
                    found.add(later)
        return found

    def score(flags: dict[str, str | None], with_containment: bool) -> dict:
        flagged = set(flags)
        right = {n for n, other in flags.items() if other is not None and near(n, other, with_containment)}
        found_truth = truth(with_containment) | right
        return {"flagged": len(flagged), "true": len(found_truth),
                "precision": len(right) / len(flagged) if flagged else 1.0,
                "recall": len(right & found_truth) / len(found_truth) if found_truth else 1.0}

    ids: dict[str, str] = {}
    storyline_flags: dict[str, str | None] = {}
    for event in storyline_events:
        if event["event"] == "rejected":
            continue
        article = event["article"]
        ids[article["id"]] = article["file"]
        if event["event"] == "duplicate" and article["file"] in order:
            storyline_flags[article["file"]] = ids.get(event["duplicate_of"])
    datasketch_flags = {name: max(found, key=lambda pair: pair[1])[0]
                        for name, found in datasketch["candidates"].items()}
    def family(name: str) -> str:
        entry = entries[order[name]]
        return name if entry["source"] is None else entries[entry["source"]]["name"]

    copies = {e["name"] for e in entries if e["source"] is not None}

    def score_copies(flags: dict[str, str | None]) -> dict:
        right = {n for n, other in flags.items() if other is not None and family(n) == family(other)}
        return {"flagged": len(flags), "true": len(copies), "precision": len(right) / len(flags) if flags else 1.0,
                "recall": len(right & copies) / len(copies) if copies else 1.0}

    return {"storyline_copies": score_copies(storyline_flags), "datasketch_copies": score_copies(datasketch_flags),
            "storyline": score(storyline_flags, False), "datasketch": score(datasketch_flags, False),
            "storyline_containment": score(storyline_flags, True),
            "datasketch_containment": score(datasketch_flags, True)}


# --- datasketch ------------------------------------------------------------------------------------------

def run_datasketch(corpus_dir: Path, count: int, scratch: Path) -> dict:
    venv = scratch / "venv"
    if not (venv / "bin" / "python").exists():
        log("installing datasketch and xxhash into a throwaway venv")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "datasketch", "xxhash"], check=True)
    version = subprocess.run([str(venv / "bin" / "python"), "-c", "import datasketch; print(datasketch.__version__)"],
                             capture_output=True, text=True, check=True).stdout.strip()
    output = subprocess.run([str(venv / "bin" / "python"), str(HERE / "datasketch_run.py"), str(corpus_dir),
                             str(count)], capture_output=True, text=True, check=True).stdout
    result = json.loads(output)
    result["version"] = version
    return result


# --- The report ------------------------------------------------------------------------------------------

def machine() -> str:
    model = docs.cpu_model("unknown CPU")
    memory = docs.memory_kib() / 1024 / 1024
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.strip().splitlines()
    return (f"`nproc` = {os.cpu_count()}, CPU \"{model}\", {memory:.0f} GB memory, Linux {platform.release()}, "
            f"{swift[0] if swift else 'swift ?'}, release build")


def commit() -> str:
    head = docs.git("rev-parse", "--short", "HEAD")
    dirty = docs.git("status", "--porcelain", "--untracked-files=no", "Sources")
    return (head or "unknown") + (" (Sources/ modified)" if dirty else "")


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--burst", type=int, default=int(env("BENCH_BURST", 20000)))
    parser.add_argument("--held", type=int, default=int(env("BENCH_HELD", 100000)),
                        help="articles the daemon holds (a state-fill state) in the latency phase")
    parser.add_argument("--latency", type=int, default=int(env("BENCH_LATENCY", 2000)))
    parser.add_argument("--interval-ms", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=int(env("BENCH_RUNS", 3)),
                        help="burst runs (each on a fresh daemon); the median is reported")
    parser.add_argument("--scale-small", type=int, default=int(env("BENCH_SCALE_SMALL", 10000)),
                        help="articles held at the small scale point")
    parser.add_argument("--scale-large", type=int, default=int(env("BENCH_SCALE_LARGE", 1000000)),
                        help="articles held at the large scale point (0 skips the scale phase)")
    parser.add_argument("--probe", type=int, default=int(env("BENCH_PROBE", 2000)),
                        help="files dropped at once into the daemon at each scale point")
    parser.add_argument("--dup-share", type=float, default=0.2)
    parser.add_argument("--dates", action="store_true")
    parser.add_argument("--binary", type=Path, default=ROOT / ".build/release/storyline")
    parser.add_argument("--fill-binary", type=Path, default=ROOT / "Benchmarks/.build/release/state-fill")
    parser.add_argument("--scratch", type=Path,
                        default=Path(env("BENCH_SCRATCH", Path(tempfile.gettempdir()) / "storyline-bench")),
                        help="corpus, venv and daemon directories (the corpus is reused when the same)")
    parser.add_argument("--no-datasketch", action="store_true")
    parser.add_argument("--keep", action="store_true",
                        help="keep the daemons' inbox, state and timeline under --scratch (removed by default; "
                             "the corpus and the venv stay for the next run)")
    parser.add_argument("--write-doc", action="store_true",
                        help="write the table into docs/performance.md, section '## End to end (make bench)'")
    arguments = parser.parse_args()
    if arguments.runs < 1:
        parser.error("--runs must be at least 1: every figure of the report is built on the burst")
    if not arguments.binary.exists():
        raise SystemExit(f"{arguments.binary} is missing: run `swift build -c release` first")
    if (arguments.held or arguments.scale_large) and not arguments.fill_binary.exists():
        raise SystemExit(f"{arguments.fill_binary} is missing: run "
                         "`swift build -c release --package-path Benchmarks --product state-fill` first")

    arguments.commit = commit()  # now: the tree the binary was just built from, not what lands meanwhile
    begun = time.monotonic()
    phases: dict[str, float] = {}
    results: dict = {"bursts": [], "phases": phases}

    with phase("corpus", phases):
        corpus_dir = arguments.scratch / f"corpus-{arguments.burst}-{arguments.dup_share}{'-dates' if arguments.dates else ''}"
        log(f"corpus: {arguments.burst} files in {corpus_dir}")
        entries = corpus_module.generate(corpus_dir, arguments.burst, arguments.dup_share, dates=arguments.dates)
        burst_files = load(corpus_dir, entries)

    with phase("burst", phases):
        for run in range(arguments.runs):
            work = arguments.scratch / f"run-{run}"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            daemon = Daemon(arguments.binary, work, "daemon")
            ready = daemon.wait_ready()
            watcher = TimelineWatcher(daemon.timeline, record_files=False)
            log(f"run {run + 1}: daemon ready in {ready * 1000:.0f} ms; dropping {len(burst_files)} files")
            figures = burst(daemon, watcher, burst_files, already=0)
            figures["memory"] = daemon.memory()
            results["bursts"].append(figures)
            log(f"burst: {figures['seconds']:.2f} s, {figures['articles_per_s']:.0f} articles/s, "
                f"{figures['mb_per_s']:.1f} MB/s (drop alone {figures['drop_seconds']:.2f} s), "
                f"VmHWM {figures['memory']['VmHWM'] / 1024:.0f} MiB")
            if run == 0:
                events = complete_lines(daemon.timeline)
            watcher.close()
            daemon.stop()
        # Removed only at the end: a version that deleted each run's 20,000 files and database before the
        # next run saw the dropping take 1.5 s in run 1 and 9.7 s in runs 2 and 3.
        if not arguments.keep:
            for run in range(arguments.runs):
                shutil.rmtree(arguments.scratch / f"run-{run}", ignore_errors=True)

    if arguments.held and arguments.latency:
        with phase("latency", phases):
            work = arguments.scratch / "latency"
            results["latency_fill"] = fill_state(arguments.fill_binary, work, arguments.held, arguments.latency)
            daemon = Daemon(arguments.binary, work, "daemon")
            results["latency_ready"] = daemon.wait_ready(timeout=1800)
            watcher = TimelineWatcher(daemon.timeline, initial_count=arguments.held)
            log(f"latency: one file every {arguments.interval_ms} ms for {arguments.latency} files, "
                f"{arguments.held} articles held (READY=1 after {results['latency_ready']:.1f} s)")
            latency_files = [(path.name, path.read_bytes()) for path in sorted((work / "probe").iterdir())]
            results["latency"] = latency(daemon, watcher, latency_files, arguments.interval_ms / 1000)
            log(f"latency: p50 {results['latency']['p50_ms']:.1f} ms, p99 {results['latency']['p99_ms']:.1f} ms, "
                f"max {results['latency']['max_ms']:.1f} ms")
            watcher.close()
            daemon.stop()
        if not arguments.keep:
            shutil.rmtree(work, ignore_errors=True)

    if arguments.scale_large:
        results["scale"] = []
        for size in (arguments.scale_small, arguments.scale_large):
            with phase(f"scale {size:,}", phases):
                results["scale"].append(scale_point(arguments, size))

    if not arguments.no_datasketch:
        with phase("datasketch", phases):
            log(f"datasketch on the {arguments.burst} burst files")
            results["datasketch"] = run_datasketch(corpus_dir, arguments.burst, arguments.scratch)
            log("exact Jaccard for precision / recall")
            results["quality"] = quality(corpus_dir, entries, events, results["datasketch"])
            del results["datasketch"]["candidates"]

    results["wall_seconds"] = time.monotonic() - begun
    log("phases: " + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in phases.items())
        + f"; bench.py in all {results['wall_seconds'] / 60:.1f} min")
    report(arguments, results)


@contextlib.contextmanager
def phase(name: str, phases: dict[str, float]):
    """Times one phase of the run into `phases` and logs it."""
    started = time.monotonic()
    log(f"phase {name}: start")
    try:
        yield
    finally:
        phases[name] = time.monotonic() - started
        log(f"phase {name}: {phases[name]:.1f} s")


def fill_state(fill_binary: Path, work: Path, articles: int, probe: int) -> dict:
    """`state-fill`: WORK/state and WORK/timeline.jsonl as the daemon leaves them after `articles` files,
    and the stream's next `probe` files in WORK/probe. Returns its time, rate and peak RSS."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    command = [str(fill_binary), "--state", str(work / "state"), "--timeline", str(work / "timeline.jsonl"),
               "--articles", str(articles), "--probe", str(probe), "--probe-dir", str(work / "probe")]
    log(f"state-fill: {articles:,} articles into {work / 'state'}")
    started = time.monotonic()
    output: list[str] = []
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        output.append(line.rstrip("\n"))
        log(line.rstrip("\n"))
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    (work / "state-fill.log").write_text("\n".join(output) + "\n")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("state-fill failed:\n" + "\n".join(output[-20:]))
    summary = next((line for line in output if " articles/s; " in line), "")
    figures = {"articles": articles, "seconds": seconds, "articles_per_s": articles / seconds,
               "max_rss_kib": usage.ru_maxrss, "summary": summary, "output": output[-4:]}
    snapshot = re.search(r"snapshot ([0-9.]+) s", summary)
    figures["snapshot_seconds"] = float(snapshot.group(1)) if snapshot else None
    figures["state"] = state_size(work / "state")
    figures["timeline_bytes"] = (work / "timeline.jsonl").stat().st_size
    return figures


def state_size(state: Path) -> dict[str, int]:
    """Bytes of what the daemon loads: state.sqlite, its WAL, and engine.snapshot when there is one."""
    sizes = {name: (state / name).stat().st_size for name in ("state.sqlite", "state.sqlite-wal", "engine.snapshot")
             if (state / name).exists()}
    sizes["total"] = sum(sizes.values())
    return sizes


def scale_point(arguments, size: int) -> dict:
    """A daemon started on a filled state of `size` articles: READY=1, memory, then the probe burst."""
    work = arguments.scratch / f"scale-{size}"
    figures: dict = {"size": size, "fill": fill_state(arguments.fill_binary, work, size, arguments.probe)}
    fill = figures["fill"]
    log(f"scale {size:,}: filled in {fill['seconds']:.1f} s ({fill['articles_per_s']:,.0f} articles/s, "
        f"max RSS {fill['max_rss_kib'] / 1024:,.0f} MiB); state {fill['state']['total'] / 1e6:,.0f} MB")
    daemon = Daemon(arguments.binary, work, "daemon")
    figures["ready_seconds"] = daemon.wait_ready(timeout=3600)
    time.sleep(0.5)
    figures["memory_ready"] = daemon.memory()
    log(f"scale {size:,}: READY=1 after {figures['ready_seconds']:.2f} s, "
        f"VmRSS {figures['memory_ready']['VmRSS'] / 1024:,.0f} MiB, VmHWM {figures['memory_ready']['VmHWM'] / 1024:,.0f} MiB")
    watcher = TimelineWatcher(daemon.timeline, initial_count=size)
    figures["probe"] = probe_burst(daemon, watcher, work / "probe", already=size)
    figures["memory_probe"] = daemon.memory()
    watcher.close()
    probe = figures["probe"]
    log(f"scale {size:,}: {probe['files']} probe files, {probe['ms_per_line']:.3f} ms per line "
        f"(daemon CPU {probe['cpu_ms_per_article']:.3f} ms per article; {probe['whole_seconds']:.2f} s from the first rename)")
    stopping = time.monotonic()
    daemon.stop()
    figures["stop_seconds"] = time.monotonic() - stopping
    figures["state_after"] = state_size(daemon.state)
    if not arguments.keep:
        shutil.rmtree(work, ignore_errors=True)
    return figures


def probe_burst(daemon: Daemon, watcher: "TimelineWatcher", probe_dir: Path, already: int) -> dict:
    """The probe files, written into the inbox as `.NAME.tmp` (which the daemon ignores) and then all renamed
    at once, so the daemon has the whole backlog from the start whatever the size it holds.

    Per-article cost: time per timeline line from the first batch's lines to the last line (the first batch
    is left out: it may be small, taken while the renames were still arriving), and the daemon's CPU time
    over the whole probe per file."""
    staged = []
    for path in sorted(probe_dir.iterdir()):
        temporary = daemon.inbox / f".{path.name}.tmp"
        temporary.write_bytes(path.read_bytes())
        staged.append((temporary, daemon.inbox / path.name))
    time.sleep(0.5)
    cpu_before = daemon.cpu_seconds()
    started = time.monotonic()
    for temporary, final in staged:
        os.rename(temporary, final)
    renamed = time.monotonic()
    finished = watcher.wait_count(already + len(staged), timeout=1800)
    first_time, first_count = next((t, c) for t, c in watcher.progress if c > already)
    lines = already + len(staged) - first_count
    return {"files": len(staged), "rename_seconds": renamed - started, "whole_seconds": finished - started,
            "first_batch": first_count - already,
            "ms_per_line": (finished - first_time) * 1000 / lines if lines else float("nan"),
            "cpu_ms_per_article": (daemon.cpu_seconds() - cpu_before) * 1000 / len(staged)}


def report(arguments, results: dict) -> None:
    bursts = results["bursts"]
    rate = median([b["articles_per_s"] for b in bursts])
    mbps = median([b["mb_per_s"] for b in bursts])
    seconds = median([b["seconds"] for b in bursts])
    runs = f"median of {len(bursts)} runs" if len(bursts) > 1 else "one run"
    b0 = bursts[0]
    rows = [
        ("burst", f"{arguments.burst:,} files ({b0['bytes'] / 1e6:.1f} MB) into a fresh daemon, until every line is in the timeline",
         f"**{rate:,.0f} articles/s, {mbps:.1f} MB/s** ({seconds:.2f} s; {runs}; "
         f"daemon CPU {b0['daemon_cpu_seconds']:.1f} s; VmHWM {b0['memory']['VmHWM'] / 1024:.0f} MiB)"),
    ]
    if "latency" in results:
        lat = results["latency"]
        rows.append(("latency", f"{arguments.held:,} articles held (a `state-fill` state; READY=1 after "
                     f"{results['latency_ready']:.1f} s); one file every {arguments.interval_ms:g} ms for "
                     f"{lat['files']:,} files, the stream's next; rename -> line seen (1 ms poll)",
                     f"**p50 {lat['p50_ms']:.1f} ms, p99 {lat['p99_ms']:.1f} ms, max {lat['max_ms']:.1f} ms**"))
    fills = [results["latency_fill"]] if "latency_fill" in results else []
    fills += [point["fill"] for point in results.get("scale", [])]
    if fills:
        rows.append(("state-fill", "`state-fill` (Benchmarks): N articles generated (NewsCorpus, 20% near-duplicate "
                     "copies, over 14 days), judged by the engine and committed through the daemon's state code, "
                     "batches of 4,000; whole run with the probe files (one process)",
                     "; ".join(f"{f['articles']:,} in {f['seconds']:.1f} s ({f['articles_per_s']:,.0f} articles/s, "
                               f"max RSS {f['max_rss_kib'] / 1024:,.0f} MiB)" for f in fills)))
    if results.get("scale"):
        small, large = results["scale"]

        def at(point: dict, text: str) -> str:
            return f"{text} at {point['size']:,}"

        rows += [
            ("scale: start", "`storyline run` on the filled state -> READY=1",
             "; ".join(at(p, f"**{p['ready_seconds']:.2f} s**") for p in (small, large))),
            ("scale: memory", "VmRSS after READY=1 (VmHWM after the probe)",
             "; ".join(at(p, f"**{p['memory_ready']['VmRSS'] / 1024:,.0f} MiB** ({p['memory_probe']['VmHWM'] / 1024:,.0f} MiB)")
                       for p in (small, large))),
            ("scale: state on disk", "state.sqlite + WAL + engine.snapshot as filled (timeline beside it)",
             "; ".join(at(p, f"{p['fill']['state']['total'] / 1e6:,.0f} MB"
                          + (" (snapshot " + f"{p['fill']['state']['engine.snapshot'] / 1e6:,.0f} MB)"
                             if "engine.snapshot" in p["fill"]["state"] else " (no snapshot)")
                          + f", timeline {p['fill']['timeline_bytes'] / 1e6:,.0f} MB") for p in (small, large))),
            ("scale: per-article cost", f"{arguments.probe:,} files of the stream's next, renamed into the inbox at "
             "once: time per timeline line after the first batch (daemon CPU per file)",
             "; ".join(at(p, f"{p['probe']['ms_per_line']:.3f} ms ({p['probe']['cpu_ms_per_article']:.3f} ms)")
                       for p in (small, large))
             + f"; **{large['probe']['ms_per_line'] / small['probe']['ms_per_line']:.2f}x** "
               f"(CPU {large['probe']['cpu_ms_per_article'] / small['probe']['cpu_ms_per_article']:.2f}x)"),
        ]
    if "datasketch" in results:
        d = results["datasketch"]
        d_rate = d["articles"] / d["seconds"]
        q = results["quality"]
        rows += [
            (f"datasketch {d['version']}", f"same {arguments.burst:,} files: read, parse, word 5-shingles, MinHash 128 (xxh32), "
             "LSH 16 x 8 query + insert, one process",
             f"{d_rate:,.0f} articles/s, {d['bytes'] / 1e6 / d['seconds']:.1f} MB/s ({d['seconds']:.1f} s; signatures "
             f"alone {d['bytes'] / 1e6 / d['signature_seconds']:.1f} MB/s); max RSS {d['max_rss_kib'] / 1024:.0f} MiB"),
            ("Storyline / datasketch", "median burst articles/s over datasketch's, same run",
             f"**{rate / d_rate:.1f}x**"),
            ("precision / recall", "per article, against exact Jaccard >= 0.8 of word 5-shingles "
             f"({q['storyline']['true']:,} true near-duplicates among the burst files)",
             f"Storyline {q['storyline']['precision']:.3f} / {q['storyline']['recall']:.3f} "
             f"({q['storyline']['flagged']:,} flagged); datasketch LSH {q['datasketch']['precision']:.3f} / "
             f"{q['datasketch']['recall']:.3f} ({q['datasketch']['flagged']:,} flagged)"),
            ("precision / recall, containment too", "the same against Jaccard >= 0.8 or shingle containment >= 0.9 "
             f"(Storyline's own rule, approximately; {q['storyline_containment']['true']:,} true)",
             f"Storyline {q['storyline_containment']['precision']:.3f} / {q['storyline_containment']['recall']:.3f}; "
             f"datasketch LSH {q['datasketch_containment']['precision']:.3f} / "
             f"{q['datasketch_containment']['recall']:.3f}"),
            ("precision / recall, generator copies", "the same against the copies the generator made "
             f"({q['storyline_copies']['true']:,}; right when the named article is of the same family)",
             f"Storyline {q['storyline_copies']['precision']:.3f} / {q['storyline_copies']['recall']:.3f}; "
             f"datasketch LSH {q['datasketch_copies']['precision']:.3f} / {q['datasketch_copies']['recall']:.3f}"),
        ]
    rows.append(("phases", "wall time of each phase of this run",
                 ", ".join(f"{name} {seconds:.0f} s" for name, seconds in results["phases"].items())
                 + f"; **{results['wall_seconds'] / 60:.1f} min** in all"))
    command = docs.command_line("make bench")
    table = ["| measure | what | result |", "| --- | --- | --- |"] + [f"| {a} | {b} | {c} |" for a, b, c in rows]
    targets = target_table(results, rate)
    print()
    print("\n".join(table))
    print()
    print("\n".join(targets))
    print()
    (arguments.scratch / "results.json").write_text(json.dumps(results, indent=1, default=str))
    if arguments.write_doc:
        write_doc(table, targets, command, arguments)


def target_table(results: dict, rate: float) -> list[str]:
    """Issue 6's targets against this run's figures."""
    rows = [("burst >= 20,000 articles/s, persisted and fsync'd", f"{rate:,.0f} articles/s",
             "met" if rate >= 20000 else f"{20000 / rate:.1f}x short")]
    if "datasketch" in results:
        d = results["datasketch"]
        ratio = rate / (d["articles"] / d["seconds"])
        rows.append(("burst >= 10x datasketch, same run", f"{ratio:.1f}x", "met" if ratio >= 10 else f"{10 / ratio:.1f}x short"))
    if "latency" in results:
        lat = results["latency"]
        met = lat["p50_ms"] <= 5 and lat["p99_ms"] <= 20
        rows.append((f"latency p50 <= 5 ms, p99 <= 20 ms, with {results['latency_fill']['articles']:,} held",
                     f"p50 {lat['p50_ms']:.1f} ms, p99 {lat['p99_ms']:.1f} ms", "met" if met else "not met"))
    if results.get("scale"):
        small, large = results["scale"]
        n = f"{large['size']:,} articles"
        rss = large["memory_ready"]["VmRSS"] / 1024 / 1024
        rows.append((f"{n}: RSS <= 1.5 GB", f"VmRSS {rss:.2f} GiB after READY=1",
                     "met" if rss <= 1.5 else f"{rss / 1.5:.1f}x over"))
        ready = large["ready_seconds"]
        rows.append((f"{n}: READY=1 within 10 s of start", f"{ready:.1f} s", "met" if ready <= 10 else f"{ready / 10:.1f}x over"))
        ratio = large["probe"]["ms_per_line"] / small["probe"]["ms_per_line"]
        rows.append((f"{n}: per-article cost within 1.5x of {small['size']:,}",
                     f"{ratio:.2f}x ({small['probe']['ms_per_line']:.3f} -> {large['probe']['ms_per_line']:.3f} ms per line)",
                     "met" if ratio <= 1.5 else "not met"))
    return ["| target | measured (run above) | |", "| --- | --- | --- |"] + [f"| {a} | {b} | {c} |" for a, b, c in rows]


BEGIN, END = "<!-- make bench: begin (written by Benchmarks/EndToEnd/bench.py) -->", "<!-- make bench: end -->"


def write_doc(table: list[str], targets: list[str], command: str, arguments) -> None:
    """Writes the run into docs/performance.md: between the markers of the section when it has them (so
    the prose after them stays), else as a new last section."""
    path = ROOT / "docs/performance.md"
    text = path.read_text()
    heading = "## End to end (make bench)"
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    sizes = (f"--burst {arguments.burst} --held {arguments.held} --latency {arguments.latency} "
             f"--scale-small {arguments.scale_small} --scale-large {arguments.scale_large} --probe {arguments.probe} "
             f"--dup-share {arguments.dup_share}{' --dates' if arguments.dates else ''}")
    block = f"""{BEGIN}
Run on {date}: `{command}` (sizes: `{sizes}`), Storyline at commit {arguments.commit}. Machine: {machine()}.

""" + "\n".join(table) + """

Against issue 6's targets, same run:

""" + "\n".join(targets) + f"\n{END}"
    if heading in text and BEGIN in text and END in text:
        path.write_text(docs.replace_section(text, BEGIN, END, block))
    else:
        if heading in text:
            text = text[:text.index(heading)].rstrip() + "\n"
        section = f"""
{heading}

The real daemon from the outside, by `Benchmarks/EndToEnd/bench.py` (standard-library Python; datasketch
in a venv the script makes under `/tmp/storyline-bench`). Burst corpus: `Benchmarks/EndToEnd/corpus.py`;
held states and the files dropped into them: `Benchmarks/Sources/StateFill` (`state-fill`). Files are
dropped Maildir-style (`.NAME.tmp`, then rename) by one Python process; a line counts when the watcher (a
1 ms poll of the timeline) sees it whole.

{block}
"""
        path.write_text(text.rstrip() + "\n" + section)
    log(f"wrote {heading!r} in {path}")


if __name__ == "__main__":
    main()
