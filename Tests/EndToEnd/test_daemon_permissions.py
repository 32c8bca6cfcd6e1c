"""A producer's file the daemon may not read: left where it is, said once, counted, read once it can be.

The daemon runs as an unprivileged user, as the shipped unit runs it (`storyline`; here `nobody` through
setpriv when the tests run as root, whom no mode keeps out; otherwise the test's own user, whom a mode of
0000 keeps out of its own file). A file written with a umask of 077 is the real case: it must never be
rejected unread and moved away, and never lost.
"""

import json
import os
import pwd
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from daemon_support import (  # noqa: F401
    DaemonPaths, daemons, distinct_article, drop_plain, wait_for_file_line, wait_until,
)

TIMEOUT = 20


@pytest.fixture
def open_paths():
    """Paths the unprivileged daemon can reach (pytest's tmp_path is 0700 root's)."""
    root = Path(tempfile.mkdtemp(prefix="storyline-perm-"))
    try:
        root.chmod(0o755)
        paths = DaemonPaths.make(root / "run")
        for directory in (paths.root, paths.inbox):
            directory.chmod(0o777)
        yield paths
    finally:
        shutil.rmtree(root, ignore_errors=True)


def unprivileged(daemons, paths: DaemonPaths, **options):
    """A daemon started as an unprivileged user, its notify socket opened to it."""
    runner = []
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        runner = ["setpriv", f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups", "--"]
    daemon = daemons.start(paths, ready=False, runner=runner, **options)
    socket_path = Path(daemon.listener.path)
    socket_path.parent.chmod(0o711)
    socket_path.chmod(0o666)
    daemon.wait_ready()
    return daemon


def status_lines(daemon) -> list[str]:
    return [n.fields["STATUS"] for n in daemon.listener.notifications if "STATUS" in n.fields]


def test_an_unreadable_file_stays_in_the_inbox_until_its_mode_lets_the_daemon_read_it(daemons, open_paths):
    paths = open_paths
    daemon = unprivileged(daemons, paths)
    secret = drop_plain(paths.inbox, "umask077.txt", distinct_article(1))
    secret.chmod(0o000)  # as a producer's umask of 077 leaves it, to a daemon of another user
    drop_plain(paths.inbox, "open.txt", distinct_article(2)).chmod(0o644)
    wait_for_file_line(paths, "open.txt", daemon)
    wait_until(lambda: "umask077.txt cannot be read by storyline" in daemon.log(), TIMEOUT, "the warning")
    wait_until(lambda: any("1 unreadable in the inbox" in line for line in status_lines(daemon)), TIMEOUT,
               lambda: f"a STATUS counting it: {status_lines(daemon)[-3:]}")

    lines = [json.loads(line) for line in paths.timeline.read_text().splitlines()]
    assert [line["article"]["file"] for line in lines] == ["open.txt"], "no line, not even a rejection"
    assert secret.exists() and stat.S_IMODE(secret.stat().st_mode) == 0, "left where it is, untouched"
    assert not paths.rejected.exists() or not os.listdir(paths.rejected)
    assert daemon.log().count("umask077.txt cannot be read") == 1, "said once"

    secret.chmod(0o644)  # the producer's fix: IN_ATTRIB, read at once
    line = wait_for_file_line(paths, "umask077.txt", daemon)
    assert line["event"] == "story_started"
    wait_until(lambda: not secret.exists(), TIMEOUT, "the file moved to archive/ once judged")
    assert "umask077.txt can be read now" in daemon.log()
    wait_until(lambda: "unreadable" not in status_lines(daemon)[-1], TIMEOUT, "a STATUS without it")
    assert daemon.stop() == 0


def test_an_unreadable_file_at_start_is_left_and_counted_in_the_metrics(daemons, open_paths):
    paths = open_paths
    secret = drop_plain(paths.inbox, "before-start.txt", distinct_article(3))
    secret.chmod(0o000)
    daemon = unprivileged(daemons, paths)
    metrics = paths.state / "metrics.prom"
    wait_until(lambda: metrics.exists() and "storyline_inbox_unreadable_files 1" in metrics.read_text(), TIMEOUT,
               lambda: metrics.read_text() if metrics.exists() else "no metrics file")
    assert "storyline_backlog_files 0" in metrics.read_text(), "not waiting to be judged either"
    assert daemon.stop() == 0
    assert secret.exists() and not paths.timeline.read_text()

    secret.chmod(0o640 if os.geteuid() != 0 else 0o644)
    daemon = unprivileged(daemons, paths)
    wait_for_file_line(paths, "before-start.txt", daemon)
    assert daemon.stop() == 0
