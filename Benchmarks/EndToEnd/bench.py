#!/usr/bin/env python3
"""`make bench`: end-to-end figures of the real `storyline run` daemon, measured from the outside.

One run, one daemon state, in this order:

1. burst: a fresh daemon; BURST files dropped Maildir-style (`.NAME.tmp`, then rename) as fast as Python
   can; time from the first file's write until the timeline holds a line for every file. RUNS times, each
   on a fresh daemon; the median is reported. The first run's daemon goes on:
2. fill: PREFILL more files dropped the same way, so it holds BURST + PREFILL articles. Per-article cost
   against size: time per line for lines 9,000-11,000 of each burst, and for the last 2,000 of the fill.
3. latency: one file every INTERVAL ms for LATENCY files; per file, rename -> its line in the timeline.
4. restart: SIGTERM, state size on disk, start again, time until READY=1, RSS.
5. datasketch on the BURST files (a venv under --scratch; MinHash 128, word 5-shingles, LSH 16 x 8), and
   precision / recall of both against exact Jaccard >= 0.8 of word 5-shingles (and two looser truths).

    python3 Benchmarks/EndToEnd/bench.py [--burst 20000] [--prefill 80000] [--latency 2000] [--write-doc]

Sizes can also come from the environment: BENCH_BURST, BENCH_PREFILL, BENCH_LATENCY, BENCH_RUNS.
Standard library only; datasketch lives in the venv.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
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
import corpus as corpus_module  # noqa: E402

MANAGER_VARIABLES = ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- The daemon ------------------------------------------------------------------------------------------

class Notify:
    """A fake service manager: the datagram socket the daemon sends READY=1 and STATUS= to."""

    def __init__(self) -> None:
        self.directory = tempfile.mkdtemp(prefix="slbench-notify-")
        self.path = os.path.join(self.directory, "notify.sock")
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.socket.bind(self.path)
        self.socket.settimeout(0.05)
        self.ready_at: float | None = None
        self.last_status = ""
        self.closed = threading.Event()
        self.thread = threading.Thread(target=self.receive, daemon=True)
        self.thread.start()

    def receive(self) -> None:
        while not self.closed.is_set():
            try:
                text = self.socket.recv(65536).decode("utf-8", "replace")
            except TimeoutError:
                continue
            except OSError:
                return
            for line in text.split("\n"):
                if line == "READY=1" and self.ready_at is None:
                    self.ready_at = time.monotonic()
                elif line.startswith("STATUS="):
                    self.last_status = line[7:]

    def close(self) -> None:
        self.closed.set()
        self.thread.join(2)
        self.socket.close()
        shutil.rmtree(self.directory, ignore_errors=True)


class Daemon:
    def __init__(self, binary: Path, work: Path, log_name: str) -> None:
        self.inbox, self.state, self.timeline = work / "inbox", work / "state", work / "timeline.jsonl"
        self.inbox.mkdir(parents=True, exist_ok=True)
        self.notify = Notify()
        env = {k: v for k, v in os.environ.items() if k not in MANAGER_VARIABLES}
        env["NOTIFY_SOCKET"] = self.notify.path
        self.log_path = work / f"{log_name}.log"
        self.started_at = time.monotonic()
        with open(self.log_path, "wb") as output:
            self.process = subprocess.Popen(
                [str(binary), "run", "--inbox", str(self.inbox), "--state", str(self.state),
                 "--timeline", str(self.timeline)],
                stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, env=env)

    def wait_ready(self, timeout: float = 600) -> float:
        deadline = time.monotonic() + timeout
        while self.notify.ready_at is None:
            if self.process.poll() is not None:
                raise SystemExit(f"the daemon exited with {self.process.returncode}:\n{self.log_path.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise SystemExit("no READY=1 within the timeout")
            time.sleep(0.002)
        return self.notify.ready_at - self.started_at

    def memory(self) -> dict[str, int]:
        """VmHWM and VmRSS in KiB."""
        fields = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                fields[key] = int(value.split()[0])
        return fields

    def cpu_seconds(self) -> float:
        parts = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(120)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.notify.close()


class TimelineWatcher:
    """Follows the timeline from a background thread, recording when each whole line appeared.

    Polls every `interval` seconds (a 1 ms poll is the resolution of every latency figure). Records
    (monotonic time, line count) whenever the count grows, and for each line its file name's time.
    """

    def __init__(self, path: Path, interval: float = 0.001, record_files: bool = False) -> None:
        self.path, self.interval, self.record_files = path, interval, record_files
        self.count = 0
        self.progress: list[tuple[float, int]] = []
        self.seen: dict[str, float] = {}
        self.stop_flag = threading.Event()
        self.offset = 0
        self.partial = b""
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        handle = None
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
                            event = json.loads(line)
                            name = event["file"] if event["event"] == "rejected" else event["article"]["file"]
                            self.seen[name] = now
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


def directory_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


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


def cost_window(watcher: TimelineWatcher, low: int, high: int) -> float:
    """Milliseconds per article while the timeline grew from `low` to `high` lines."""
    return (watcher.time_at(high) - watcher.time_at(low)) * 1000 / (high - low)


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
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.strip().splitlines()
    return (f"`nproc` = {os.cpu_count()}, CPU \"{model}\", {memory:.0f} GB memory, Linux {platform.release()}, "
            f"{swift[0] if swift else 'swift ?'}, release build")


def commit() -> str:
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no", "Sources"],
                           capture_output=True, text=True).stdout.strip()
    return (head.stdout.strip() or "unknown") + (" (Sources/ modified)" if dirty else "")


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--burst", type=int, default=int(env("BENCH_BURST", 20000)))
    parser.add_argument("--prefill", type=int, default=int(env("BENCH_PREFILL", 80000)),
                        help="files added after the burst, before the latency phase")
    parser.add_argument("--latency", type=int, default=int(env("BENCH_LATENCY", 2000)))
    parser.add_argument("--interval-ms", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=int(env("BENCH_RUNS", 3)),
                        help="burst runs (each on a fresh daemon); the median is reported")
    parser.add_argument("--dup-share", type=float, default=0.2)
    parser.add_argument("--dates", action="store_true")
    parser.add_argument("--binary", type=Path, default=ROOT / ".build/release/storyline")
    parser.add_argument("--scratch", type=Path, default=Path(tempfile.gettempdir()) / "storyline-bench",
                        help="corpus, venv and daemon directories (the corpus is reused when the same)")
    parser.add_argument("--no-datasketch", action="store_true")
    parser.add_argument("--keep", action="store_true",
                        help="keep the daemons' inbox, state and timeline under --scratch (removed by default; "
                             "the corpus and the venv stay for the next run)")
    parser.add_argument("--write-doc", action="store_true",
                        help="write the table into docs/performance.md, section '## End to end (make bench)'")
    arguments = parser.parse_args()
    if not arguments.binary.exists():
        raise SystemExit(f"{arguments.binary} is missing: run `swift build -c release` first")

    arguments.commit = commit()  # now: the tree the binary was just built from, not what lands meanwhile
    total = arguments.burst + arguments.prefill + arguments.latency
    corpus_dir = arguments.scratch / f"corpus-{total}-{arguments.dup_share}{'-dates' if arguments.dates else ''}"
    log(f"corpus: {total} files in {corpus_dir}")
    started = time.monotonic()
    entries = corpus_module.generate(corpus_dir, total, arguments.dup_share, dates=arguments.dates)
    log(f"corpus ready ({time.monotonic() - started:.1f} s)")
    burst_entries = entries[:arguments.burst]
    burst_files = load(corpus_dir, burst_entries)

    results: dict = {"bursts": []}
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
        if arguments.burst >= 11000:  # per-article cost around 10k held, after the dropping is done
            figures["cost_10k_ms"] = cost_window(watcher, 9000, 11000)
        results["bursts"].append(figures)
        log(f"burst: {figures['seconds']:.2f} s, {figures['articles_per_s']:.0f} articles/s, "
            f"{figures['mb_per_s']:.1f} MB/s (drop alone {figures['drop_seconds']:.2f} s), "
            f"VmHWM {figures['memory']['VmHWM'] / 1024:.0f} MiB")
        if run == 0:
            whole = daemon.timeline.read_bytes()
            events = [json.loads(line) for line in whole[:whole.rfind(b"\n") + 1].splitlines()]
            first = (daemon, watcher, work)
        else:
            watcher.close()
            daemon.stop()
    daemon, watcher, work = first

    if arguments.prefill:
        prefill_files = load(corpus_dir, entries[arguments.burst:arguments.burst + arguments.prefill])
        log(f"fill: dropping {len(prefill_files)} more files")
        results["fill"] = burst(daemon, watcher, prefill_files, already=arguments.burst)
        del prefill_files
        log(f"fill: {results['fill']['seconds']:.1f} s, {results['fill']['articles_per_s']:.0f} articles/s")
    held = arguments.burst + arguments.prefill
    if arguments.burst >= 11000:
        small, small_ms = 10000, median([b["cost_10k_ms"] for b in results["bursts"]])
    else:
        small = arguments.burst // 2
        small_ms = cost_window(watcher, small - small // 2, small + small // 2)
    results["cost"] = {"small_at": small, "small_ms": small_ms,
                       "large_at": held, "large_ms": cost_window(watcher, held - 2000, held) if held > 4000 else None}
    results["held"] = held
    results["memory_full"] = daemon.memory()

    if arguments.latency:
        latency_files = load(corpus_dir, entries[held:held + arguments.latency])
        log(f"latency: one file every {arguments.interval_ms} ms for {len(latency_files)} files, "
            f"{held} articles held")
        results["latency"] = latency(daemon, watcher, latency_files, arguments.interval_ms / 1000)
        log(f"latency: p50 {results['latency']['p50_ms']:.1f} ms, p99 {results['latency']['p99_ms']:.1f} ms, "
            f"max {results['latency']['max_ms']:.1f} ms")
    watcher.close()
    results["memory_end"] = daemon.memory()
    daemon.stop()
    results["state_bytes"] = sum(p.stat().st_size for p in daemon.state.glob("state.sqlite*"))
    results["archive_bytes"] = directory_size(daemon.state / "archive")
    restarted = Daemon(arguments.binary, work, "restart")
    results["ready_seconds"] = restarted.wait_ready()
    time.sleep(0.2)
    results["memory_restart"] = restarted.memory()
    restarted.stop()
    log(f"restart: READY=1 after {results['ready_seconds']:.2f} s holding {held + arguments.latency} articles; "
        f"state {results['state_bytes'] / 1e6:.0f} MB; RSS {results['memory_restart']['VmRSS'] / 1024:.0f} MiB")

    if not arguments.no_datasketch:
        log(f"datasketch on the {arguments.burst} burst files")
        results["datasketch"] = run_datasketch(corpus_dir, arguments.burst, arguments.scratch)
        log("exact Jaccard for precision / recall")
        results["quality"] = quality(corpus_dir, burst_entries, events, results["datasketch"])
        del results["datasketch"]["candidates"]

    report(arguments, results, total, corpus_dir)
    if not arguments.keep:
        for run in range(arguments.runs):
            shutil.rmtree(arguments.scratch / f"run-{run}", ignore_errors=True)


def report(arguments, results: dict, total: int, corpus_dir: Path) -> None:
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
    if "fill" in results:
        f = results["fill"]
        rows.append(("fill", f"{f['files']:,} more files on top, same way",
                     f"{f['articles_per_s']:,.0f} articles/s, {f['mb_per_s']:.1f} MB/s ({f['seconds']:.1f} s)"))
    if "latency" in results:
        lat = results["latency"]
        rows.append(("latency", f"{results['held']:,} articles held; one file every {arguments.interval_ms:g} ms for "
                     f"{lat['files']:,} files; rename -> line seen (1 ms poll)",
                     f"**p50 {lat['p50_ms']:.1f} ms, p99 {lat['p99_ms']:.1f} ms, max {lat['max_ms']:.1f} ms**"))
    cost = results["cost"]
    held_after = results["held"] + (results["latency"]["files"] if "latency" in results else 0)
    large = f"{cost['large_ms']:.3f} ms at {cost['large_at']:,}" if cost["large_ms"] else "n/a"
    ratio = f" ({cost['large_ms'] / cost['small_ms']:.2f}x)" if cost["large_ms"] else ""
    rows += [
        ("scale: per-article cost", "time per timeline line while the daemon works through a burst, with N "
         "articles held (lines 9,000-11,000 of each burst run, median; the last 2,000 lines of the fill)", f"{cost['small_ms']:.3f} ms at {cost['small_at']:,}; {large}{ratio}"),
        ("scale: memory", f"daemon holding {results['held']:,} articles (VmHWM / VmRSS)",
         f"{results['memory_full']['VmHWM'] / 1024:,.0f} MiB / {results['memory_full']['VmRSS'] / 1024:,.0f} MiB"),
        ("scale: state on disk", f"state.sqlite (+ WAL) holding {held_after:,} articles; archive/ beside it",
         f"{results['state_bytes'] / 1e6:,.0f} MB (archive {results['archive_bytes'] / 1e6:,.0f} MB)"),
        ("scale: restart", f"start -> READY=1 with that state; RSS after",
         f"**{results['ready_seconds']:.2f} s**, VmRSS {results['memory_restart']['VmRSS'] / 1024:,.0f} MiB"),
    ]
    if "datasketch" in results:
        d = results["datasketch"]
        d_rate = d["articles"] / d["seconds"]
        b_rate = rate
        q = results["quality"]
        rows += [
            (f"datasketch {d['version']}", f"same {arguments.burst:,} files: read, parse, word 5-shingles, MinHash 128 (xxh32), "
             "LSH 16 x 8 query + insert, one process",
             f"{d_rate:,.0f} articles/s, {d['bytes'] / 1e6 / d['seconds']:.1f} MB/s ({d['seconds']:.1f} s; signatures "
             f"alone {d['bytes'] / 1e6 / d['signature_seconds']:.1f} MB/s); max RSS {d['max_rss_kib'] / 1024:.0f} MiB"),
            ("Storyline / datasketch", "median burst articles/s over datasketch's, same run",
             f"**{b_rate / d_rate:.1f}x**"),
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
    command = "make bench" if os.environ.get("MAKELEVEL") else "python3 " + " ".join(
        [str(Path(sys.argv[0]).resolve().relative_to(ROOT)) if Path(sys.argv[0]).resolve().is_relative_to(ROOT)
         else sys.argv[0],
         *sys.argv[1:]])
    table = ["| measure | what | result |", "| --- | --- | --- |"] + [f"| {a} | {b} | {c} |" for a, b, c in rows]
    print()
    print("\n".join(table))
    print()
    (arguments.scratch / "results.json").write_text(json.dumps(results, indent=1, default=str))
    if arguments.write_doc:
        write_doc(table, command, arguments, corpus_dir, total)


BEGIN, END = "<!-- make bench: begin (written by Benchmarks/EndToEnd/bench.py) -->", "<!-- make bench: end -->"


def write_doc(table: list[str], command: str, arguments, corpus_dir: Path, total: int) -> None:
    """Writes the run into docs/performance.md: between the markers of the section when it has them (so
    the prose after them stays), else as a new last section."""
    path = ROOT / "docs/performance.md"
    text = path.read_text()
    heading = "## End to end (make bench)"
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    sizes = (f"--burst {arguments.burst} --prefill {arguments.prefill} --latency {arguments.latency} "
             f"--dup-share {arguments.dup_share}{' --dates' if arguments.dates else ''}")
    block = f"""{BEGIN}
