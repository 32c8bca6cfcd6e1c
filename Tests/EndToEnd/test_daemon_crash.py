"""`storyline run` killed with SIGKILL at random moments during a burst, and started again each time.

Whatever moment it dies at, the promise holds: every input file gets exactly one timeline line, seq
runs 1..N without a gap or a repeat, every line is valid, and every file ends up in STATE/archive/ or
STATE/rejected/, none left in the inbox and none lost.
"""

import collections
import random
import threading
import time

from daemon_support import (  # noqa: F401
    checked_timeline, daemons, drop_maildir, file_of, make_corpus, paths, wait_for_lines, wait_until,
)

FILES = 2400
SEED = 20261122
KILLS = 5
#: Files the producer writes per pause, and the pause: about 600 files a second, a burst of ~4 s.
CHUNK = 12
PAUSE_SECONDS = 0.02
#: Small batches: many commits, so the kills land between commit, timeline append and move too.
ARGUMENTS = ["--batch-size", "64"]
EXPECTED_CODES = {"binary": "binary", "empty": "empty", "malformed_json": "malformed_json", "not_utf8": "not_utf8"}


class Producer(threading.Thread):
    """Writes the corpus into the inbox Maildir-style, at a steady pace, whether the daemon runs or not."""

    def __init__(self, inbox, files):
        super().__init__(name="producer", daemon=True)
        self.inbox, self.files = inbox, files
        self.written = 0
        self.error = None

    def run(self):
        try:
            for index, (name, data) in enumerate(self.files.items(), start=1):
                drop_maildir(self.inbox, name, data)
                self.written = index
                if index % CHUNK == 0:
                    time.sleep(PAUSE_SECONDS)
        except BaseException as error:  # reported by the test
            self.error = error


def test_sigkill_at_random_moments_loses_and_repeats_nothing(daemons, paths):
    rng = random.Random(SEED)
    corpus = make_corpus(FILES, SEED)
    producer = Producer(paths.inbox, corpus.files)
    daemon = daemons.start(paths, log_name="crash", arguments=ARGUMENTS)
    producer.start()

    kills = []
    for _ in range(KILLS):
        # Die at a random moment: mostly while the burst is judged, sometimes during start-up (restoring
        # the engine, repairing the timeline, moving committed files) when the last start did not wait.
        time.sleep(rng.uniform(0.05, 0.8))
        lines_before = paths.timeline.read_bytes().count(b"\n") if paths.timeline.exists() else 0
        daemon.kill()
        kills.append((producer.written, lines_before))
        # The producer goes on meanwhile; the next daemon finds what arrived in the inbox by its scan.
        time.sleep(rng.uniform(0.0, 0.2))
        daemon = daemons.start(paths, log_name="crash", arguments=ARGUMENTS, ready=rng.random() < 0.7)

    daemon.wait_ready()

    producer.join(timeout=30)
    assert not producer.is_alive() and producer.error is None, producer.error
    wait_for_lines(paths, FILES, daemon, timeout=45)
    wait_until(lambda: not paths.inbox_names(), 15, lambda: f"an empty inbox, left: {sorted(paths.inbox_names())[:20]}")
    assert daemon.stop() == 0, daemon.log()[-4000:]

    context = f"kills at (files written, timeline lines): {kills}"
    events = checked_timeline(paths.timeline)  # every line valid; seq 1..N, no gap, no repeat; ids unique
    assert [event["seq"] for event in events] == list(range(1, FILES + 1)), context
    lines_per_file = collections.Counter(file_of(event) for event in events)
    assert set(lines_per_file) == set(corpus.files), context
    assert {name: count for name, count in lines_per_file.items() if count != 1} == {}, context

    archived, rejected = paths.archived_names(), paths.rejected_names()
    assert paths.inbox_names() == set()
    assert archived | rejected == set(corpus.files), (
        f"lost: {sorted(set(corpus.files) - archived - rejected)[:10]}, extra: {sorted((archived | rejected) - set(corpus.files))[:10]}")
    assert not archived & rejected
    for event in events:
        name = file_of(event)
        home = paths.rejected if event["event"] == "rejected" else paths.archive
        assert (home / name).read_bytes() == corpus.files[name], f"{name} is not intact in {home.name}/"

    # What each file became survives the crashes: the state the engine is rebuilt from is complete.
    for event in events:
        kind = corpus.kinds[file_of(event)]
        if kind in EXPECTED_CODES:
            assert (event["event"], event.get("code")) == ("rejected", EXPECTED_CODES[kind]), event
        elif kind == "exact":
            assert event["event"] == "duplicate", f"{event}; {context}"
        else:
            assert event["event"] != "rejected", event
