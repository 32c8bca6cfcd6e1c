#!/usr/bin/env python3
"""Feeds a dev set to a real `storyline run` and keeps its timeline, as a feed or as a backfill.

As a feed (the default), the set arrives the way a producer that publishes in order delivers it: each
file is written under an in-progress name (a leading '.'), renamed into the inbox, and the next one
follows once its timeline line is there. As a backfill (`--backfill`), every file is put in the inbox
before the daemon starts, as after an outage or when an archive is dropped at once; the daemon judges
a backlog in `published` order (then name), so on a dated set both give the same timeline. Used by
`make eval` (scripts/eval.sh) and `make eval-draws` (scripts/eval-draws.py).

Usage: scripts/eval_daemon.py [--backfill] BINARY ARTICLES_DIR ORDER_FILE TIMELINE
"""
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # storyline_harness
from storyline_harness.daemon import DaemonProcess  # noqa: E402

LINE_TIMEOUT = 30.0


def run(binary, feed, timeline, backfill=False):
    """Runs the daemon over `feed`, a list of (file name, bytes), writing `timeline` (a new file)."""
    with tempfile.TemporaryDirectory() as work:
        inbox = os.path.join(work, "inbox")
        os.mkdir(inbox)
        if backfill:
            for name, data in feed:
                with open(os.path.join(inbox, name), "wb") as f:
                    f.write(data)
        daemon = DaemonProcess(binary, inbox, os.path.join(work, "state"), timeline, os.path.join(work, "daemon.log"))
        try:
            wait_for(lambda: "watching " in daemon.log(), daemon, "the daemon to start")
            if backfill:
                wait_for(lambda: count_lines(timeline) >= len(feed), daemon, "the backfill's lines",
                         timeout=LINE_TIMEOUT + len(feed) / 100)
            else:
                feed_one_by_one(feed, inbox, timeline, daemon)
        finally:
            code = daemon.stop(timeout=60)
        if code != 0:
            sys.exit(f"eval: storyline run exited with {code}:\n{daemon.log()[-2000:]}")


def feed_one_by_one(feed, inbox, timeline, daemon):
    with open(timeline, "rb") as lines:
        for name, data in feed:
            staged = os.path.join(inbox, "." + name)
            with open(staged, "wb") as f:
                f.write(data)
            os.rename(staged, os.path.join(inbox, name))
            wait_for(lambda: lines.read().count(b"\n") > 0, daemon, f"the line of {name}")


def count_lines(path):
    with open(path, "rb") as f:
        return f.read().count(b"\n")


def wait_for(condition, daemon, what, timeout=LINE_TIMEOUT):
    deadline = time.monotonic() + timeout
    while not condition():
        if not daemon.running():
            sys.exit(f"eval: storyline run exited with {daemon.process.returncode} while waiting for {what}:\n"
                     f"{daemon.log()[-2000:]}")
        if time.monotonic() > deadline:
            sys.exit(f"eval: no progress in {timeout:.0f} s waiting for {what}:\n{daemon.log()[-2000:]}")
        time.sleep(0.0002)


def main():
    arguments = sys.argv[1:]
    if {"-h", "--help"} & set(arguments):
        print(__doc__.strip())
        return
    backfill = "--backfill" in arguments
    if backfill:
        arguments.remove("--backfill")
    if len(arguments) < 4:
        sys.exit(__doc__.strip().splitlines()[-1])
    binary, articles, order, timeline = arguments[:4]
    with open(order, encoding="utf-8") as f:
        names = [line.strip() for line in f if line.strip()]
    feed = []
    for name in names:
        with open(os.path.join(articles, name), "rb") as f:
            feed.append((name, f.read()))
    run(os.path.realpath(binary), feed, timeline, backfill)


if __name__ == "__main__":
    main()
