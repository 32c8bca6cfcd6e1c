"""Hostile inputs dropped into the inbox of a running `storyline run`: files that attack resources, races
on the inbox entry, and text that tries to escape its field.

Each case ends in the outcome docs/security.md ("What a malicious article can and cannot do") promises,
with the daemon still running. Every test accounts for every file itself, from the timeline, archive/,
rejected/ and the inbox, never from the daemon's counters; memory is the daemon's peak resident size
(VmHWM in /proc/PID/status). No assertion is on time: waits have deadlines only.
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from pathlib import Path

import pytest

from storyline_harness import proc
from daemon_support import (  # noqa: F401
    Daemon, DaemonPaths, archive_name, checked_timeline, complete_lines, daemons, distinct_article, drop_maildir,
    drop_plain, file_of, paths, wait_for_file_line, wait_for_lines, wait_until, wait_until_moved,
)

MIB = 1024 * 1024
#: The daemon's own default max_file_bytes (10 MiB).
DEFAULT_LIMIT = 10 * MIB


# --- Helpers ---------------------------------------------------------------------------------------------

def peak_memory(daemon: Daemon) -> int:
    """The daemon's peak resident set size so far (VmHWM), in bytes."""
    return proc.status(daemon.pid)["VmHWM"] * 1024


def config(paths: DaemonPaths, **settings) -> list[str]:
    """`--config FILE` with a YAML file holding `settings`."""
    path = paths.root / "storyline.yaml"
    path.write_text("".join(f"{key}: {value}\n" for key, value in settings.items()))
    return ["--config", str(path)]


def account(paths: DaemonPaths, dropped: list[str], left_in_inbox: set[str] = frozenset(),
            rewritten: set[str] = frozenset()) -> list[dict]:
    """Checks that each dropped name has exactly one line and sits in the place its line says.

    Rejected lines go with rejected/, every other line with archive/, each file as `SEQ-name` of its line;
    nothing else is in either, and the inbox holds `left_in_inbox` only. A name in `rewritten` may have
    several lines (the file changed after it was read: each version is judged); only the last has its file.
    Returns the checked timeline.
    """
    events = checked_timeline(paths.timeline)
    files = Counter(file_of(event) for event in events)
    once = Counter({name: min(count, 1) if name in rewritten else count for name, count in files.items()})
    assert once == Counter(dropped), {name: count for name, count in (once - Counter(dropped)).items()} or \
        sorted(set(dropped) - set(files))
    last = {file_of(event): event["seq"] for event in events}
    kept = [event for event in events if last[file_of(event)] == event["seq"]]
    assert paths.rejected_files() == {archive_name(e["seq"], file_of(e)) for e in kept if e["event"] == "rejected"}
    assert paths.archived_files() == {archive_name(e["seq"], file_of(e)) for e in kept if e["event"] != "rejected"}
    assert paths.inbox_names() == set(left_in_inbox)
    return events


def drop_marker(paths: DaemonPaths, daemon: Daemon, number: int = 900) -> str:
    """Drops a good article and waits for its line: the daemon is alive and not stuck."""
    name = f"marker{number}.txt"
    drop_plain(paths.inbox, name, distinct_article(number, "marker"))
    assert wait_for_file_line(paths, name, daemon)["event"] == "story_started"
    return name


# --- Files that attack resources -------------------------------------------------------------------------

def test_a_sparse_50_gb_file_is_refused_by_its_size_without_being_read(daemons, paths):
    """A 50 GB file (sparse: no disk used) is `too_large` from its fstat size; memory stays small."""
    daemon = daemons.start(paths)
    before = peak_memory(daemon)

    with open(paths.inbox / "huge.txt", "wb") as file:
        file.truncate(50 * 10**9)
    line = wait_for_file_line(paths, "huge.txt", daemon)
    marker = drop_marker(paths, daemon)
    wait_until_moved(paths, ["huge.txt", marker])
    peak = peak_memory(daemon)
    assert daemon.stop() == 0

    assert (line["event"], line["code"]) == ("rejected", "too_large"), line
    assert "50000000000 bytes" in line["reason"], line
    assert os.stat(paths.rejected_as("huge.txt")).st_size == 50 * 10**9  # moved as it was
    assert peak - before < 64 * MIB, (before, peak)
    print(f"sparse 50 GB: VmHWM {before // MIB} MiB before, {peak // MIB} MiB after")
    account(paths, ["huge.txt", marker])


