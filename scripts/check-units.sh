#!/usr/bin/env bash
# Offline checks of deploy/storyline.service: `systemd-analyze verify` must print nothing on stderr,
# and `systemd-analyze security` must score 1.0 or lower.
# verify checks that ExecStart exists, so it runs on a copy whose ExecStart names the binary just
# built instead of /usr/bin/storyline; nothing else in the copy differs.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=$(realpath "${1:-.build/debug/storyline}")
unit=deploy/storyline.service
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed "s|/usr/bin/storyline|$binary|" "$unit" > "$work/storyline.service"
if ! systemd-analyze verify --man=no "$work/storyline.service" 2> "$work/verify.err" || [ -s "$work/verify.err" ]; then
    echo "FAIL: systemd-analyze verify $unit:" >&2
    cat "$work/verify.err" >&2
    exit 1
fi
echo "ok: systemd-analyze verify $unit is clean"
if ! systemd-analyze security --offline=yes --threshold=10 "$unit" > "$work/security.out" 2>&1; then
    echo "FAIL: systemd-analyze security $unit scores above 1.0:" >&2
    grep -E "✗|Overall" "$work/security.out" >&2
    exit 1
fi
echo "ok: $(grep -o 'Overall exposure level.*' "$work/security.out")"
