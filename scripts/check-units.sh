#!/usr/bin/env bash
# Offline checks of the units in deploy/: `systemd-analyze verify` must print nothing on stderr for
# storyline.service, storyline-metrics.socket and storyline-metrics@.service (as an instance, as the
# socket starts it), and `systemd-analyze security` must score both services 1.0 or lower.
# verify checks that ExecStart exists, so it runs on copies whose ExecStart names the binary just
# built instead of /usr/bin/storyline; nothing else in the copies differs.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=$(realpath "${1:-.build/debug/storyline}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed "s|/usr/bin/storyline|$binary|" deploy/storyline.service > "$work/storyline.service"
sed "s|/usr/bin/storyline|$binary|" deploy/storyline-metrics@.service > "$work/storyline-metrics@.service"
cp "$work/storyline-metrics@.service" "$work/storyline-metrics@0.service"  # the socket's verify needs the template
cp deploy/storyline-metrics.socket "$work/"

verify() {  # verify UNIT-COPY SHIPPED-NAME
    if ! systemd-analyze verify --man=no "$1" 2> "$work/verify.err" || [ -s "$work/verify.err" ]; then
        echo "FAIL: systemd-analyze verify $2:" >&2
        cat "$work/verify.err" >&2
        exit 1
    fi
    echo "ok: systemd-analyze verify $2 is clean"
}
score() {  # score UNIT-COPY SHIPPED-NAME
    if ! systemd-analyze security --offline=yes --threshold=10 "$1" > "$work/security.out" 2>&1; then
        echo "FAIL: systemd-analyze security $2 scores above 1.0:" >&2
        grep -E "✗|Overall" "$work/security.out" >&2
        exit 1
    fi
    echo "ok: $2: $(grep -o 'Overall exposure level.*' "$work/security.out")"
}

verify "$work/storyline.service" deploy/storyline.service
score "$work/storyline.service" deploy/storyline.service
verify "$work/storyline-metrics@0.service" deploy/storyline-metrics@.service
score "$work/storyline-metrics@0.service" deploy/storyline-metrics@.service
verify "$work/storyline-metrics.socket" deploy/storyline-metrics.socket
