#!/usr/bin/env bash
# Offline checks of deploy/storyline.service and deploy/storyline-metrics@.service (and its socket): `systemd-analyze verify` must print nothing on stderr,
# and `systemd-analyze security` must score 1.0 or lower.
# verify checks that ExecStart exists, so it runs on a copy whose ExecStart names the binary just
# built instead of /usr/bin/storyline; nothing else in the copy differs.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=$(realpath "${1:-.build/debug/storyline}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for unit in deploy/storyline.service deploy/storyline-metrics@.service; do
    name=$(basename "$unit")
    sed "s|/usr/bin/storyline|$binary|" "$unit" > "$work/$name"
    [ "$name" = storyline-metrics@.service ] && cp deploy/storyline-metrics.socket "$work/"
    # A template is verified as an instance of it, as the socket starts them.
    target=$work/$name
    [ "$name" = storyline-metrics@.service ] && target=$work/storyline-metrics@0.service && cp "$work/$name" "$target"
    if ! systemd-analyze verify --man=no "$target" 2> "$work/verify.err" || [ -s "$work/verify.err" ]; then
        echo "FAIL: systemd-analyze verify $unit:" >&2
        cat "$work/verify.err" >&2
        exit 1
    fi
    echo "ok: systemd-analyze verify $unit is clean"
    if ! systemd-analyze security --offline=yes --threshold=10 "$target" > "$work/security.out" 2>&1; then
        echo "FAIL: systemd-analyze security $unit scores above 1.0:" >&2
        grep -E "✗|Overall" "$work/security.out" >&2
        exit 1
    fi
    echo "ok: $unit: $(grep -o 'Overall exposure level.*' "$work/security.out")"
done
if ! systemd-analyze verify --man=no "$work/storyline-metrics.socket" 2> "$work/verify.err" || [ -s "$work/verify.err" ]; then
    echo "FAIL: systemd-analyze verify deploy/storyline-metrics.socket:" >&2
    cat "$work/verify.err" >&2
    exit 1
fi
echo "ok: systemd-analyze verify deploy/storyline-metrics.socket is clean"
