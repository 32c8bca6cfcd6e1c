"""SIGHUP to `storyline run`: the configuration file is read again and the timeline reopened (logrotate)."""

import signal

from daemon_support import (  # noqa: F401
    DaemonPaths, checked_timeline, complete_lines, daemons, distinct_article, drop_plain, file_of, has, paths,
    wait_for_file_line, wait_until_moved,
)

#: An article of about 2,000 bytes: under one limit, over the other.
LONG_ARTICLE = "Long report on the harbour\n\n" + " ".join(distinct_article(number) for number in range(6))


def reload(daemon) -> None:
    """SIGHUP, then wait for the READY=1 that ends the reload."""
    start = len(daemon.listener.notifications)
    daemon.send(signal.SIGHUP)
    index, _ = daemon.listener.wait_for(has("RELOADING", "1"), "RELOADING=1", start=start)
    daemon.listener.wait_for(has("READY", "1"), "READY=1 after the reload", start=index + 1)


def write_config(paths: DaemonPaths, text: str) -> list[str]:
    path = paths.root / "storyline.yaml"
    path.write_text(text)
    return ["--config", str(path)]


def test_a_reload_applies_the_changed_configuration(daemons, paths):
    assert 1000 < len(LONG_ARTICLE.encode()) < 100_000
    daemon = daemons.start(paths, arguments=write_config(paths, "max_file_bytes: 100000\n"))
    drop_plain(paths.inbox, "long_1.txt", LONG_ARTICLE)
    assert wait_for_file_line(paths, "long_1.txt", daemon)["event"] == "story_started"

    write_config(paths, "max_file_bytes: 1000\n")
    reload(daemon)
    drop_plain(paths.inbox, "long_2.txt", LONG_ARTICLE + "\nAn update.\n")

    line = wait_for_file_line(paths, "long_2.txt", daemon)
    assert (line["event"], line["code"]) == ("rejected", "too_large"), line
    assert daemon.stop() == 0


def test_a_reload_with_an_invalid_configuration_keeps_the_previous_one(daemons, paths):
    daemon = daemons.start(paths, arguments=write_config(paths, "max_file_bytes: 1000\n"))

    write_config(paths, "bands: 20\n")
    reload(daemon)
    drop_plain(paths.inbox, "long.txt", LONG_ARTICLE)

    line = wait_for_file_line(paths, "long.txt", daemon)
    assert (line["event"], line["code"]) == ("rejected", "too_large"), line  # the limit of 1000 still holds
    assert daemon.running()
    assert "bands" in daemon.log()
    assert daemon.stop() == 0


def test_a_reload_reopens_a_rotated_timeline(daemons, paths):
    daemon = daemons.start(paths)
    drop_plain(paths.inbox, "first.txt", distinct_article(1))
    wait_for_file_line(paths, "first.txt", daemon)
    wait_until_moved(paths, ["first.txt"])
    rotated = paths.root / "timeline.jsonl.1"
    paths.timeline.rename(rotated)

    reload(daemon)
    drop_plain(paths.inbox, "second.txt", distinct_article(2))

    line = wait_for_file_line(paths, "second.txt", daemon)
    assert daemon.stop() == 0
    assert [file_of(event) for event in checked_timeline(rotated)] == ["first.txt"]
    assert [(event["seq"], file_of(event)) for event in complete_lines(paths.timeline)] == [(2, "second.txt")], line