def append_until(path: Path, stop: threading.Event, chunk: bytes, limit: int) -> int:
    """Appends `chunk` to the already closed file at `path` through one descriptor (so no further close
    is announced) until `stop` is set or `limit` bytes were added; returns how many were."""
    added = 0
    with open(path, "ab", buffering=0) as file:
        while not stop.is_set() and added < limit:
            file.write(chunk)
            added += len(chunk)
    return added


@pytest.mark.parametrize("past_the_limit", [False, True], ids=["under_the_limit", "past_the_limit"])
def test_a_file_that_keeps_growing_while_read_gets_a_line_for_what_was_read(daemons, paths, past_the_limit):
    """A file appended to after the close the daemon saw is judged from what was read, or `too_large`
    once it passes max_file_bytes. Once it has grown, it is not the file judged any more: it is judged
    again, and only its last version moves aside under its line. The daemon goes on."""
    limit = 2 * MIB
    daemon = daemons.start(paths, arguments=config(paths, max_file_bytes=limit))
    growth = 8 * limit if past_the_limit else limit // 4
    chunk = (distinct_article(7, "growth").replace("\n", " ") + "\n").encode()

    stop = threading.Event()
    added: list[int] = []
    path = drop_plain(paths.inbox, "growing.txt", distinct_article(1, "growth"))
    writer = threading.Thread(target=lambda: added.append(append_until(path, stop, chunk, growth)))
    writer.start()
    try:
        wait_for_file_line(paths, "growing.txt", daemon)
    finally:
        stop.set()
        writer.join()
    marker = drop_marker(paths, daemon)
    wait_until_moved(paths, ["growing.txt", marker])
    assert daemon.stop() == 0

    events = account(paths, ["growing.txt", marker], rewritten={"growing.txt"})
    lines = [event for event in events if file_of(event) == "growing.txt"]
    for line in lines:
        if line["event"] == "rejected":
            assert line["code"] == "too_large", line
            assert past_the_limit, "under the limit a growing file is judged, never refused"
        else:
            assert line["article"]["words"] > 0, line
    final = (paths.archive if lines[-1]["event"] != "rejected" else paths.rejected) / archive_name(lines[-1]["seq"], "growing.txt")
    assert final.exists(), final
    print(f"growing file: {len(lines)} lines: {[line.get('code') or line['event'] for line in lines]}")


@pytest.mark.parametrize("shape", ["arrays", "objects", "inside_an_article"])
def test_json_nested_100000_deep_is_malformed_and_the_daemon_survives(daemons, paths, shape):
    """JSON nested 100,000 deep does not blow the parser's stack: it is `malformed_json`."""
    depth = 100_000
    content = {
        "arrays": "[" * depth + "]" * depth,
        "objects": '{"a":' * depth + "1" + "}" * depth,
        "inside_an_article": '{"title": "Deep", "text": "Some words.", "extra": ' + "[" * depth + "]" * depth + "}",
    }[shape]
    daemon = daemons.start(paths)

    drop_plain(paths.inbox, "deep.json", content)
    line = wait_for_file_line(paths, "deep.json", daemon)
    marker = drop_marker(paths, daemon)
    wait_until_moved(paths, ["deep.json", marker])
    assert daemon.stop() == 0

    assert (line["event"], line["code"]) == ("rejected", "malformed_json"), line
    assert "nested" in line["reason"], line
    account(paths, ["deep.json", marker])


