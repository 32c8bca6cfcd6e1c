#!/bin/bash
# Packages Storyline as a Debian package with dpkg-deb, from an already built static binary:
#   scripts/build-deb.sh BINARY VERSION OUTDIR      (what `make deb` runs)
# writes OUTDIR/storyline_VERSION_ARCH.deb and prints its path. The same binary can be packaged under
# several versions (the package test builds an upgrade that way). The tree is made in OUTDIR/tree-VERSION.
#
# Before packaging it checks that the binary is self-contained: no RUNPATH, RPATH or NEEDED entry into the
# Swift toolchain (/opt/swift), and that it runs with /opt/swift hidden under an empty tmpfs. Depends: is
# what dpkg-shlibdeps finds for the binary's NEEDED libraries, plus systemd (systemd-sysusers,
# systemd-tmpfiles and the unit).
set -euo pipefail

if [ $# -ne 3 ]; then
    echo "usage: scripts/build-deb.sh BINARY VERSION OUTDIR" >&2
    exit 64
fi
binary=$1
version=$2
out=$3
repo=$(cd "$(dirname "$0")/.." && pwd)
arch=$(dpkg --print-architecture)
commit=$("$binary" --version | sed -n 's/.*(commit \(.*\))$/\1/p')
fail() { echo "build-deb: $*" >&2; exit 1; }

[[ "$version" =~ ^[0-9][A-Za-z0-9.+~-]*$ ]] || fail "$version is not a Debian version (digits first, then [A-Za-z0-9.+~-])"

# Self-contained: nothing of the toolchain named, and it runs without it.
if readelf -d "$binary" | grep -E '\((NEEDED|RPATH|RUNPATH)\)' | grep -q /opt/swift; then
    readelf -d "$binary" | grep -E '\((NEEDED|RPATH|RUNPATH)\)' >&2
    fail "$binary names /opt/swift: build it with --static-swift-stdlib"
fi
if [ -d /opt/swift ]; then
    hide=(unshare --mount)
    [ "$(id -u)" = 0 ] || hide=(unshare --mount --map-root-user)
    "${hide[@]}" sh -c 'mount -t tmpfs none /opt/swift && "$0" --version' "$binary" > /dev/null ||
        fail "$binary does not run with /opt/swift hidden"
fi

tree=$out/tree-$version
rm -rf "$tree"
mkdir -p "$tree/DEBIAN"
doc=$tree/usr/share/doc/storyline
install -D -m 0755 "$binary" "$tree/usr/bin/storyline"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$tree/usr/bin/storyline"
install -D -m 0644 "$repo/deploy/storyline.service" "$tree/lib/systemd/system/storyline.service"
# The metrics socket ships disabled: `systemctl enable --now storyline-metrics.socket` listens on loopback.
install -m 0644 "$repo/deploy/storyline-metrics.socket" "$repo/deploy/storyline-metrics@.service" "$tree/lib/systemd/system/"
install -D -m 0644 "$repo/deploy/sysusers.d/storyline.conf" "$tree/usr/lib/sysusers.d/storyline.conf"
install -D -m 0644 "$repo/deploy/tmpfiles.d/storyline.conf" "$tree/usr/lib/tmpfiles.d/storyline.conf"
install -D -m 0644 "$repo/deploy/logrotate.d/storyline" "$tree/etc/logrotate.d/storyline"
install -D -m 0644 "$repo/deploy/storyline.yaml" "$doc/examples/storyline.yaml"
install -m 0644 "$repo/README.md" "$repo"/docs/*.md "$doc/"
mkdir -p "$tree/usr/share/man/man1"
"$repo/scripts/man-page.py" "$tree/usr/bin/storyline" | gzip -9n > "$tree/usr/share/man/man1/storyline.1.gz"
date=$(date -R -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}")
maintainer="Storyline maintainers <maintainers@users.noreply.h-seed-e5dce9e0.example>"
# A native package (its version has no Debian revision): its changelog is changelog.gz.
printf 'storyline (%s) unstable; urgency=medium\n\n  * Built from commit %s.\n\n -- %s  %s\n' \
    "$version" "$commit" "$maintainer" "$date" | gzip -9n > "$doc/changelog.gz"
# Yams compiles its own copy of libyaml's C sources into the binary (its CYaml target); it cannot be
# pointed at Debian's libyaml-0-2 instead.
install -D -m 0644 /dev/stdin "$tree/usr/share/lintian/overrides/storyline" <<'EOF'
storyline: embedded-library libyaml [usr/bin/storyline]
EOF

# Depends: dpkg-shlibdeps reads the binary's NEEDED entries and the shlibs of the packages that hold them; it
# wants a debian/control naming the package, which a scratch directory gives it.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/debian"
printf 'Source: storyline\n\nPackage: storyline\nArchitecture: any\n' > "$scratch/debian/control"
# (Its warning that the binary is not in debian/PACKAGE/ says only that there is no such tree.)
tree_path=$(cd "$tree" && pwd)
shlibs=$(cd "$scratch" && dpkg-shlibdeps -O -e "$tree_path/usr/bin/storyline" \
    2> >(grep -v "should already be installed in their package's directory" >&2) | sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || fail "dpkg-shlibdeps found no libraries for $binary"

installed_size=$(du -sk --exclude=DEBIAN "$tree" | cut -f1)
cat > "$tree/DEBIAN/control" <<EOF
Package: storyline
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $installed_size
Depends: $shlibs, systemd
Recommends: logrotate
Section: misc
Priority: optional
Description: news deduplication daemon: near-duplicates and story timelines
 Storyline watches an inbox directory for news article files, recognises
 near-duplicates by shingle hashing (MinHash and LSH, every candidate verified
 exactly) and groups the other articles into stories. It appends one JSON line
 per file to a timeline and runs under systemd as a Type=notify service.
 .
 Built from commit $commit.
EOF
echo /etc/logrotate.d/storyline > "$tree/DEBIAN/conffiles"

cat > "$tree/DEBIAN/postinst" <<'EOF'
#!/bin/sh
# The user and groups, then the directories; on a first install the service is enabled and started, on an
# upgrade (or a reinstall) a running service is restarted on the new binary and an enabled one started.
set -e
if [ "$1" = configure ]; then
    systemd-sysusers storyline.conf
    systemd-tmpfiles --create storyline.conf
    if [ -z "$2" ]; then
        systemctl enable storyline.service >/dev/null 2>&1 || true
    fi
    if [ -d /run/systemd/system ]; then
        systemctl --system daemon-reload
        # A service that fails to start does not fail the installation: systemctl says why, and
        # `systemctl status storyline` keeps it.
        if [ -z "$2" ]; then
            systemctl start storyline.service || true
        else
            systemctl try-restart storyline.service || true
            if systemctl --quiet is-enabled storyline.service; then systemctl start storyline.service || true; fi
        fi
    fi
fi
exit 0
EOF

cat > "$tree/DEBIAN/prerm" <<'EOF'
#!/bin/sh
# On removal the service stops before its binary goes; an upgrade leaves it running until the new
# package's postinst restarts it.
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
    systemctl stop storyline-metrics.socket storyline.service || true
fi
exit 0
EOF

cat > "$tree/DEBIAN/postrm" <<'EOF'
#!/bin/sh
# systemd forgets the removed unit; a purge also removes the unit's enablement. /var/lib/storyline (the
# inbox, the timeline and the state) is never deleted, not even on purge: it is the users' data
# (docs/operations.md says how to delete it by hand). The user and groups stay, as they own it.
set -e
case "$1" in
    remove|purge)
        if [ "$1" = purge ]; then
            rm -f /etc/systemd/system/multi-user.target.wants/storyline.service \
                /etc/systemd/system/sockets.target.wants/storyline-metrics.socket
        fi
        if [ -d /run/systemd/system ]; then
            systemctl --system daemon-reload || true
        fi
        ;;
esac
exit 0
EOF
chmod 0755 "$tree/DEBIAN/postinst" "$tree/DEBIAN/prerm" "$tree/DEBIAN/postrm"
(cd "$tree" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -printf '%P\0' | sort -z |
    xargs -0 md5sum) > "$tree/DEBIAN/md5sums"
chmod 0644 "$tree/DEBIAN/control" "$tree/DEBIAN/conffiles" "$tree/DEBIAN/md5sums"

deb=$out/storyline_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$tree" "$deb" > /dev/null
echo "$deb"
