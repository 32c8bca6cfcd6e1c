"""The shipped deploy/logrotate.d/storyline aimed at a harness's own timeline, and the program to run it.

The tests and the soak run the real logrotate on the real file, changing only the timeline's path, the
reload command and the owner `create` gives the new file (the harness's own user and group: the shipped
`storyline` user need not exist where they run), so a change to the shipped file is what they test.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
from pathlib import Path

SHIPPED_CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "logrotate.d" / "storyline"
SHIPPED_TIMELINE = "/var/lib/storyline/timeline.jsonl"
SHIPPED_RELOAD = "systemctl reload storyline >/dev/null 2>&1 || true"
SHIPPED_OWNER = "create 0640 storyline storyline-readers"


def find_logrotate() -> str | None:
    """The logrotate program (often in /usr/sbin, which a user's PATH may lack), or None."""
    found = shutil.which("logrotate")
    if found:
        return found
    return next((path for path in ("/usr/sbin/logrotate", "/sbin/logrotate") if os.access(path, os.X_OK)), None)


def aimed_config(timeline: Path, reload: str) -> str:
    """The shipped configuration with SHIPPED_TIMELINE replaced by `timeline`, SHIPPED_RELOAD by
    `reload` and the owner in SHIPPED_OWNER by this process's user and group; ValueError when the
    shipped file no longer holds them."""
    text = SHIPPED_CONFIG.read_text()
    if SHIPPED_OWNER not in text:
        raise ValueError(f"{SHIPPED_CONFIG} must create the new file with `{SHIPPED_OWNER}`")
    owner = f"create 0640 {pwd.getpwuid(os.getuid()).pw_name} {grp.getgrgid(os.getgid()).gr_name}"
    text = text.replace(SHIPPED_OWNER, owner)
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
