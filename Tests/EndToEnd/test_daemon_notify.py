"""`storyline run` under a fake service manager: the sd_notify datagrams a Type=notify daemon owes systemd.

The test binds an AF_UNIX datagram socket, hands its path to the daemon as NOTIFY_SOCKET and reads what
arrives (/work/shared/SYSTEMD-TESTING.md, "Four ways to test", way 1).
"""

import random
import signal
import time

import pytest

import support
from daemon_support import DaemonPaths, daemons, distinct_article, drop_plain, has, paths, wait_for_lines, wait_until  # noqa: F401

WATCHDOG_USEC = 200_000


def status_line(paths: DaemonPaths, articles: int, stories: int, duplicates: int, rejected: int, backlog: int = 0) -> str:
    """Daemon.statusText while it watches the inbox."""
    def counted(value: int, one: str, many: str) -> str:
        return f"{value} {one if value == 1 else many}"
    return (f"watching {paths.inbox}: {counted(articles, 'article', 'articles')}, "
            f"{counted(stories, 'story', 'stories')}, {counted(duplicates, 'duplicate', 'duplicates')}, "
            f"{rejected} rejected, backlog {backlog}")


def test_ready_comes_with_a_status_once_the_inbox_is_watched(daemons, paths):
    daemon = daemons.start(paths)

    ready = daemon.wait_ready()

    assert ready.fields.get("STATUS") == status_line(paths, 0, 0, 0, 0), ready.text
    assert "ERRNO" not in ready.fields
    drop_plain(paths.inbox, "first.txt", distinct_article(1))  # the watch is armed: the file is taken
    wait_for_lines(paths, 1, daemon)


def test_status_reflects_the_files_dropped(daemons, paths):
    daemon = daemons.start(paths)
    for number in range(3):
        drop_plain(paths.inbox, f"article_{number}.txt", distinct_article(number))

    daemon.listener.wait_for(has("STATUS", status_line(paths, 3, 3, 0, 0)), "a STATUS with 3 articles in 3 stories")

    drop_plain(paths.inbox, "copy.txt", distinct_article(0))  # the same bytes as article_0.txt
    drop_plain(paths.inbox, "empty.txt", b"")
    daemon.listener.wait_for(has("STATUS", status_line(paths, 4, 3, 1, 1)),
                             "a STATUS counting the duplicate and the rejected file")
    events = wait_for_lines(paths, 5, daemon)
    assert [event["event"] for event in events[3:]] == ["duplicate", "rejected"]


def test_watchdog_pings_arrive_when_enabled_for_the_daemons_pid(daemons, paths):
    daemon = daemons.start(paths, watchdog_usec=WATCHDOG_USEC)
    ready_index, ready = daemon.listener.find(has("READY", "1"))

    daemon.listener.wait_for(has("WATCHDOG", "1"), "a first WATCHDOG=1", start=ready_index, timeout=1)
    deadline = ready.received + 1.0
    time.sleep(max(0.0, deadline - time.monotonic()) + 0.05)

    pings = [note for note in daemon.listener.notifications[ready_index:]
             if note.fields.get("WATCHDOG") == "1" and note.received <= deadline]
    assert len(pings) >= 3, f"only {len(pings)} WATCHDOG=1 within 1 s:\n{daemon.listener.transcript()}"


def test_watchdog_pings_come_before_every_deadline(daemons, paths):
    daemon = daemons.start(paths, watchdog_usec=WATCHDOG_USEC)
    ready_index, _ = daemon.listener.find(has("READY", "1"))


    def pings():
        times = [note.received for note in daemon.listener.notifications[ready_index:]
                 if note.fields.get("WATCHDOG") == "1"]
        return times if len(times) >= 8 else None

    times = wait_until(pings, 3, lambda: f"eight WATCHDOG=1; received:\n{daemon.listener.transcript()}")
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    assert max(gaps) < WATCHDOG_USEC / 1e6, f"gaps between pings (s): {[round(gap, 3) for gap in gaps]}"


