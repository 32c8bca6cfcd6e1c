"""A state and its timeline belong together (#14, defects 3 and 11's start-up side).

An older state.sqlite restored beside its timeline (or a new state beside an old timeline, or a last line
with a high seq) used to lose lines silently: files were archived and logged, and no line was written
until the state's seq passed the file's; then consumers saw seq and story ids reused. Now a timeline
ahead of its state, or written by another state, is refused at start with what to do, and
`storyline backup`, `restore` and `reset` keep the two consistent.
"""
from __future__ import annotations

import json
import shutil
import signal

from daemon_support import (  # noqa: F401 (fixtures)
    daemons, paths, checked_timeline, distinct_article, drop_plain, file_of, wait_for_lines, wait_until,
    wait_until_moved, DaemonPaths,
)
from support import run_storyline


def drop_and_wait(paths, daemon, numbers: range, topic: str = "owner") -> list[dict]:
    """Drops `topic{N}.txt` for each number and waits for the timeline to reach the last number's line."""
    for number in numbers:
        drop_plain(paths.inbox, f"{topic}{number}.txt", distinct_article(number, topic))
    return wait_for_lines(paths, numbers.stop - 1, daemon)


def planted(seq: int) -> str:
    return json.dumps({"seq": seq, "time": "2026-12-01T00:00:00.000Z", "event": "rejected", "file": "x",
                       "code": "empty", "reason": "planted"}, separators=(",", ":")) + "\n"


def locations(paths: DaemonPaths) -> list[str]:
    return ["--inbox", str(paths.inbox), "--state", str(paths.state), "--timeline", str(paths.timeline)]


def refused(daemons, paths, *expected: str) -> str:
    daemon = daemons.start(paths, ready=False)
    status = daemon.wait_exit()
    log = daemon.log()
    assert status == 1, log
    for text in expected:
        assert text in log, log
    return log


def test_an_older_state_restored_beside_its_timeline_is_refused(daemons, paths, tmp_path):
    daemon = daemons.start(paths)
    drop_and_wait(paths, daemon, range(1, 3))
    assert daemon.stop() == 0
    old = tmp_path / "old-state.sqlite"
    shutil.copy(paths.state / "state.sqlite", old)
    daemon = daemons.start(paths)
    drop_and_wait(paths, daemon, range(3, 6))
    assert daemon.stop() == 0
    timeline_before = paths.timeline.read_bytes()

    shutil.copy(old, paths.state / "state.sqlite")  # a file copy of a backup, the daemon stopped
    (paths.state / "engine.snapshot").unlink()
    drop_plain(paths.inbox, "waiting.txt", distinct_article(9, "owner"))
    refused(daemons, paths, "reaches seq 5 but the state", "only seq 2", "storyline restore")
    assert paths.timeline.read_bytes() == timeline_before
    assert paths.inbox_names() == {"waiting.txt"}  # not archived without a line


def test_a_new_state_beside_an_old_timeline_is_refused(daemons, paths):
    daemon = daemons.start(paths)
    drop_and_wait(paths, daemon, range(1, 3))
    assert daemon.stop() == 0
    shutil.rmtree(paths.state)
    refused(daemons, paths, "reaches seq 2 but the state", "only seq 0", "storyline reset")


def test_a_last_line_with_a_high_seq_is_refused(daemons, paths):
    daemon = daemons.start(paths)
    drop_and_wait(paths, daemon, range(1, 3))
    assert daemon.stop() == 0
    with open(paths.timeline, "a") as timeline:
        timeline.write(planted(1000))
    refused(daemons, paths, "reaches seq 1000 but the state")


def test_another_states_timeline_is_refused(daemons, paths, tmp_path):
    other = DaemonPaths.make(tmp_path / "other")
    for each in (paths, other):
        daemon = daemons.start(each)
        drop_and_wait(each, daemon, range(1, 3), topic=each.root.name)
        assert daemon.stop() == 0
    shutil.copy(other.timeline, paths.timeline)
    refused(daemons, paths, "is not this state's", "its last line (seq 2)")


