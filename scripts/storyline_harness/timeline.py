"""Reading the timeline a daemon writes: whole lines only, across its rotated copies."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path


def file_of(event: dict) -> str:
    """The input file name a line is about."""
    return event["file"] if event["event"] == "rejected" else event["article"]["file"]


def complete_lines(timeline: Path) -> list[dict]:
    """The whole lines written so far, decoded (a line still being written is left out; nothing is checked)."""
    try:
        data = timeline.read_bytes()
    except FileNotFoundError:
        return []
    # Split at LF only: a line is LF-terminated, and a JSON string may hold U+2028 or NEL unescaped.
    return [json.loads(line.decode("utf-8")) for line in data.split(b"\n")[:-1]]


def file_bytes(path: Path) -> bytes:
    """A timeline file's bytes, a `.gz` copy decompressed."""
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


_COPY = re.compile(r"\.(\d+)(\.gz)?$")


def timeline_files(timeline: Path) -> list[Path]:
    """The rotated copies of `timeline` (`.N` or `.N.gz`, oldest, i.e. highest number, first), then the live file."""
    copies = []
    for entry in timeline.parent.iterdir():
        if entry.name.startswith(timeline.name + "."):
            match = _COPY.fullmatch(entry.name[len(timeline.name):])
            if match:
                copies.append((int(match.group(1)), entry))
    numbers = [number for number, _ in copies]
    assert len(numbers) == len(set(numbers)), f"a copy exists both plain and compressed: {sorted(copies)}"
    return [entry for _, entry in sorted(copies, reverse=True)] + ([timeline] if timeline.exists() else [])
