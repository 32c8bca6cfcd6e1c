"""The Debian package under a real systemd 252: install, upgrade, downgrade, remove and purge with dpkg.

As in test_systemd.py, systemd boots as PID 1 in a container (systemd-nspawn) over the host's own root; here
the root is an overlay (the host's root below, a tmpfs above) so that dpkg can write /usr, /etc and
/var/lib/dpkg into a throwaway layer, and the Swift toolchain is hidden under an empty tmpfs (--tmpfs=/opt/swift): the package must
work on its own. The probe (Tests/System/package-probe.sh) installs the package `make deb` built, then the same
binary repackaged under a higher version, then the first again, removes and purges it and installs it once more,
and writes one line per check. This test prints every check and what dpkg printed.

It needs root and systemd-nspawn (package systemd-container, installed by `make test`), the package
(STORYLINE_DEB, default .build-deb/storyline_VERSION_ARCH.deb) and the static binary it holds
(STORYLINE_STATIC_BIN, default .build-static/release/storyline): `make test-systemd` builds both. Where it cannot
boot the container it fails, loudly, unless STORYLINE_SKIP_SYSTEMD=1 is set on purpose.
"""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

import support

SYSTEM = support.REPO_ROOT / "Tests" / "System"
OUTPUTS = ["install.txt", "dpkg-L.txt", "status.txt", "backup.txt", "upgrade.txt", "downgrade.txt", "newer-start.txt", "newer-status.txt", "remove.txt", "purge.txt",
           "after-purge.txt", "reinstall.txt"]


def skip_or_fail(reason: str) -> None:
    if os.environ.get("STORYLINE_SKIP_SYSTEMD") == "1":
        pytest.skip(f"STORYLINE_SKIP_SYSTEMD=1: {reason}")
    pytest.fail(f"cannot run the package test: {reason} (set STORYLINE_SKIP_SYSTEMD=1 to skip it on purpose)")


def release() -> str:
    source = (support.REPO_ROOT / "Sources" / "StorylineDaemon" / "System" / "StorylineBuild.swift").read_text()
    return re.search(r'public static let version = "([^"]+)"', source)[1]


def package_paths() -> tuple[Path, Path]:
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True).stdout.strip()
    deb = Path(os.environ.get("STORYLINE_DEB", support.REPO_ROOT / ".build-deb" / f"storyline_{release()}_{arch}.deb"))
    binary = Path(os.environ.get("STORYLINE_STATIC_BIN", support.REPO_ROOT / ".build-static" / "release" / "storyline"))
    return deb, binary


def field(deb: Path, name: str) -> str:
    return subprocess.run(["dpkg-deb", "-f", str(deb), name], capture_output=True, text=True, check=True).stdout.strip()


def test_the_package_installs_upgrades_downgrades_and_removes_under_a_real_systemd():
    if os.geteuid() != 0:
        skip_or_fail("it needs root to boot a container")
    nspawn = shutil.which("systemd-nspawn")
    if nspawn is None:
        skip_or_fail("systemd-nspawn is missing (apt-get install systemd-container)")
    deb, binary = package_paths()
    if not deb.is_file() or not binary.is_file():
        pytest.fail(f"{deb} or {binary} is missing: run `make deb` first")

    # /tmp paths keep the bind mounts short; the probe directory is shared with the container.
    probe = Path(tempfile.mkdtemp(prefix="storyline-package-"))
    probe.chmod(0o755)  # the producer and reader users in the container read the articles here
    try:
        (probe / "articles").mkdir()
        for index in range(4):
            shutil.copy(support.seed(index), probe / "articles" / f"seed{index}.txt")
        shutil.copy(SYSTEM / "package-probe.sh", probe / "probe.sh")
        shutil.copy(deb, probe / "first.deb")
        first = field(deb, "Version")
        # The upgrade: the same binary under a higher version, packaged by the same script.
        second = f"{first}+probe1"
        built = subprocess.run([str(support.REPO_ROOT / "scripts" / "build-deb.sh"), str(binary), second, str(probe)],
                               capture_output=True, text=True, timeout=300)
        assert built.returncode == 0, built.stderr
        shutil.move(built.stdout.strip(), probe / "second.deb")
        shutil.rmtree(probe / f"tree-{second}")
        (probe / "versions").write_text(f"FIRST={first}\nSECOND={second}\nRELEASE={release()}\n")
        (probe / "probe.target").write_text(
            "[Unit]\nDescription=Storyline package probe\nRequires=basic.target probe.service\n"
            "After=basic.target probe.service\n")
        (probe / "probe.service").write_text(
            "[Unit]\nDescription=Storyline package probe\nAfter=basic.target\n"
            "[Service]\nType=oneshot\nExecStart=/probe/probe.sh\nTimeoutStartSec=300\n")
        # nspawn refuses --volatile=overlay on the host's root ("Spawning container on root directory is not
        # supported"), so the overlay is made here: the host's root below, a tmpfs above, in a mount namespace
        # of its own that goes away with the container.
        overlay = probe / "overlay"
        overlay.mkdir()
        command = [
            "unshare", "--mount", "--propagation=private", "sh", "-euc",
            'mount -t tmpfs tmpfs "$1"; mkdir "$1/upper" "$1/work" "$1/root"; '
            'mount -t overlay overlay -o "lowerdir=/,upperdir=$1/upper,workdir=$1/work" "$1/root"; '
            'shift; exec "$@"', "overlay", str(overlay),
            nspawn, "--quiet", "--keep-unit", f"--directory={overlay}/root", "--machine=storyline-package",
            "--private-network", "--register=no", f"--bind={probe}:/probe",
            # The toolchain hidden: the package must bring everything the binary needs.
            "--tmpfs=/opt/swift",
            f"--bind-ro={probe}/probe.target:/etc/systemd/system/probe.target",
            f"--bind-ro={probe}/probe.service:/etc/systemd/system/probe.service",
            "-b", "systemd.unit=probe.target", "systemd.firstboot=off",
        ]
        try:
            boot = subprocess.run(command, capture_output=True, text=True, timeout=360)
        except subprocess.TimeoutExpired:
            pytest.fail("the container did not power off within 360 s")
        shutil.rmtree("/run/systemd/nspawn/propagate", ignore_errors=True)
        results_file = probe / "results"
        if not results_file.exists():
            skip_or_fail(f"the container did not run the probe (exit {boot.returncode}): {boot.stderr[-2000:]}")
        results = results_file.read_text().splitlines()
        print("\n".join(results))
        for name in OUTPUTS:
            if (probe / name).exists():
                print(f"--- {name}\n{(probe / name).read_text()}")
        failed = [line for line in results if line.startswith("FAIL")]
        details = (probe / "details").read_text() if (probe / "details").exists() else ""
        assert not failed, "\n".join(failed) + "\n--- details\n" + details[-4000:]
        assert results and results[-1] == "done", "the probe stopped early:\n" + "\n".join(results) + details[-4000:]
        assert len(results) >= 40
    finally:
        shutil.rmtree(probe, ignore_errors=True)
