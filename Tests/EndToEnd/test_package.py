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
from pathlib import Path

import pytest

import nspawn_probe
import support

OUTPUTS = ["install.txt", "dpkg-L.txt", "status.txt", "backup.txt", "upgrade.txt", "downgrade.txt", "newer-start.txt",
           "newer-status.txt", "remove.txt", "purge.txt", "after-purge.txt", "reinstall.txt"]


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
    nspawn = nspawn_probe.nspawn()
    deb, binary = package_paths()
    if not deb.is_file() or not binary.is_file():
        pytest.fail(f"{deb} or {binary} is missing: run `make deb` first")

    with nspawn_probe.probe_directory("storyline-package-", "package-probe.sh", seeds=4) as probe:
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
            nspawn, f"--directory={overlay}/root", "--machine=storyline-package",
            # The toolchain hidden: the package must bring everything the binary needs.
            "--tmpfs=/opt/swift",
            *nspawn_probe.boot_arguments(probe),
        ]
        nspawn_probe.boot_and_report(command, probe, OUTPUTS, timeout=360, at_least=40)
