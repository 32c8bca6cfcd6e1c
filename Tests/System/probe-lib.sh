# What both real-systemd probes (probe.sh, package-probe.sh) share; sourced from /probe/probe-lib.sh.
# Each check appends "ok: WHAT" or "FAIL: WHAT" to /probe/results and what it printed to /probe/details.
results=/probe/results
: > "$results"
inbox=/var/lib/storyline/inbox
timeline=/var/lib/storyline/timeline.jsonl

check() {  # check "what was promised" command...
    local name=$1
    shift
    if "$@" >> /probe/details 2>&1; then echo "ok: $name" >> "$results"; else echo "FAIL: $name" >> "$results"; fi
}
show() { systemctl show -p "$1" --value storyline; }
lines() { [ -f "$timeline" ] && wc -l < "$timeline" || echo 0; }
wait_lines() {  # wait_lines N: until the timeline has N lines (20 s at most)
    for _ in $(seq 200); do [ "$(lines)" -ge "$1" ] && return 0; sleep 0.1; done
    lines
    return 1
}
wait_status() {  # wait_status TEXT: until StatusText contains TEXT
    for _ in $(seq 100); do show StatusText | grep -q -- "$1" && return 0; sleep 0.1; done
    show StatusText
    return 1
}
seq_gapless() { python3 -c '
import json, sys
seqs = [json.loads(line)["seq"] for line in open(sys.argv[1], encoding="utf-8")]
print(seqs)
sys.exit(0 if seqs == list(range(1, len(seqs) + 1)) else 1)' "$timeline"; }
# Ordinary accounts: a producer in storyline-producers, a reader in storyline-readers, an outsider in
# neither. Commands run as them through setpriv, not runuser or su: the container's /etc has no PAM.
make_users() {
    mkdir -p /run/sysusers.d
    printf 'u producer -\nm producer storyline-producers\nu reader -\nm reader storyline-readers\nu outsider -\n' \
        > /run/sysusers.d/probe.conf
    systemd-sysusers /run/sysusers.d/probe.conf
}
as_user() { local user=$1; shift; setpriv --reuid="$user" --regid="$user" --init-groups -- "$@"; }
export -f as_user
