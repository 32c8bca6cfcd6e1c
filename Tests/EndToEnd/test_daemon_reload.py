"""SIGHUP to `storyline run`: the configuration file is read again and the timeline reopened (logrotate).

`storyline reload` (the unit's ExecReload=) sends the SIGHUP and reports the daemon's verdict: exit 0 when
the new settings are in force, 1 with the error when the previous ones stay.
"""

import signal
import subprocess
from pathlib import Path

import pytest

import support

from daemon_support import (  # noqa: F401
    DaemonPaths, checked_timeline, complete_lines, daemons, distinct_article, drop_plain, file_of, has, paths,
    wait_for_file_line, wait_until, wait_until_moved,
)

#: An article of about 2,000 bytes: under one limit, over the other.
LONG_ARTICLE = "Long report on the harbour\n\n" + " ".join(distinct_article(number) for number in range(6))


def reload(daemon):
    """SIGHUP, then wait for the READY=1 that ends the reload; returns that notification."""
    start = len(daemon.listener.notifications)
    daemon.send(signal.SIGHUP)
    index, _ = daemon.listener.wait_for(has("RELOADING", "1"), "RELOADING=1", start=start)
    return daemon.listener.wait_for(has("READY", "1"), "READY=1 after the reload", start=index + 1)[1]


def open_file_inodes(pid: int) -> set[int]:
    """The inodes of the regular files process `pid` holds open."""
    inodes = set()
    for entry in Path(f"/proc/{pid}/fd").iterdir():
        try:
            status = entry.stat()
        except FileNotFoundError:
            continue  # closed meanwhile
        if status.st_mode & 0o170000 == 0o100000:
            inodes.add(status.st_ino)
    return inodes


def storyline_reload(daemon, paths: DaemonPaths) -> support.Run:
    """`storyline reload --pid PID --state STATE`, as the unit's ExecReload= runs it."""
    return support.run_storyline("reload", "--pid", daemon.pid, "--state", paths.state, "--timeout", 15)


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
    assert "reload: settings changed: max_file_bytes: 100000 -> 1000" in daemon.log(), daemon.log()
    reload(daemon)
    assert "reload: no setting changed" in daemon.log(), daemon.log()
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
    # The reload itself reopens, not the next line: the new file is there at once (logrotate's
    # `notifempty` and `tail -F` see it), and the rotated copy is no longer held open.
    assert paths.timeline.exists() and paths.timeline.stat().st_size == 0
    assert rotated.stat().st_ino not in open_file_inodes(daemon.pid), "the daemon still holds the rotated copy"
    drop_plain(paths.inbox, "second.txt", distinct_article(2))

    line = wait_for_file_line(paths, "second.txt", daemon)
    assert daemon.stop() == 0
    assert [file_of(event) for event in checked_timeline(rotated)] == ["first.txt"]
    assert [(event["seq"], file_of(event)) for event in complete_lines(paths.timeline)] == [(2, "second.txt")], line


BAD_RELOADS = {
    "horizon_1e300": ("max_file_bytes: 100000\nhorizon_days: 1e300\n",
                      "horizon_days must be a finite number of days from 1 to 36500 (got 1e+300)"),
    "horizon_inf": ("max_file_bytes: 100000\nhorizon_days: .inf\n",
                    "horizon_days must be a finite number of days from 1 to 36500 (got inf)"),
    "bands_over_slots": ("max_file_bytes: 100000\nbands: 20\n", "bands must be at most 16"),
    "not_yaml": ("max_file_bytes: 100000\nbands: [16\n", "not valid YAML"),
    "unknown_key": ("max_file_bytes: 100000\ncolour: blue\n", "colour is not a setting"),
}


@pytest.mark.parametrize("case", list(BAD_RELOADS))
def test_a_failed_reload_says_so_and_keeps_the_previous_settings(daemons, paths, case):
    text, expected = BAD_RELOADS[case]
    daemon = daemons.start(paths, arguments=write_config(paths, "max_file_bytes: 1000\n"))
    drop_plain(paths.inbox, "before.txt", distinct_article(1))
    wait_for_file_line(paths, "before.txt", daemon)
    write_config(paths, text)
    start = len(daemon.listener.notifications)

    result = storyline_reload(daemon, paths)

    assert result.returncode == 1, f"exit {result.returncode}: {result.stderr}"
    assert result.stderr.startswith("storyline: reload failed: ") and expected in result.stderr, result.stderr
    assert "the previous settings stay" in result.stderr, result.stderr
    index, _ = daemon.listener.wait_for(has("RELOADING", "1"), "RELOADING=1", start=start)
    _, ready = daemon.listener.wait_for(has("READY", "1"), "READY=1 after the failed reload", start=index + 1)
    status = ready.fields.get("STATUS", "")
    assert status.startswith("reload failed: ") and expected in status, ready.text
    assert "the previous settings stay; watching " in status, ready.text
    assert "(reloaded)" not in daemon.listener.transcript()
    assert daemon.running()
    # The previous settings are in force: the 1000-byte limit still rejects a long article.
    drop_plain(paths.inbox, "long.txt", LONG_ARTICLE)
    line = wait_for_file_line(paths, "long.txt", daemon)
    assert (line["event"], line["code"]) == ("rejected", "too_large"), line
    assert daemon.stop() == 0


