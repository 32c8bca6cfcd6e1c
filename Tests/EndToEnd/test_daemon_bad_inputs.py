"""Files that are not articles, dropped into the inbox of a running `storyline run`.

Each gets the outcome docs/timeline.md documents: one `rejected` line with its code, and the entry moved
to STATE/rejected/ untouched, while the daemon keeps running: a good file dropped after it is still judged.
"""

import os
import signal
import stat

import pytest

from daemon_support import (  # noqa: F401
    DaemonPaths, checked_timeline, complete_lines, daemons, distinct_article, drop_maildir, drop_plain, file_of,
    move_in, paths, wait_for_file_line, wait_until, wait_until_moved,
)

SIZE_LIMIT = 1000


def config_file(paths: DaemonPaths) -> list[str]:
    """`--config FILE` with a YAML file that lowers max_file_bytes to SIZE_LIMIT."""
    path = paths.root / "storyline.yaml"
    path.write_text(f"max_file_bytes: {SIZE_LIMIT}\n")
    return ["--config", str(path)]


# Each maker puts one bad entry into the inbox (or next to it, then renames it in) and returns its name.

def binary(paths):
    return drop_plain(paths.inbox, "nul.txt", b"GIF89a\x01\x00\x01\x00\x00\xff\x00 some text after a NUL").name


def not_utf8(paths):
    return drop_maildir(paths.inbox, "latin1.txt", "Caf\u00e9 au lait, cr\u00e8me br\u00fbl\u00e9e.\n".encode("latin-1")).name


def empty(paths):
    return drop_plain(paths.inbox, "empty.txt", b"").name


def too_large(paths):
    return drop_maildir(paths.inbox, "long.txt", ("word " * 1000)[: SIZE_LIMIT + 1]).name


def malformed_json(paths):
    return drop_plain(paths.inbox, "broken.json", '{"title": "Storm", "text": "The storm').name


def fifo_renamed_in(paths):
    os.mkfifo(paths.root / "pipe.txt")
    return move_in(paths.root / "pipe.txt", paths.inbox).name


def symlink_renamed_in(paths):
    target = drop_plain(paths.root, "real_article.txt", distinct_article(40))
    (paths.root / "link.txt").symlink_to(target)
    return move_in(paths.root / "link.txt", paths.inbox).name


def dangling_symlink_renamed_in(paths):
    (paths.root / "dangling.txt").symlink_to(paths.root / "nowhere.txt")
    return move_in(paths.root / "dangling.txt", paths.inbox).name


def directory_renamed_in(paths):
    directory = paths.root / "folder.txt"
    directory.mkdir()
    drop_plain(directory, "inside.txt", distinct_article(41))
    return move_in(directory, paths.inbox).name


BAD_INPUTS = {
    "nul_bytes": (binary, "binary"),
    "invalid_utf8": (not_utf8, "not_utf8"),
    "empty_file": (empty, "empty"),
    "over_max_file_bytes": (too_large, "too_large"),
    "malformed_json": (malformed_json, "malformed_json"),
    "fifo": (fifo_renamed_in, "not_regular_file"),
    "symlink": (symlink_renamed_in, "not_regular_file"),
    "dangling_symlink": (dangling_symlink_renamed_in, "not_regular_file"),
    "directory": (directory_renamed_in, "not_regular_file"),
}


def check_rejected_entry(paths: DaemonPaths, name: str) -> None:
    """The entry (whatever its kind) is in rejected/ and not in archive/."""
    entry = paths.rejected_as(name)
    assert os.path.lexists(entry), f"{name} not in rejected/: {sorted(paths.rejected_names())}"
    assert name not in paths.archived_names()


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_is_rejected_and_the_daemon_goes_on(daemons, paths, case):
    make, code = BAD_INPUTS[case]
    daemon = daemons.start(paths, arguments=config_file(paths))

    name = make(paths)
    rejected = wait_for_file_line(paths, name, daemon)
    drop_plain(paths.inbox, "good_after.txt", distinct_article(1))
    good = wait_for_file_line(paths, "good_after.txt", daemon)
    wait_until_moved(paths, [name, "good_after.txt"])

    assert (rejected["event"], rejected["code"], rejected["file"]) == ("rejected", code, name), rejected
    assert rejected["reason"].strip()
    if code == "too_large":
        assert str(SIZE_LIMIT) in rejected["reason"], rejected
    assert good["event"] == "story_started"
    assert daemon.running()
    assert daemon.stop() == 0
    assert [file_of(event) for event in checked_timeline(paths.timeline)] == [name, "good_after.txt"]
    check_rejected_entry(paths, name)
    assert paths.archived_names() == {"good_after.txt"}


def test_rejected_special_entries_keep_what_they_are(daemons, paths):
    daemon = daemons.start(paths)
    fifo, link, folder = fifo_renamed_in(paths), symlink_renamed_in(paths), directory_renamed_in(paths)
    target = paths.root / "real_article.txt"
    target_bytes = target.read_bytes()
    wait_until_moved(paths, [fifo, link, folder])
    assert daemon.stop() == 0

    assert stat.S_ISFIFO(os.lstat(paths.rejected_as(fifo)).st_mode)
    assert os.readlink(paths.rejected_as(link)) == str(target)  # the link itself moved; never followed
    assert target.read_bytes() == target_bytes
    assert (paths.rejected_as(folder) / "inside.txt").read_text() == distinct_article(41)
    assert sorted(event["code"] for event in checked_timeline(paths.timeline)) == ["not_regular_file"] * 3