def test_a_timeline_put_back_ahead_while_running_stops_the_lines_and_says_so(daemons, paths, tmp_path):
    """Runtime side: the file at the path is replaced by one ahead of the state, then SIGHUP."""
    daemon = daemons.start(paths)
    drop_and_wait(paths, daemon, range(1, 3))
    ahead = tmp_path / "ahead.jsonl"
    ahead.write_bytes(paths.timeline.read_bytes() + planted(50).encode())
    ahead.replace(paths.timeline)
    daemon.send(signal.SIGHUP)
    drop_plain(paths.inbox, "owner9.txt", distinct_article(9, "owner"))
    daemon.listener.wait_for(lambda note: "reaches seq 50" in note.fields.get("STATUS", ""),
                             "STATUS naming the timeline ahead of the state")
    assert daemon.running()
    assert paths.timeline.read_text().count("\n") == 3  # nothing appended after seq 50
    assert "owner9.txt" in paths.inbox_names()
    assert daemon.stop() == 0


def test_backup_then_restore_gives_back_a_consistent_pair_and_rejudges_later_files(daemons, paths, tmp_path):
    daemon = daemons.start(paths)
    drop_and_wait(paths, daemon, range(1, 4))
    backup = tmp_path / "backup"
    made = run_storyline("backup", *locations(paths), "--to", backup)  # while the daemon runs
    assert made.returncode == 0, made.stderr
    assert "at seq 3" in made.stdout.decode(), made.stdout
    drop_and_wait(paths, daemon, range(4, 6))
    assert daemon.stop() == 0

    running = daemons.start(paths)
    busy = run_storyline("restore", *locations(paths), "--from", backup)
    assert busy.returncode == 1 and "stop it first" in busy.stderr, busy.stderr
    assert running.stop() == 0

    done = run_storyline("restore", *locations(paths), "--from", backup)
    assert done.returncode == 0, done.stderr
    summary = done.stdout.decode()
    assert "2 files judged after the backup back in" in summary, summary
    assert paths.inbox_names() == {"owner4.txt", "owner5.txt"}
    aside = [entry for entry in paths.state.iterdir() if entry.name.startswith("replaced-")]
    assert len(aside) == 1 and (aside[0] / "timeline.jsonl").read_text().count("\n") == 5

    restored = daemons.start(paths)
    events = wait_for_lines(paths, 5, restored)
    wait_until_moved(paths, ["owner4.txt", "owner5.txt"])
    assert restored.stop() == 0
    assert [event["seq"] for event in checked_timeline(paths.timeline)] == [1, 2, 3, 4, 5]
    assert sorted(file_of(event) for event in events[3:]) == ["owner4.txt", "owner5.txt"]


def test_reset_sets_everything_aside_and_starts_at_seq_1(daemons, paths):
    daemon = daemons.start(paths)
    drop_and_wait(paths, daemon, range(1, 3))
    assert daemon.stop() == 0
    done = run_storyline("reset", *locations(paths))
    assert done.returncode == 0, done.stderr
    assert not paths.timeline.exists() and not (paths.state / "state.sqlite").exists()
    daemon = daemons.start(paths)
    drop_plain(paths.inbox, "fresh.txt", distinct_article(7, "owner"))
    events = wait_for_lines(paths, 1, daemon)
    assert daemon.stop() == 0
    assert events[0]["seq"] == 1 and file_of(events[0]) == "fresh.txt"
    assert events[0]["article"]["id"] == "a1"


def test_restore_sends_back_every_version_of_a_reused_name(daemons, paths, tmp_path):
    """latest.json judged twice after the backup: both go back (the second under its archive name)."""
    daemon = daemons.start(paths)
    drop_and_wait(paths, daemon, range(1, 2))
    backup = tmp_path / "backup"
    assert run_storyline("backup", *locations(paths), "--to", backup).returncode == 0
    for number in (2, 3):
        drop_plain(paths.inbox, "latest.json", json.dumps({"title": f"Edition {number}", "text": distinct_article(number)}))
        wait_for_lines(paths, number, daemon)
        wait_until_moved(paths, ["latest.json"])
    assert daemon.stop() == 0
    done = run_storyline("restore", *locations(paths), "--from", backup)
    assert done.returncode == 0 and "2 files judged after the backup back in" in done.stdout.decode(), done
    assert paths.inbox_names() == {"latest.json", "0000000003-latest.json"}
    restored = daemons.start(paths)
    events = wait_for_lines(paths, 3, restored)
    assert restored.stop() == 0
    assert sorted(event["article"]["title"] for event in events[1:]) == ["Edition 2", "Edition 3"]
