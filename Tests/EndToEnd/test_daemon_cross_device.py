"""An inbox on another file system than the state directory (a tmpfs inbox, say): files cannot be renamed
into archive/ or rejected/, so they are copied, made durable, and only then removed from the inbox.
"""

import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from storyline_harness import proc
from daemon_support import (  # noqa: F401
    DaemonPaths, checked_timeline, daemons, distinct_article, drop_maildir, drop_plain, file_of, wait_for_file_line,
    wait_for_lines, wait_until_moved,
)

SHARED_MEMORY = Path("/dev/shm")


@pytest.fixture
def cross_device_paths(tmp_path):
    if not SHARED_MEMORY.is_dir() or not os.access(SHARED_MEMORY, os.W_OK):
        pytest.skip("needs a writable /dev/shm for an inbox on another file system")
    inbox = Path(tempfile.mkdtemp(prefix="storyline-inbox-", dir=SHARED_MEMORY))
    try:
        root = tmp_path / "run"
        root.mkdir()
        if os.stat(inbox).st_dev == os.stat(root).st_dev:
            pytest.skip("/dev/shm is on the same file system as the temporary directory")
        yield DaemonPaths(root=root, inbox=inbox, state=root / "state", timeline=root / "timeline.jsonl")
    finally:
        shutil.rmtree(inbox, ignore_errors=True)


def test_files_from_an_inbox_on_another_file_system_are_archived_intact(daemons, cross_device_paths):
    paths = cross_device_paths
    daemon = daemons.start(paths)
    files = {f"article_{number}.txt": distinct_article(number) for number in range(5)}
    files["empty.txt"] = ""

    for number, (name, text) in enumerate(files.items()):
        (drop_maildir if number % 2 else drop_plain)(paths.inbox, name, text)
    wait_for_lines(paths, len(files), daemon)
    wait_until_moved(paths, files)
    assert daemon.stop() == 0

    assert sorted(file_of(event) for event in checked_timeline(paths.timeline)) == sorted(files)
    assert paths.archived_names() == set(files) - {"empty.txt"}
    assert paths.rejected_names() == {"empty.txt"}
    for name, text in files.items():
        entry = paths.rejected_as(name) if name == "empty.txt" else paths.archived_as(name)
        assert entry.read_text() == text


def test_special_entries_from_an_inbox_on_another_file_system_are_moved_to_rejected(daemons, cross_device_paths):
    paths = cross_device_paths
    daemon = daemons.start(paths)
    os.mkfifo(paths.inbox / ".pipe.txt.tmp")
    os.rename(paths.inbox / ".pipe.txt.tmp", paths.inbox / "pipe.txt")
    (paths.inbox / ".folder.tmp").mkdir()
    os.rename(paths.inbox / ".folder.tmp", paths.inbox / "folder")
    drop_plain(paths.inbox, "marker.txt", distinct_article(1))

    wait_for_file_line(paths, "pipe.txt", daemon)
    wait_for_file_line(paths, "folder", daemon)
    wait_until_moved(paths, ["marker.txt"])

    codes = {file_of(event): event.get("code") for event in checked_timeline(paths.timeline)}
    assert codes == {"pipe.txt": "not_regular_file", "folder": "not_regular_file", "marker.txt": None}
    wait_until_moved(paths, ["pipe.txt", "folder"], timeout=3)
    assert stat.S_ISFIFO(os.lstat(paths.rejected_as("pipe.txt")).st_mode)
    assert (paths.rejected_as("folder")).is_dir()


def peak_resident_mib(pid: int) -> float:
    """The process's peak resident set (VmHWM), in MiB."""
    return proc.status(pid)["VmHWM"] / 1024


def test_a_large_file_is_copied_across_file_systems_in_bounded_memory(daemons, cross_device_paths):
    """#14 item 8: the copy to rejected/ read the whole file into memory (a 1 GiB file took VmHWM from 30 to
    1,057 MiB). It is streamed now, under a temporary name renamed once whole, and holes stay holes."""
    paths = cross_device_paths
    daemon = daemons.start(paths)
    baseline = peak_resident_mib(daemon.pid)
    size = 1 << 30
    pieces = {0: os.urandom(1 << 20), 700 * (1 << 20) + 12345: os.urandom(3 * (1 << 20) + 17)}
    large = paths.inbox / ".huge.txt.tmp"
    with open(large, "wb") as file:  # sparse: data at two places, holes elsewhere and at the end
        file.truncate(size)
        for offset, data in pieces.items():
            file.seek(offset)
            file.write(data)
    os.rename(large, paths.inbox / "huge.txt")
    drop_plain(paths.inbox, "marker.txt", distinct_article(1))

    event = wait_for_file_line(paths, "huge.txt", daemon)
    wait_until_moved(paths, ["huge.txt", "marker.txt"], timeout=30)
    peak = peak_resident_mib(daemon.pid)
    assert daemon.stop() == 0

    assert event["code"] == "too_large", event
    assert peak < 300 and peak - baseline < 100, f"VmHWM went from {baseline:.0f} to {peak:.0f} MiB"
    copy = paths.rejected_as("huge.txt")
    assert copy.stat().st_size == size
    with open(copy, "rb") as file:
        for offset, data in pieces.items():
            file.seek(offset)
            assert file.read(len(data)) == data, f"the data at {offset} differs"
        file.seek(size - 4096)
        assert file.read() == bytes(4096)
    assert copy.stat().st_blocks * 512 < 64 << 20, "the copy's holes were filled in"
    leftovers = [name for name in os.listdir(paths.rejected) + os.listdir(paths.archive) if name.startswith(".")]
    assert leftovers == [], "a temporary copy was left behind"
    assert paths.archived_names() == {"marker.txt"}
