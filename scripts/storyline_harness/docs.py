"""Writing a run's figures into a page of docs/: the section between two markers, and the facts that
say where the figures come from (the command, the commit, the machine)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

#: The repository this package is in (scripts/storyline_harness/ -> the root).
ROOT = Path(__file__).resolve().parents[2]


def has_section(text: str, begin: str, end: str) -> bool:
    """`text` holds `begin` and `end` once each, in that order."""
    return text.count(begin) == 1 and text.count(end) == 1 and text.index(begin) < text.index(end)


def replace_section(text: str, begin: str, end: str, block: str) -> str:
    """`text` with everything from `begin` to `end` (both included) replaced by `block`."""
    return text[:text.index(begin)] + block + text[text.index(end) + len(end):]


def command_line(make_command: str) -> str:
    """How this run was started: `make_command` under make, else `python3 SCRIPT ARGUMENTS` (the script
    relative to the repository when it is in it)."""
    if os.environ.get("MAKELEVEL"):
        return make_command
    script = Path(sys.argv[0]).resolve()
    shown = str(script.relative_to(ROOT)) if script.is_relative_to(ROOT) else sys.argv[0]
    return " ".join(["python3", shown, *sys.argv[1:]])


def git(*arguments: str) -> str:
    """`git -C ROOT ARGUMENTS`, its output stripped ("" when git fails)."""
    return subprocess.run(["git", "-C", str(ROOT), *arguments], capture_output=True, text=True).stdout.strip()


def cpu_model(unknown: str) -> str:
    """The first `model name` of /proc/cpuinfo, else `unknown`."""
    with open("/proc/cpuinfo") as lines:
        return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), unknown)


def memory_kib() -> int:
    """MemTotal of /proc/meminfo."""
    with open("/proc/meminfo") as lines:
        return next(int(line.split()[1]) for line in lines if line.startswith("MemTotal:"))