def test_a_reload_that_fails_on_sighup_alone_keeps_the_daemon_running_with_the_old_settings(daemons, paths):
    """A config with horizon_days: 1e300 once killed a running daemon with SIGILL on its first file."""
    daemon = daemons.start(paths, arguments=write_config(paths, "max_file_bytes: 1000\n"))
    for value in ("1e300", ".inf"):
        write_config(paths, f"max_file_bytes: 100000\nhorizon_days: {value}\n")
        ready = reload(daemon)
        assert ready.fields["STATUS"].startswith("reload failed: horizon_days must be"), ready.text
    drop_plain(paths.inbox, "long.txt", LONG_ARTICLE)
    drop_plain(paths.inbox, "short.txt", distinct_article(2))

    assert wait_for_file_line(paths, "long.txt", daemon)["code"] == "too_large"
    assert wait_for_file_line(paths, "short.txt", daemon)["event"] == "story_started"
    assert daemon.running()
    assert daemon.stop() == 0


def test_a_good_reload_exits_zero_and_its_settings_are_in_force(daemons, paths):
    daemon = daemons.start(paths, arguments=write_config(paths, "max_file_bytes: 1000\n"))
    write_config(paths, "horizon_days: 1e300\n")
    assert storyline_reload(daemon, paths).returncode == 1  # a failure first: the next success must say so
    write_config(paths, "max_file_bytes: 100000\n")
    start = len(daemon.listener.notifications)

    result = storyline_reload(daemon, paths)

    assert result.returncode == 0, result.stderr
    assert "reloaded" in result.stdout.decode(), result.stdout
    _, ready = daemon.listener.wait_for(has("READY", "1"), "READY=1 after the reload", start=start)
    assert ready.fields["STATUS"].endswith("(reloaded)"), ready.text
    drop_plain(paths.inbox, "long.txt", LONG_ARTICLE)
    assert wait_for_file_line(paths, "long.txt", daemon)["event"] == "story_started"
    assert daemon.stop() == 0


def test_storyline_reload_fails_when_no_daemon_runs(paths):
    result = support.run_storyline("reload", "--pid", 2**22 + 7, "--state", paths.state, "--timeout", 2)

    assert result.returncode == 1, result.stderr
    assert "no process" in result.stderr, result.stderr


def sighup_pending(pid: int) -> bool:
    """Whether a SIGHUP waits, undelivered, for the (stopped) process `pid`."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("ShdPnd:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGHUP - 1)))
    return False


def test_storyline_reload_fails_when_the_daemon_exits_during_the_reload(daemons, paths):
    daemon = daemons.start(paths)
    daemon.send(signal.SIGSTOP)  # it cannot take the SIGHUP...
    waiting = subprocess.Popen([str(support.binary_path()), "reload", "--pid", str(daemon.pid),
                                "--state", str(paths.state), "--timeout", "15"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_until(lambda: sighup_pending(daemon.pid), 5, "the SIGHUP to be pending")
        daemon.kill()  # ...and dies before it does
        _, stderr = waiting.communicate(timeout=10)
    finally:
        if waiting.poll() is None:
            waiting.kill()

    assert waiting.returncode == 1, stderr
    assert b"exited before it finished the reload" in stderr, stderr


def test_storyline_reload_waits_for_this_reload_not_a_record_left_from_before(daemons, paths):
    """After a reboot the monotonic clock starts again: a record left by the last boot may look newer
    than this request, and must not be taken for its answer."""
    daemon = daemons.start(paths, arguments=write_config(paths, "max_file_bytes: 1000\n"))
    (paths.state / "reload.status").write_text('{"error":null,"generation":7,"monotonic_usec":4611686018427387904}\n')
    write_config(paths, "horizon_days: .inf\n")

    result = storyline_reload(daemon, paths)

    assert result.returncode == 1, result.stderr
    assert "horizon_days must be" in result.stderr, result.stderr
    assert '"generation":8' in (paths.state / "reload.status").read_text()
    assert daemon.stop() == 0
