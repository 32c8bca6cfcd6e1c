"""Where the daemon puts a judged file: STATE/archive/ or STATE/rejected/, as `SEQ-name` of its line."""

from __future__ import annotations

import re

_SEQ_PREFIX = re.compile(r"^[0-9]{10}(\.[0-9]+)?-")


def archive_name(seq: int, name: str | bytes) -> str:
    """The name the file of line `seq` gets in archive/ or rejected/, as the daemon makes it: the seq in
    ten digits, then the inbox name, cut to fit 255 bytes, keeping an extension of up to 16 bytes."""
    prefix = f"{seq:010d}-".encode()
    data = name.encode("utf-8", "surrogateescape") if isinstance(name, str) else name
    room = 255 - len(prefix)
    if len(data) > room:
        stem, ext = data, b""
        dot = data.rfind(b".")
        if dot > 0 and len(data) - dot <= 16:
            stem, ext = data[:dot], data[dot:]
        stem = stem[:room - len(ext)]
        lead = max((i for i, byte in enumerate(stem) if byte & 0xC0 != 0x80), default=None)
        if lead is not None and stem[lead] >= 0xC0:
            length = 4 if stem[lead] >= 0xF0 else 3 if stem[lead] >= 0xE0 else 2
            if len(stem) - lead < length:
                stem = stem[:lead]
        data = stem + ext
    return (prefix + data).decode("utf-8", "surrogateescape")


def seq_of(entry: str) -> int | None:
    """The seq of the line an archive/ or rejected/ entry belongs to."""
    match = _SEQ_PREFIX.match(entry)
    return int(entry[:10]) if match else None


def unprefixed(name: str) -> str:
    """A name in archive/ or rejected/ without the seq of its line."""
    return _SEQ_PREFIX.sub("", name, count=1)
