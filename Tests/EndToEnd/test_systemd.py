"""The hardened unit under a real systemd 252, booted as PID 1 in a container (systemd-nspawn).

The container runs over the host's own root with a volatile / (a tmpfs, an empty /etc) and the host's
/usr under a throwaway overlay (what the container writes there is gone when it stops): the probe
(Tests/System/probe.sh) installs the project's unchanged deploy/ files (the unit, sysusers.d, tmpfiles.d, logrotate) and the binary at /usr/bin/storyline,
makes a producer user and a reader user, drives the service with systemctl and journalctl as they
would, and writes one line per check. This test prints every check, so a failure names the promise that broke.

It needs root and systemd-nspawn (package systemd-container, installed by `make test`). Where it cannot
boot the container it fails, loudly, unless STORYLINE_SKIP_SYSTEMD=1 is set on purpose.
STORYLINE_KEEP_PROBE=1 keeps the probe directory (results, details, the journal) for a look afterwards.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

import support

SYSTEM = support.REPO_ROOT / "Tests" / "System"


def skip_or_fail(reason: str) -> None:
    if os.environ.get("STORYLINE_SKIP_SYSTEMD") == "1":
        pytest.skip(f"STORYLINE_SKIP_SYSTEMD=1: {reason}")
    pytest.fail(f"cannot run the real-systemd test: {reason} (set STORYLINE_SKIP_SYSTEMD=1 to skip it on purpose)")


def test_the_unit_under_a_real_systemd(tmp_path):
    if os.geteuid() != 0:
        skip_or_fail("it needs root to boot a container")
    nspawn = shutil.which("systemd-nspawn")
    if nspawn is None:
        skip_or_fail("systemd-nspawn is missing (apt-get install systemd-container)")

    # /tmp paths keep the bind mounts short; the probe directory is shared with the container.
    probe = Path(tempfile.mkdtemp(prefix="storyline-nspawn-"))
    probe.chmod(0o755)  # the producer and reader users in the container read the articles and scripts here
    try:
        (probe / "articles").mkdir()
        for index in range(5):
            shutil.copy(support.seed(index), probe / "articles" / f"seed{index}.txt")
        shutil.copytree(support.REPO_ROOT / "deploy", probe / "deploy")
        shutil.copy(SYSTEM / "probe.sh", probe / "probe.sh")
        bin_dir = probe / "bin"
        bin_dir.mkdir()
        shutil.copy(support.binary_path(), bin_dir / "storyline")
        (probe / "probe.target").write_text(
            "[Unit]\nDescription=Storyline probe\nRequires=basic.target probe.service\n"
            "After=basic.target probe.service\n")
        (probe / "probe.service").write_text(
            "[Unit]\nDescription=Storyline probe\nAfter=basic.target\n"
            "[Service]\nType=oneshot\nExecStart=/probe/probe.sh\nTimeoutStartSec=240\n")
        command = [
            nspawn, "--quiet", "--keep-unit", "--directory=/", "--volatile=yes", "--overlay=/usr::/usr",
            "--private-network", "--register=no", f"--bind={probe}:/probe",
            # A debug build finds the Swift runtime in the toolchain; the packaged one is static.
            "--bind-ro=/opt/swift",
            f"--bind-ro={probe}/probe.target:/etc/systemd/system/probe.target",
            f"--bind-ro={probe}/probe.service:/etc/systemd/system/probe.service",
            "-b", "systemd.unit=probe.target", "systemd.firstboot=off",
        ]
        try:
            boot = subprocess.run(command, capture_output=True, text=True, timeout=300)
        except subprocess.TimeoutExpired:
            pytest.fail("the container did not power off within 300 s")
        shutil.rmtree("/run/systemd/nspawn/propagate", ignore_errors=True)
        results_file = probe / "results"
        if not results_file.exists():
            skip_or_fail(f"the container did not run the probe (exit {boot.returncode}): {boot.stderr[-2000:]}")
        results = results_file.read_text().splitlines()
        print("\n".join(results))
        for name in ("status.txt", "story.txt", "tail.txt", "metrics.txt", "socket-metrics.txt"):
            if (probe / name).exists():
                print(f"--- {name}\n{(probe / name).read_text()}")
        failed = [line for line in results if line.startswith("FAIL")]
        details = (probe / "details").read_text() if (probe / "details").exists() else ""
        assert not failed, "\n".join(failed) + "\n--- details\n" + details[-4000:]
        assert results and results[-1] == "done", "the probe stopped early:\n" + "\n".join(results) + details[-4000:]
        assert len(results) >= 20
    finally:
        if os.environ.get("STORYLINE_KEEP_PROBE") == "1":
            print(f"kept {probe}")
        else:
            shutil.rmtree(probe, ignore_errors=True)