def test_no_watchdog_pings_when_the_watchdog_is_for_another_pid(daemons, paths):
    daemon = daemons.start(paths, environment={"WATCHDOG_USEC": str(WATCHDOG_USEC), "WATCHDOG_PID": "1"})

    ready = daemon.wait_ready()

    drop_plain(paths.inbox, "article.txt", distinct_article(1))
    wait_for_lines(paths, 1, daemon)
    daemon.listener.wait_for(has("STATUS", status_line(paths, 1, 1, 0, 0)), "a STATUS with 1 article")
    # Three watchdog intervals: an enabled watchdog would have pinged several times by now.
    wait_until(lambda: time.monotonic() > ready.received + 3 * WATCHDOG_USEC / 1e6, 2, "three intervals")

    assert not daemon.listener.find(has("WATCHDOG")), daemon.listener.transcript()


def test_a_watchdog_interval_beyond_what_a_duration_holds_is_no_crash(daemons, paths):
    """WATCHDOG_USEC is a 64-bit unsigned count; above Int64's range it once trapped in the conversion."""
    daemon = daemons.start(paths, watchdog_usec=2**63)

    drop_plain(paths.inbox, "article.txt", distinct_article(1))

    wait_for_lines(paths, 1, daemon)
    assert daemon.stop() == 0


def test_sighup_sends_reloading_then_ready(daemons, paths):
    daemon = daemons.start(paths)
    before = time.monotonic_ns() // 1000
    start = len(daemon.listener.notifications)

    daemon.send(signal.SIGHUP)

    reloading_index, reloading = daemon.listener.wait_for(has("RELOADING", "1"), "RELOADING=1", start=start)
    after = time.monotonic_ns() // 1000
    assert "MONOTONIC_USEC" in reloading.fields, reloading.text
    assert before <= int(reloading.fields["MONOTONIC_USEC"]) <= after, (before, reloading.text, after)
    _, ready = daemon.listener.wait_for(has("READY", "1"), "READY=1 after RELOADING=1", start=reloading_index + 1)
    assert "STATUS" in ready.fields, ready.text
    assert daemon.running()

    drop_plain(paths.inbox, "after_reload.txt", distinct_article(2))  # still watching
    wait_for_lines(paths, 1, daemon)
    assert daemon.stop() == 0


def test_sigterm_sends_stopping_and_exits_zero(daemons, paths):
    daemon = daemons.start(paths)
    drop_plain(paths.inbox, "article.txt", distinct_article(1))
    wait_for_lines(paths, 1, daemon)
    start = len(daemon.listener.notifications)

    assert daemon.stop() == 0

    _, stopping = daemon.listener.wait_for(has("STOPPING", "1"), "STOPPING=1", start=start, timeout=2)
    assert "1 article," in stopping.fields.get("STATUS", ""), stopping.text
    assert not daemon.listener.find(has("ERRNO")), daemon.listener.transcript()


# --- The watchdog under long work ---------------------------------------------------------------------
#
# A batch of large files, or a reload that rebuilds the indexes, once kept the loop from pinging for
# seconds (10.3 s for 60 files of 1 MiB; 3 s for a rebuild of 20,000 articles): systemd would have
# killed a healthy daemon. Pings now come from inside that work, and a batch stops taking files once
# they hold 8 MiB.

LONG_WORK_WATCHDOG_USEC = 1_000_000


def large_article(number: int, size: int = 1 << 20) -> str:
    """About `size` bytes of prose-like text of its own: paragraphs of sentences drawn from a large
    vocabulary by a generator seeded with `number`, so no two are copies of each other."""
    rng = random.Random(f"large-{number}")
    vocabulary = [_word(rng) for _ in range(3000)]
    paragraphs = [f"Dispatch {number}: {' '.join(rng.choice(vocabulary) for _ in range(6)).capitalize()}"]
    length = len(paragraphs[0])
    while length < size:
        sentences = []
        for _ in range(rng.randint(3, 7)):
            words = [rng.choice(vocabulary) for _ in range(rng.randint(8, 24))]
            sentences.append(" ".join(words).capitalize() + rng.choice([".", ".", ".", "?", "!"]))
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        length += len(paragraph) + 2
    return "\n\n".join(paragraphs) + "\n"


