"""What the two real-systemd tests share: a probe directory the container sees as /probe, the units that
run the probe script once systemd has booted, the boot itself, and the report of the probe's checks.

A probe script (Tests/System/*.sh, with probe-lib.sh) writes one line per check to /probe/results
("ok: ..." or "FAIL: ...", "done" last) and what the checks printed to /probe/details, then powers the
container off. STORYLINE_KEEP_PROBE=1 keeps the probe directory for a look afterwards.
"""

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

import support

SYSTEM = support.REPO_ROOT / "Tests" / "System"


def skip_or_fail(reason: str) -> None:
    """Fails, loudly, unless STORYLINE_SKIP_SYSTEMD=1 is set on purpose."""
    if os.environ.get("STORYLINE_SKIP_SYSTEMD") == "1":
        pytest.skip(f"STORYLINE_SKIP_SYSTEMD=1: {reason}")
    pytest.fail(f"cannot run the real-systemd test: {reason} (set STORYLINE_SKIP_SYSTEMD=1 to skip it on purpose)")


def nspawn() -> str:
    if os.geteuid() != 0:
        skip_or_fail("it needs root to boot a container")
    path = shutil.which("systemd-nspawn")
    if path is None:
        skip_or_fail("systemd-nspawn is missing (apt-get install systemd-container)")
    return path


@contextlib.contextmanager
def probe_directory(prefix: str, script: str, seeds: int):
    """A directory under /tmp (short bind paths) with the probe script as probe.sh, probe-lib.sh, the first
    `seeds` seeds under articles/, and the units that run it. 0755: the container's producer and reader
    users read the articles there."""
    probe = Path(tempfile.mkdtemp(prefix=prefix))
    probe.chmod(0o755)
    try:
        (probe / "articles").mkdir()
        for index in range(seeds):
            shutil.copy(support.seed(index), probe / "articles" / f"seed{index}.txt")
        shutil.copy(SYSTEM / script, probe / "probe.sh")
        shutil.copy(SYSTEM / "probe-lib.sh", probe / "probe-lib.sh")
        (probe / "probe.target").write_text(
            "[Unit]\nDescription=Storyline probe\nRequires=basic.target probe.service\n"
            "After=basic.target probe.service\n")
        (probe / "probe.service").write_text(
            "[Unit]\nDescription=Storyline probe\nAfter=basic.target\n"
            "[Service]\nType=oneshot\nExecStart=/probe/probe.sh\nTimeoutStartSec=240\n")
        yield probe
    finally:
        if os.environ.get("STORYLINE_KEEP_PROBE") == "1":
            print(f"kept {probe}")
        else:
            shutil.rmtree(probe, ignore_errors=True)


def boot_arguments(probe: Path) -> list[str]:
    """nspawn's arguments that bind the probe in and boot into it."""
    return [
        "--quiet", "--keep-unit", "--private-network", "--register=no", f"--bind={probe}:/probe",
        f"--bind-ro={probe}/probe.target:/etc/systemd/system/probe.target",
        f"--bind-ro={probe}/probe.service:/etc/systemd/system/probe.service",
        "-b", "systemd.unit=probe.target", "systemd.firstboot=off",
    ]


def boot_and_report(command: list[str], probe: Path, outputs: list[str], timeout: int, at_least: int) -> None:
    """Boots the container, prints every check and the named outputs, and asserts none failed."""
    try:
        boot = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the container did not power off within {timeout} s")
    shutil.rmtree("/run/systemd/nspawn/propagate", ignore_errors=True)
    results_file = probe / "results"
    if not results_file.exists():
        skip_or_fail(f"the container did not run the probe (exit {boot.returncode}): {boot.stderr[-2000:]}")
    results = results_file.read_text().splitlines()
    print("\n".join(results))
    for name in outputs:
        if (probe / name).exists():
            print(f"--- {name}\n{(probe / name).read_text()}")
    failed = [line for line in results if line.startswith("FAIL")]
    details = (probe / "details").read_text() if (probe / "details").exists() else ""
    assert not failed, "\n".join(failed) + "\n--- details\n" + details[-4000:]
    assert results and results[-1] == "done", "the probe stopped early:\n" + "\n".join(results) + details[-4000:]
    assert len(results) >= at_least
