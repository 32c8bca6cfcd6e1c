"""The hardened unit under a real systemd 252, booted as PID 1 in a container (systemd-nspawn).

The container runs over the host's own root with a volatile / (a tmpfs, an empty /etc) and the host's
/usr under a throwaway overlay (what the container writes there is gone when it stops): the probe
(Tests/System/probe.sh) installs the project's unchanged deploy/ files (the unit, the metrics socket,
sysusers.d, tmpfiles.d, logrotate) and the binary at /usr/bin/storyline, makes a producer user and a
reader user, drives the service with systemctl and journalctl as they would, and writes one line per
check. This test prints every check, so a failure names the promise that broke.

It needs root and systemd-nspawn (package systemd-container, installed by `make test`). Where it cannot
boot the container it fails, loudly, unless STORYLINE_SKIP_SYSTEMD=1 is set on purpose.
STORYLINE_KEEP_PROBE=1 keeps the probe directory (results, details, the journal) for a look afterwards.
"""

import shutil

import nspawn_probe
import support

OUTPUTS = ["status.txt", "story.txt", "tail.txt", "metrics.txt", "socket-metrics.txt"]


def test_the_unit_under_a_real_systemd():
    nspawn = nspawn_probe.nspawn()
    with nspawn_probe.probe_directory("storyline-nspawn-", "probe.sh", seeds=5) as probe:
        shutil.copytree(support.REPO_ROOT / "deploy", probe / "deploy")
        (probe / "bin").mkdir()
        shutil.copy(support.binary_path(), probe / "bin" / "storyline")
        command = [
            nspawn, "--directory=/", "--volatile=yes", "--overlay=/usr::/usr",
            # A debug build finds the Swift runtime in the toolchain; the packaged one is static.
            "--bind-ro=/opt/swift",
            *nspawn_probe.boot_arguments(probe),
        ]
        nspawn_probe.boot_and_report(command, probe, OUTPUTS, timeout=300, at_least=20)