def _word(rng: random.Random) -> str:
    syllables = ["ka", "lo", "mi", "ren", "tor", "va", "sel", "du", "pri", "an", "gho", "zet", "bu", "ri", "mon", "el",
                 "os", "tra", "quin", "fe"]
    return "".join(rng.choice(syllables) for _ in range(rng.randint(1, 4)))


def watchdog_gaps(daemon, since: float, until: float) -> list[float]:
    """The silences without WATCHDOG=1 between the moments `since` and `until` (time.monotonic()): from
    `since` to the first ping, between pings, and from the last ping to `until`."""
    times = [note.received for note in daemon.listener.notifications
             if note.fields.get("WATCHDOG") == "1" and since < note.received < until]
    moments = [since, *times, until]
    return [later - earlier for earlier, later in zip(moments, moments[1:])]


def seconds_to_judge_one_large_file(directory) -> float:
    """How long this build takes to read and judge one large file (`storyline ingest` of three): a debug
    build on a busy machine can take well over a second for what a release build does in 0.2 s."""
    files = [support.write(directory / f"calibrate_{number}.txt", large_article(1000 + number)) for number in range(3)]
    started = time.monotonic()
    assert support.ingest(*files), "ingest judged nothing"
    return (time.monotonic() - started) / len(files)


def test_a_batch_of_large_files_does_not_starve_the_watchdog(daemons, paths, tmp_path):
    count = 40
    # The watchdog's interval is 1 s, or six files' work where a file takes longer (a debug build): pings
    # come between files, at most a file's work plus half the interval apart; before, once a batch (16
    # such files, as many as the read-ahead holds).
    interval = max(1.0, 6 * seconds_to_judge_one_large_file(tmp_path))
    for number in range(count):
        drop_plain(paths.inbox, f"large_{number:02d}.txt", large_article(number))
    daemon = daemons.start(paths, watchdog_usec=int(interval * 1e6))
    _, ready = daemon.listener.find(has("READY", "1"))

    events = wait_for_lines(paths, count, daemon, timeout=120 + 20 * interval)
    finished = time.monotonic()

    assert all(event["event"] in ("story_started", "story_extended") for event in events), events  # no copies
    gaps = watchdog_gaps(daemon, ready.received, finished)
    assert max(gaps) < interval, (
        f"a gap of {max(gaps):.2f} s between pings, over the {interval:.2f} s interval, while judging {count} files of "
        f"1 MiB: {[round(gap, 2) for gap in gaps]}")
    assert daemon.stop() == 0


def test_a_reload_that_rebuilds_the_indexes_does_not_starve_the_watchdog(daemons, paths):
    count = 4000
    config = paths.root / "storyline.yaml"
    config.write_text("jaccard_threshold: 0.8\n")
    for number in range(count):
        drop_plain(paths.inbox, f"article_{number:05d}.txt", distinct_article(number, topic="rebuild"))
    daemon = daemons.start(paths, watchdog_usec=LONG_WORK_WATCHDOG_USEC, arguments=["--config", str(config)])
    wait_for_lines(paths, count, daemon, timeout=300)
    config.write_text("jaccard_threshold: 0.85\n")  # an engine setting: the reload re-derives every index
    start = len(daemon.listener.notifications)

    daemon.send(signal.SIGHUP)

    index, reloading = daemon.listener.wait_for(has("RELOADING", "1"), "RELOADING=1", start=start)
    _, ready = daemon.listener.wait_for(has("READY", "1"), "READY=1 after the rebuild", start=index + 1, timeout=120)
    assert ready.fields["STATUS"].endswith("(reloaded)"), ready.text
    assert "indexes rebuilt" in daemon.log(), daemon.log()[-2000:]
    gaps = watchdog_gaps(daemon, reloading.received, ready.received)
    assert max(gaps) < LONG_WORK_WATCHDOG_USEC / 1e6, (
        f"a gap of {max(gaps):.2f} s between pings while rebuilding {count} articles: {[round(g, 2) for g in gaps]}")
    assert daemon.stop() == 0