def test_special_entries_present_at_start_up_are_rejected_by_the_scan(daemons, paths):
    os.mkfifo(paths.inbox / "pipe.txt")
    (paths.inbox / "link.txt").symlink_to(drop_plain(paths.root, "real_article.txt", distinct_article(40)))
    (paths.inbox / "folder").mkdir()
    drop_plain(paths.inbox / "folder", "inside.txt", distinct_article(41))
    drop_plain(paths.inbox, "good.txt", distinct_article(1))

    daemon = daemons.start(paths)
    wait_until_moved(paths, ["pipe.txt", "link.txt", "folder", "good.txt"])
    assert daemon.stop() == 0

    outcome = {file_of(event): event.get("code") for event in checked_timeline(paths.timeline)}
    assert outcome == {"pipe.txt": "not_regular_file", "link.txt": "not_regular_file",
                       "folder": "not_regular_file", "good.txt": None}
    assert paths.rejected_names() == {"pipe.txt", "link.txt", "folder"}
    assert paths.archived_names() == {"good.txt"}


def test_a_fifo_made_in_the_inbox_does_not_stop_the_daemon(daemons, paths):
    """mkfifo is neither a close after writing nor a rename: the running daemon is not told about the FIFO
    (it is taken at the next start). What matters is that it never blocks on it."""
    daemon = daemons.start(paths)

    os.mkfifo(paths.inbox / "pipe.txt")
    drop_plain(paths.inbox, "good_after.txt", distinct_article(1))
    good = wait_for_file_line(paths, "good_after.txt", daemon)
    assert good["event"] == "story_started"
    assert daemon.stop() == 0

    lines = complete_lines(paths.timeline)
    if "pipe.txt" in paths.inbox_names():  # not seen yet: the next start takes it
        restarted = daemons.start(paths)
        wait_until_moved(paths, ["pipe.txt"])
        assert restarted.stop() == 0
    events = checked_timeline(paths.timeline)
    pipe = [event for event in events if file_of(event) == "pipe.txt"]
    assert [(event["event"], event["code"]) for event in pipe] == [("rejected", "not_regular_file")], (lines, events)
    assert stat.S_ISFIFO(os.lstat(paths.rejected_as("pipe.txt")).st_mode)


STRANGE_NAMES = [
    "with spaces in it.txt",
    "line\nbreak.txt",
    "caf\u00e9 \u65e5\u672c\u8a9e \U0001F4F0.txt",
    "tab\tand \"quotes\".md",
]


def test_strange_names_give_valid_lines_with_the_right_file(daemons, paths):
    daemon = daemons.start(paths)

    for number, name in enumerate(STRANGE_NAMES):
        (drop_maildir if number % 2 else drop_plain)(paths.inbox, name, distinct_article(number))
    wait_until_moved(paths, STRANGE_NAMES)
    assert daemon.stop() == 0

    raw = paths.timeline.read_bytes()
    assert raw.count(b"\n") == len(STRANGE_NAMES)  # a newline in a name is escaped, never a line break
    events = checked_timeline(paths.timeline)
    assert sorted(event["article"]["file"] for event in events) == sorted(STRANGE_NAMES)
    assert all(event["event"] == "story_started" for event in events)
    assert paths.archived_names() == set(STRANGE_NAMES)


def test_a_name_that_is_not_utf8_still_gets_one_line(daemons, paths):
    daemon = daemons.start(paths)
    inbox = os.fsencode(paths.inbox)

    with open(os.path.join(inbox, b"latin1_caf\xe9.txt"), "wb") as file:
        file.write(distinct_article(1).encode())
    drop_plain(paths.inbox, "marker.txt", distinct_article(2))  # judged in the same batch or a later one
    wait_for_file_line(paths, "marker.txt", daemon)

    files = [file_of(event) for event in complete_lines(paths.timeline)]
    assert "latin1_caf\ufffd.txt" in files, files
    wait_until(lambda: os.listdir(inbox) == [], 3, lambda: f"an empty inbox, have {os.listdir(inbox)}")


def test_a_file_deleted_before_it_is_read_gets_no_line(daemons, paths):
    # The loop is stopped while B arrives and is deleted: its events are queued, the file is gone when read.
    daemon = daemons.start(paths)

    drop_plain(paths.inbox, "a.txt", distinct_article(1))
    wait_for_file_line(paths, "a.txt", daemon)
    daemon.send(signal.SIGSTOP)
    try:
        os.unlink(drop_plain(paths.inbox, "b.txt", distinct_article(2)))
        drop_plain(paths.inbox, "c.txt", distinct_article(3))
    finally:
        daemon.send(signal.SIGCONT)
    wait_for_file_line(paths, "c.txt", daemon, timeout=10)
    wait_until_moved(paths, ["a.txt", "c.txt"])
    assert daemon.running()
    assert daemon.stop() == 0

    events = checked_timeline(paths.timeline)  # seq has no gap where b.txt was dropped
    assert [file_of(event) for event in events] == ["a.txt", "c.txt"]
    assert paths.archived_names() == {"a.txt", "c.txt"}
    assert paths.rejected_names() == set()
