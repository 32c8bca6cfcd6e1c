"""`storyline run` under a fake service manager: the sd_notify datagrams a Type=notify daemon owes systemd.

The test binds an AF_UNIX datagram socket, hands its path to the daemon as NOTIFY_SOCKET and reads what
arrives (/work/shared/SYSTEMD-TESTING.md, "Four ways to test", way 1).
"""

import signal
import time

import pytest

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