Run on {date}: `{command}` (sizes: `{sizes}`), Storyline at commit {arguments.commit}. Machine: {machine()}.

""" + "\n".join(table) + f"\n{END}"
    if heading in text and BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
        path.write_text(text)
    else:
        if heading in text:
            text = text[:text.index(heading)].rstrip() + "\n"
        section = f"""
{heading}

The real daemon from the outside, by `Benchmarks/EndToEnd/bench.py` (standard-library Python; datasketch
in a venv the script makes under `/tmp/storyline-bench`). Corpus: `Benchmarks/EndToEnd/corpus.py`,
burst + prefill + latency generated JSON articles (originals 3-8 KB, about a third of them follow-ups in
an earlier story; {arguments.dup_share:.0%} near-duplicate
copies: syndicated, truncated, lightly edited, boilerplate added), fixed seed, nothing copied from anywhere.
Files are dropped Maildir-style (`.NAME.tmp`, then rename) by one Python process; a line counts when the
watcher (a 1 ms poll of the timeline) sees it whole. The daemon commits the state and fsyncs the timeline
per batch, so a line seen is committed; the last batch's fsync may end a few ms after its lines are visible.

{block}
"""
        path.write_text(text.rstrip() + "\n" + section)
    log(f"wrote {heading!r} in {path}")


if __name__ == "__main__":
    main()
