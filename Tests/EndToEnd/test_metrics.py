"""The daemon's Prometheus metrics: a node_exporter textfile, checked against the timeline it wrote.

The file is parsed here as Prometheus's text format, and scraped through Debian's real
prometheus-node-exporter with its textfile collector (installed by `make test`), the way an operator's
Prometheus reads it: the daemon's unit has no network, so nothing of its own listens.
"""

import collections
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

import support
from daemon_support import (  # noqa: F401
    checked_timeline, daemons, distinct_article, drop_plain, paths, wait_for_lines, wait_until,
)

SAMPLE = re.compile(r'^([a-z_:][a-z0-9_:]*)(\{[^}]*\})? (\S+)$')


def parse(text: str) -> dict[tuple[str, tuple], float]:
    """The samples of a Prometheus text exposition: (name, sorted labels) -> value; every line checked."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("# HELP ") or line.startswith("# TYPE "):
            continue
        match = SAMPLE.match(line)
        assert match, f"not a Prometheus sample line: {line!r}"
        name, labels, value = match.groups()
        pairs = tuple(sorted(re.findall(r'(\w+)="([^"]*)"', labels or "")))
        samples[(name, pairs)] = float(value)
    return samples


def metrics(path: Path) -> dict[tuple[str, tuple], float]:
    return parse(path.read_text())


def value(samples, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def drop_mixed(inbox: Path) -> None:
    """Two stories' worth of articles, an exact copy, and two files that cannot be judged."""
    for number in range(4):
        drop_plain(inbox, f"a{number}.txt", distinct_article(number))
    drop_plain(inbox, "copy.txt", distinct_article(0))
    drop_plain(inbox, "broken.json", '{"title": "half a file"')
    drop_plain(inbox, "empty.txt", "")


def test_the_metrics_file_counts_what_the_timeline_says(daemons, paths):
    daemon = daemons.start(paths)
    drop_mixed(paths.inbox)
    wait_for_lines(paths, 7, daemon)
    lines = checked_timeline(paths.timeline)
    file = paths.state / "metrics.prom"

    def written():
        samples = metrics(file) if file.exists() else {}
        return value(samples, "storyline_timeline_seq") == 7 and samples
    samples = wait_until(written, 5, lambda: f"metrics.prom never showed seq 7:\n{file.read_text() if file.exists() else 'missing'}")

    outcomes = collections.Counter(line["event"] for line in lines)
    for outcome in ("story_started", "story_extended", "duplicate", "rejected"):
        assert value(samples, "storyline_files_total", outcome=outcome) == outcomes[outcome], outcome
    codes = collections.Counter(line["code"] for line in lines if line["event"] == "rejected")
    for code, count in codes.items():
        assert value(samples, "storyline_rejections_total", code=code) == count, code
    measures = collections.Counter(line["why"]["measure"] for line in lines if line["event"] == "duplicate")
    assert value(samples, "storyline_duplicates_total", measure="exact") == measures["exact"] == 1
    assert value(samples, "storyline_indexed_articles") == outcomes["story_started"] + outcomes["story_extended"] + 1
    assert value(samples, "storyline_live_stories") == len({line["story"] for line in lines if "story" in line})
    assert value(samples, "storyline_backlog_files") == 0
    assert value(samples, "storyline_timeline_bytes") == paths.timeline.stat().st_size
    assert value(samples, "storyline_state_bytes") > 0
    assert value(samples, "storyline_batch_duration_seconds_count") >= 1
    assert value(samples, "storyline_judge_duration_seconds_count") == value(samples, "storyline_batch_duration_seconds_count")
    assert value(samples, "storyline_last_commit_seconds") > 0
    assert sum(v for (name, _), v in samples.items() if name == "storyline_errors_total") == 0
    assert abs(value(samples, "storyline_start_time_seconds") - time.time()) < 120
    # Replaced whole: no temporary file is left beside it for node_exporter to trip over.
    assert sorted(p.name for p in paths.state.glob("metrics.prom*")) == ["metrics.prom"]
    assert daemon.stop() == 0


def test_watchdog_pings_are_counted(daemons, paths):
    daemon = daemons.start(paths, watchdog_usec=200_000)
    file = paths.state / "metrics.prom"
    drop_plain(paths.inbox, "one.txt", distinct_article(1))
    wait_for_lines(paths, 1, daemon)
    # The file is written when something changed; pings are counted at each write.
    time.sleep(1.2)
    drop_plain(paths.inbox, "two.txt", distinct_article(2))
    wait_until(lambda: value(metrics(file), "storyline_watchdog_pings_total") >= 3, 5,
               lambda: f"the pings were not counted:\n{file.read_text()}")
    assert daemon.stop() == 0


def test_metrics_file_setting_and_an_unwritable_path(daemons, paths, tmp_path):
    elsewhere = tmp_path / "textfile"
    elsewhere.mkdir()
    daemon = daemons.start(paths, arguments=["--metrics-file", str(elsewhere / "storyline.prom")])
    drop_plain(paths.inbox, "one.txt", distinct_article(1))
    wait_for_lines(paths, 1, daemon)
    wait_until(lambda: (elsewhere / "storyline.prom").exists()
               and value(metrics(elsewhere / "storyline.prom"), "storyline_timeline_seq") == 1, 5, "no metrics in the set path")
    assert not (paths.state / "metrics.prom").exists()
    assert daemon.stop() == 0

    # A path that cannot be written: said once in the journal, and the daemon goes on judging.
    daemon = daemons.start(paths, arguments=["--metrics-file", str(tmp_path / "missing" / "storyline.prom")])
    for number in range(3):
        drop_plain(paths.inbox, f"more{number}.txt", distinct_article(10 + number))
        time.sleep(1.1)
    wait_for_lines(paths, 4, daemon)
    assert daemon.log().count("cannot write the metrics file") == 1, daemon.log()
    assert daemon.running()
    assert daemon.stop() == 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_node_exporter_serves_the_metrics(daemons, paths, tmp_path):
    exporter = shutil.which("prometheus-node-exporter")
    if exporter is None:
        pytest.fail("prometheus-node-exporter is missing (apt-get install prometheus-node-exporter; make test does)")
    textfiles = tmp_path / "textfile"
    textfiles.mkdir()
    daemon = daemons.start(paths, arguments=["--metrics-file", str(textfiles / "storyline.prom")])
    drop_mixed(paths.inbox)
    wait_for_lines(paths, 7, daemon)
    port = free_port()
    scraper = subprocess.Popen(
        [exporter, f"--web.listen-address=127.0.0.1:{port}", "--collector.disable-defaults", "--collector.textfile",
         f"--collector.textfile.directory={textfiles}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        def scrape():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as response:
                    text = response.read().decode()
            except OSError:
                return None
            return text if 'storyline_timeline_seq 7' in text else None
        text = wait_until(scrape, 10, "node_exporter never served storyline_timeline_seq 7")
        served = parse("\n".join(line for line in text.splitlines() if line.startswith(("storyline_", "node_textfile"))))
        assert value(served, "storyline_files_total", outcome="rejected") == 2
        assert value(served, "storyline_duplicates_total", measure="exact") == 1
        # node_exporter says whether it could read the file: 0 is a parse error.
        assert value(served, "node_textfile_scrape_error") == 0
    finally:
        scraper.send_signal(signal.SIGTERM)
        scraper.wait(10)
    assert daemon.stop() == 0
