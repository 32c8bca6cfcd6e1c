"""A name is reused, a file is not (#14, defects 4 and 5).

Files used to be moved by name: a file written again under the same name after it was read (while its
move was retried, or after a crash between its move and the record of it) was archived under the first
version's line and never judged. Now each event records which file it read (device, inode, size, mtime)
and only that file is moved under it; anything else at the name is a new arrival. Files go aside as
`SEQ-name` (the seq of their line, ten digits), which always fits a directory entry and never clashes:
the old `name.1.txt` suffix failed for good on a 255-byte name dropped twice, or on the 10,001st drop of
one name.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3

from daemon_support import (  # noqa: F401 (fixtures)
    daemons, paths, checked_timeline, distinct_article, drop_maildir, drop_plain, file_of, wait_for_lines,
    wait_until, wait_until_moved,
)
from test_daemon_faults import fill_the_archive, mounts  # noqa: F401


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_name_dropped_again_after_a_crash_before_its_move_was_recorded_is_judged(daemons, paths):
    """The crash left the first file moved but its event unmoved; the producer then drops the name again."""
    first = daemons.start(paths)
    drop_plain(paths.inbox, "latest.json", json.dumps({"title": "First edition", "text": distinct_article(1)}))
    wait_until_moved(paths, ["latest.json"])
    assert first.stop() == 0
    database = sqlite3.connect(paths.state / "state.sqlite")
    with database:
        database.execute("UPDATE events SET moved = 0")  # as if killed between the move and its record
    database.close()
    second_version = json.dumps({"title": "Second edition", "text": distinct_article(2)})
    drop_plain(paths.inbox, "latest.json", second_version)

    second = daemons.start(paths)
    events = wait_for_lines(paths, 2, second)
    wait_until_moved(paths, ["latest.json"])
    assert second.stop() == 0
    assert [file_of(event) for event in events] == ["latest.json", "latest.json"]
    assert events[1]["article"]["sha256"] == sha256(second_version.encode())
    assert paths.archived(1, "latest.json").is_file() and paths.archived(2, "latest.json").is_file()
    assert paths.archived(2, "latest.json").read_text() == second_version
    assert paths.inbox_names() == set()


def test_a_file_replaced_while_its_move_is_retried_is_judged_as_a_new_arrival(mounts, daemons, tmp_path):
    daemon, paths, filler, files = fill_the_archive(mounts, daemons, tmp_path)  # three files stuck in the inbox
    replacement = distinct_article(9, topic="replacement").encode()
    drop_maildir(paths.inbox, "stuck_0000.txt", replacement)  # renamed over the waiting file

    filler.unlink()
    events = wait_for_lines(paths, 4, daemon)
    wait_until_moved(paths, list(files))
    assert daemon.stop() == 0
    assert [file_of(event) for event in events] == ["stuck_0000.txt", "stuck_0001.txt", "stuck_0002.txt", "stuck_0000.txt"]
    assert events[3]["article"]["sha256"] == sha256(replacement)
    assert paths.archived(4, "stuck_0000.txt").read_bytes() == replacement
    assert paths.archived(2, "stuck_0001.txt").read_bytes() == files["stuck_0001.txt"]
    assert not paths.archived(1, "stuck_0000.txt").exists()  # the judged file was replaced: it is gone
    assert "judged as a new arrival" in daemon.log()
    assert paths.inbox_names() == set()


def test_a_255_byte_name_dropped_twice_is_archived_twice(daemons, paths):
    name = "n" * 250 + ".json"
    daemon = daemons.start(paths)
    for number in (1, 2):
        drop_plain(paths.inbox, name, json.dumps({"title": f"Edition {number}", "text": distinct_article(number)}))
        wait_for_lines(paths, number, daemon)
        wait_until(lambda: name not in paths.inbox_names(), 10, lambda: f"{name} moved; log:\n{daemon.log()}")
    assert daemon.stop() == 0
    archived = sorted(paths.archived_files())
    assert len(archived) == 2 and all(len(entry.encode()) <= 255 for entry in archived), archived
    assert archived[0].startswith("0000000001-") and archived[0].endswith(".json"), archived
    assert "error" not in daemon.log().lower(), daemon.log()


def test_an_archive_entry_already_at_the_name_is_never_overwritten(daemons, paths):
    """An archive/ kept beside a state restored from an older backup already holds `0000000002-x.txt`."""
    daemon = daemons.start(paths)
    drop_plain(paths.inbox, "w.txt", distinct_article(1))
    wait_until_moved(paths, ["w.txt"])
    planted = paths.archived(2, "x.txt")
    planted.write_bytes(b"a file from another life of this state\n")
    drop_plain(paths.inbox, "x.txt", distinct_article(2))
    wait_until_moved(paths, ["x.txt"])
    assert daemon.stop() == 0
    assert planted.read_bytes() == b"a file from another life of this state\n"
    assert (paths.archive / "0000000002.1-x.txt").read_text() == distinct_article(2)
    assert [file_of(event) for event in checked_timeline(paths.timeline)] == ["w.txt", "x.txt"]