def one_line_of(size: int, ending: bytes = b"") -> bytes:
    """`size` bytes on one line: words and spaces, no line break, then `ending` in place of the last bytes."""
    words = b"wordy " * (size // 6 + 1)
    return words[: size - len(ending)] + ending


def test_a_100_mb_line_is_too_large_by_default_and_not_read(daemons, paths):
    """A single 100 MB line is over the 10 MiB default: refused by its size, so memory stays far below it."""
    daemon = daemons.start(paths)
    before = peak_memory(daemon)

    drop_maildir(paths.inbox, "line.txt", one_line_of(100 * 10**6))
    line = wait_for_file_line(paths, "line.txt", daemon)
    marker = drop_marker(paths, daemon)
    wait_until_moved(paths, ["line.txt", marker])
    peak = peak_memory(daemon)
    assert daemon.stop() == 0

    assert (line["event"], line["code"]) == ("rejected", "too_large"), line
    assert str(DEFAULT_LIMIT) in line["reason"], line
    assert peak - before < 32 * MIB, (before, peak)
    print(f"100 MB line, default limit: VmHWM {before // MIB} MiB before, {peak // MIB} MiB after")
    account(paths, ["line.txt", marker])


def test_a_100_mb_line_under_a_raised_limit_is_read_with_bounded_memory(daemons, paths):
    """With max_file_bytes above it, a 100 MB line is read whole and judged on its bytes (here its last
    byte is not UTF-8: `not_utf8`), holding about the file once or twice, not more."""
    size = 100 * 10**6
    daemon = daemons.start(paths, arguments=config(paths, max_file_bytes=2 * size))
    before = peak_memory(daemon)

    drop_maildir(paths.inbox, "line.txt", one_line_of(size, ending=b"\xff"))
    line = wait_for_file_line(paths, "line.txt", daemon, timeout=60)
    marker = drop_marker(paths, daemon)
    wait_until_moved(paths, ["line.txt", marker])
    peak = peak_memory(daemon)
    assert daemon.stop() == 0

    assert (line["event"], line["code"]) == ("rejected", "not_utf8"), line
    assert peak - before < 4 * size, (before, peak)
    print(f"100 MB line, raised limit, not_utf8: VmHWM {before // MIB} MiB before, {peak // MIB} MiB after")
    account(paths, ["line.txt", marker])


@pytest.mark.slow
def test_a_100_mb_line_of_words_under_a_raised_limit_is_judged_with_bounded_memory(daemons, paths):
    """With max_file_bytes above it, a 100 MB line of words is judged like any article; the daemon's
    peak memory stays a bounded multiple of the file (docs/security.md gives the figure)."""
    size = 100 * 10**6
    daemon = daemons.start(paths, arguments=config(paths, max_file_bytes=2 * size))
    before = peak_memory(daemon)
    words = " ".join(f"w{index}" for index in range(size // 8)).encode()[:size]

    drop_maildir(paths.inbox, "line.txt", words)
    line = wait_for_file_line(paths, "line.txt", daemon, timeout=900)
    marker = drop_marker(paths, daemon)
    wait_until_moved(paths, ["line.txt", marker])
    peak = peak_memory(daemon)
    assert daemon.stop() == 0

    assert line["event"] == "story_started", line
    assert len(line["article"]["title"]) == 301 and line["article"]["title"].endswith("\u2026")
    assert peak - before < 50 * size, (before, peak)  # measured: about 44 times the file
    print(f"100 MB line of words, raised limit: VmHWM {before // MIB} MiB before, {peak // MIB} MiB after")
    account(paths, ["line.txt", marker])


def long_names(count: int) -> list[str]:
    """`count` distinct names of exactly 255 bytes (NAME_MAX), ending in .txt."""
    names = [f"{index:07d}_" + "n" * (255 - 8 - 4) + ".txt" for index in range(count)]
    assert all(len(name.encode()) == 255 for name in names)
    return names


def drop_many_with_long_names(daemons, paths, count: int, timeout: float) -> None:
    daemon = daemons.start(paths)
    names = long_names(count)
    for index, name in enumerate(names):
        # Tiny articles of their own: the test is about names, not judging.
        drop_plain(paths.inbox, name, f"Note {index}\n\nitem {index} of {count} in a burst.\n")
    wait_for_lines(paths, count, daemon, timeout=timeout)
    wait_until_moved(paths, names, timeout=timeout)
    assert daemon.running()
    assert daemon.stop() == 0
    events = account(paths, names)
    assert {event["event"] for event in events} <= {"story_started", "story_extended", "duplicate"}


def test_2000_files_with_255_byte_names_each_get_one_line(daemons, paths):
    """A burst of 2,000 files with the longest names a file system allows: one line each, all moved."""
    drop_many_with_long_names(daemons, paths, 2_000, timeout=120)


@pytest.mark.slow
def test_100000_files_with_255_byte_names_each_get_one_line(daemons, paths):
    """100,000 files with 255-byte names (the inotify queue overflows on the way): one line each."""
    drop_many_with_long_names(daemons, paths, 100_000, timeout=3600)


# --- Links and races on the inbox entry ------------------------------------------------------------------

def test_a_file_hard_linked_into_the_inbox_is_judged_and_its_other_name_untouched(daemons, paths):
    """link() from outside makes no close-after-writing, but a second name of a finished file is taken at
    once; the daemon moves only its own name, so the outside name keeps its content."""
    daemon = daemons.start(paths)
    outside = drop_plain(paths.root, "outside.txt", distinct_article(3, "linked"))

    os.link(outside, paths.inbox / "linked.txt")
    line = wait_for_file_line(paths, "linked.txt", daemon)
    wait_until_moved(paths, ["linked.txt"])
    assert daemon.stop() == 0

    assert line["event"] == "story_started", line
    assert outside.read_text() == distinct_article(3, "linked")
    assert os.stat(outside).st_ino == os.stat(paths.archived_as("linked.txt")).st_ino  # renamed, not copied
    account(paths, ["linked.txt"])


def test_maildir_link_then_unlink_delivery_is_judged_exactly_once(daemons, paths):
    """Maildir's link() then unlink(): taken at once if the daemon sees the second name, else (the link
    count already back to 1, like a write in progress) at the next start. One line either way."""
    daemon = daemons.start(paths)
    spool = paths.root / "tmp"
    spool.mkdir()
    names = [f"mail{index}.txt" for index in range(20)]
    for index, name in enumerate(names):
        drop_plain(spool, name, distinct_article(index, "mail"))
        os.link(spool / name, paths.inbox / name)
        os.unlink(spool / name)
    marker = drop_marker(paths, daemon)
    wait_until_moved(paths, [marker])
    assert daemon.stop() == 0

    waiting = paths.inbox_names()
    assert waiting <= set(names)
    if waiting:
        restarted = daemons.start(paths)
        wait_until_moved(paths, waiting)
        assert restarted.stop() == 0
    events = account(paths, names + [marker])
    assert all(event["event"] == "story_started" for event in events)
    print(f"link+unlink: {len(names) - len(waiting)} taken at once, {len(waiting)} at the next start")


def test_a_file_replaced_by_a_symlink_after_its_event_is_never_followed(daemons, paths):
    """A symlink renamed over a just-written file, raced 200 times: the target is never read.

    Each name ends as the regular file's judgement (read before the swap) or `not_regular_file` (the
    O_NOFOLLOW open met the link); when the daemon moved the file before the swap, the link is a second
    entry under that name and gets a second line. The secret target's title never appears, and the
    target is unchanged in place.
    """
    daemon = daemons.start(paths)
    secret_title = "Secret target 6f1c2a0e never to be read"
    secret = drop_plain(paths.root, "secret.txt", f"{secret_title}\n\n{distinct_article(99, 'secret')}")
    secret_bytes = secret.read_bytes()
    names = [f"race{index:03d}.txt" for index in range(200)]

    for index, name in enumerate(names):
        drop_plain(paths.inbox, name, distinct_article(index, "race"))
        link = paths.inbox / f".{name}.link"  # an in-progress name: ignored until renamed
        link.symlink_to(secret)
        os.rename(link, paths.inbox / name)
    marker = drop_marker(paths, daemon)
    wait_until_moved(paths, names + [marker])
    assert daemon.running()
    assert daemon.stop() == 0

    events = checked_timeline(paths.timeline)
    assert secret_title.lower() not in paths.timeline.read_text().lower()
    assert secret.read_bytes() == secret_bytes
    outcomes: dict[str, list[str]] = {}
    for event in events:
        outcomes.setdefault(file_of(event), []).append(event.get("code") or event["event"])
    for name in names:
        assert outcomes.get(name) in (["story_started"], ["not_regular_file"], ["story_started", "not_regular_file"]), \
            (name, outcomes.get(name))
    for event in events:  # never the target's words: each judged file is the article written under its name
        if event["event"] != "rejected" and event["article"]["file"] in names:
            index = names.index(event["article"]["file"])
            assert event["article"]["title"] == f"Report {index} on the race", event
    # Every entry is accounted for. A link that took the judged file's place before it moved is a new
    # arrival (rejected); the file it replaced is gone, so it is not in archive/.
    assert paths.inbox_names() == set()
    archived = [name for name in names if "story_started" in outcomes[name]]
    rejected = [name for name in names if "not_regular_file" in outcomes[name]]
    only_judged = {name for name in names if outcomes[name] == ["story_started"]}
    assert only_judged | {marker} <= paths.archived_names() <= set(archived) | {marker}
    assert paths.rejected_names() == set(rejected)
    assert all(os.path.islink(paths.rejected_as(name)) for name in rejected)
    print(f"symlink race: {Counter(tuple(value) for key, value in outcomes.items() if key in names)}")


# --- Injection -------------------------------------------------------------------------------------------

HOSTILE_TITLES = {
    "newline.json": "first line\nsecond line",
    "nul.json": "before\u0000after",
    "ansi.json": "\u001b[31mred\u001b[0m and \u001b]0;window title\u0007",
    "carriage.json": "overwrite\rme",
    "quotes.json": 'a "quoted" title with \\ backslashes \\" and \\n escapes',
    "separators.json": "line\u2028separator and paragraph\u2029separator",
    "forged.json": "x\nSTORYLINE_STORY=s999\nPRIORITY=0",
    "c1.json": "next\u0085line and \u009b31m CSI",
}


def test_hostile_titles_reach_the_timeline_as_valid_json_on_one_line(daemons, paths):
    """Titles with newlines, NULs, ANSI escapes, CR, quotes, backslashes and U+2028 stay inside one valid
    JSON line each, folded to one line of text without control characters."""
    daemon = daemons.start(paths)
    for number, (name, title) in enumerate(HOSTILE_TITLES.items()):
        article = {"title": title, "text": distinct_article(number, "inject"), "source": title, "url": title}
        drop_plain(paths.inbox, name, json.dumps(article))
    # `published` is echoed in the rejection reason: raw control characters in a reason, too.
    drop_plain(paths.inbox, "published.json", json.dumps(
        {"title": "t", "text": "Some words.", "published": "\u001b[2J\n\"2026\"\u0000\\"}))
    dropped = [*HOSTILE_TITLES, "published.json"]
    wait_until_moved(paths, dropped)
    log = daemon.log()
    assert daemon.stop() == 0

    raw = paths.timeline.read_bytes()
    assert raw.count(b"\n") == len(dropped)
    assert all(byte >= 0x20 for byte in raw.replace(b"\n", b""))  # no raw control byte anywhere
    assert "\u2028".encode() not in raw and "\u2029".encode() not in raw
    events = account(paths, dropped)
    titles = {event["article"]["file"]: event["article"]["title"] for event in events if event["event"] != "rejected"}
    assert set(titles) == set(HOSTILE_TITLES)
    for name, title in titles.items():
        assert not any(ord(character) < 0x20 or 0x7F <= ord(character) < 0xA0 or character in "\u2028\u2029"
                       for character in title), (name, title)
    assert titles["forged.json"] == "x STORYLINE_STORY=s999 PRIORITY=0"
    assert titles["quotes.json"] == HOSTILE_TITLES["quotes.json"]
    published = next(event for event in events if file_of(event) == "published.json")
    assert published["code"] == "invalid_published" and "\u001b[2J" in published["reason"], published
    # The daemon's own log (prefixed lines to stderr here) keeps one line per record.
    assert all(line.startswith("<") for line in log.splitlines()), log


HOSTILE_NAMES = [
    "new\nline.txt",
    "esc\u001b[31mred\u001b[0m.txt",
    'quote"d.txt',
    "back\\slash.txt",
    "tab\there.txt",
    "x\nSTORYLINE_STORY=s999\nPRIORITY=0.txt",
    "cr\rname.txt",
    "-rf.txt",
    " leading space.txt",
    "\u2028sep.txt",
]


def test_hostile_file_names_reach_the_timeline_exactly(daemons, paths):
    """Names with newlines, ESC, quotes, backslashes, tabs and CR (a name cannot hold NUL or '/') are the
    exact `file` of one valid line each, and each file moves to a name of its own in the state directory:
    nothing lands anywhere else."""
    daemon = daemons.start(paths)
    outside_before = sorted(str(path.relative_to(paths.root)) for path in paths.root.rglob("*")
                            if paths.state not in path.parents and path != paths.state)

    for number, name in enumerate(HOSTILE_NAMES):
        (drop_maildir if number % 2 else drop_plain)(paths.inbox, name, distinct_article(number, "names"))
    wait_until_moved(paths, HOSTILE_NAMES)
    log = daemon.log()
    assert daemon.stop() == 0

    raw = paths.timeline.read_bytes()
    assert raw.count(b"\n") == len(HOSTILE_NAMES)
    assert all(byte >= 0x20 for byte in raw.replace(b"\n", b""))
    events = account(paths, HOSTILE_NAMES)
    assert sorted(event["article"]["file"] for event in events) == sorted(HOSTILE_NAMES)
    outside_after = sorted(str(path.relative_to(paths.root)) for path in paths.root.rglob("*")
                           if paths.state not in path.parents and path != paths.state)
    new = set(outside_after) - set(outside_before)
    assert new <= {"timeline.jsonl"} | {path for path in new if path.startswith("daemon-")}, new
    assert all(line.startswith("<") for line in log.splitlines()), log
