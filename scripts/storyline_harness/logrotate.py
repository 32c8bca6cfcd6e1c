"""The shipped deploy/logrotate.d/storyline aimed at a harness's own timeline, and the program to run it.

The tests and the soak run the real logrotate on the real file, changing only the timeline's path and
the reload command, so a change to the shipped file is what they test.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

SHIPPED_CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "logrotate.d" / "storyline"
SHIPPED_TIMELINE = "/var/lib/storyline/timeline.jsonl"
SHIPPED_RELOAD = "systemctl reload storyline >/dev/null 2>&1 || true"


def find_logrotate() -> str | None:
    """The logrotate program (often in /usr/sbin, which a user's PATH may lack), or None."""
    found = shutil.which("logrotate")
    if found:
        return found
    return next((path for path in ("/usr/sbin/logrotate", "/sbin/logrotate") if os.access(path, os.X_OK)), None)


def aimed_config(timeline: Path, reload: str) -> str:
    """The shipped configuration with SHIPPED_TIMELINE replaced by `timeline` and SHIPPED_RELOAD by
    `reload`; ValueError when the shipped file no longer holds them."""
    text = SHIPPED_CONFIG.read_text()
    if text.count(SHIPPED_TIMELINE) != 1:
        raise ValueError(f"{SHIPPED_CONFIG} must rotate {SHIPPED_TIMELINE} (once)")
    if SHIPPED_RELOAD not in text:
        raise ValueError(f"{SHIPPED_CONFIG} must reload the daemon with `{SHIPPED_RELOAD}`")
    return text.replace(SHIPPED_TIMELINE, f'"{timeline}"').replace(SHIPPED_RELOAD, reload)


def write_config(directory: Path, text: str) -> tuple[Path, Path]:
    """DIRECTORY/logrotate.conf holding `text` (mode 0644: logrotate refuses a file others can write),
    and the path of the state file to run it with."""
    config = directory / "logrotate.conf"
    config.write_text(text)
    config.chmod(0o644)
    return config, directory / "logrotate.state"
