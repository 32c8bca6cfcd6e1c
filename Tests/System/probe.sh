#!/bin/bash
# Runs inside a container booted with a real systemd 252 (see test_systemd.py): installs the project's
# unchanged deploy/storyline.service, drives it with systemctl and journalctl, and writes one line per
# check to /probe/results ("ok: ..." or "FAIL: ..."), then powers the container off.
set -u
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
    return 1
}
wait_status() {  # wait_status TEXT: until StatusText contains TEXT
    for _ in $(seq 100); do show StatusText | grep -q -- "$1" && return 0; sleep 0.1; done
    show StatusText
    return 1
}
drop_plain() { cat "/probe/articles/$1" > "$inbox/$1"; }
drop_renamed() { cp "/probe/articles/$1" "$inbox/.$1.tmp" && mv "$inbox/.$1.tmp" "$inbox/$1"; }
one_line_per_file() {  # every named file has exactly one line
    for file in "$@"; do
        [ "$(grep -c "\"file\":\"$file\"" "$timeline")" = 1 ] || { echo "$file: $(grep -c "\"file\":\"$file\"" "$timeline") lines"; return 1; }
    done
}
seq_gapless() { python3 -c '
import json, sys
seqs = [json.loads(line)["seq"] for line in open(sys.argv[1], encoding="utf-8")]
sys.exit(0 if seqs == list(range(1, len(seqs) + 1)) else 1)' "$timeline"; }

cp /probe/storyline.service /etc/systemd/system/storyline.service
systemctl daemon-reload

# Start: systemctl start returns once READY=1 was sent.
systemctl start storyline
check "systemctl start returns with ActiveState=active" test "$(show ActiveState)" = active
check "SubState=running after start" test "$(show SubState)" = running
check "StatusText is set at start (watching ...)" wait_status "watching $inbox: 0 articles"

# Producers: a plain write and a write-then-rename each get one line; StatusText follows.
drop_plain seed0.txt
drop_renamed seed1.txt
check "two dropped files give two timeline lines" wait_lines 2
check "a plain write and a renamed write have exactly one line each" one_line_per_file seed0.txt seed1.txt
check "StatusText reflects the dropped files (2 articles)" wait_status "2 articles"
group_readable() { local mode; mode=$(stat -c '%a' "$timeline"); echo "mode $mode"; [ $(( 8#$mode & 8#040 )) -ne 0 ]; }
check "the timeline is readable by the unit's group (mode 0640 or wider)" group_readable

# Reload: a new StatusText, still running.
systemctl reload storyline
check "systemctl reload keeps it running" test "$(show SubState)" = running
check "systemctl reload gives a new StatusText" wait_status "(reloaded)"

# A reload that fails: ExecReload (storyline reload) reports the daemon's verdict, so systemctl reload
# fails and the service runs on with its previous settings. A drop-in adds --config to ExecStart.
config=/run/storyline-probe.yaml
mkdir -p /run/systemd/system/storyline.service.d
printf '[Service]\nExecStart=\nExecStart=/usr/local/bin/storyline run --inbox %s --state /var/lib/storyline/state --timeline %s --config %s\n' \
    "$inbox" "$timeline" "$config" > /run/systemd/system/storyline.service.d/config.conf
echo 'batch_size: 64' > "$config"
chmod 0644 "$config"
systemctl daemon-reload
systemctl restart storyline
echo 'horizon_days: .inf' > "$config"
reload_status=0
systemctl reload storyline >> /probe/details 2>&1 || reload_status=$?
check "systemctl reload fails (exit $reload_status) when the configuration cannot work" test "$reload_status" -ne 0
check "after a failed reload the service still runs" test "$(show SubState)" = running
check "after a failed reload StatusText names the error" wait_status "reload failed: horizon_days must be"
failed_reload_logged() { journalctl -u storyline --no-pager | grep -q "reload failed: horizon_days must be"; }
check "the journal has storyline reload's message" failed_reload_logged
echo 'batch_size: 32' > "$config"
check "systemctl reload succeeds once the configuration is fixed" systemctl reload storyline
check "a good reload ends in (reloaded)" wait_status "(reloaded)"

# A configuration error at start-up: exit status 78, and RestartPreventExitStatus=78 keeps systemd from
# restarting into the same error.
echo 'colour: blue' > "$config"
systemctl restart storyline >> /probe/details 2>&1
sleep 3  # longer than RestartSec=2s: a restart would have happened by now
check "a bad configuration at start exits 78 (ExecMainStatus)" test "$(show ExecMainStatus)" = 78
check "a bad configuration at start is not restarted (ActiveState=failed)" test "$(show ActiveState)" = failed
config_error_logged() { journalctl -u storyline --no-pager | grep -q "storyline: configuration error: configuration file $config: colour is not a setting"; }
check "the journal has the one-line configuration error" config_error_logged
rm -f "$config"
rm -rf /run/systemd/system/storyline.service.d
systemctl daemon-reload
systemctl reset-failed storyline
systemctl start storyline
check "back to the shipped unit: running again" test "$(show SubState)" = running

# A rejected file: warning priority in the journal.
printf 'bin\000ary' > "$inbox/broken.txt"
check "a binary file gets a line" wait_lines 3

# Restart: no line for old files, seq continues.
systemctl restart storyline
drop_renamed seed2.txt
check "after restart the new file gets its line" wait_lines 4
check "after restart old files have no second line" one_line_per_file seed0.txt seed1.txt broken.txt seed2.txt
check "seq is 1..N without gaps across the restart" seq_gapless

# Injection: a name with a newline, an ESC and a quote, each trying to start a field of its own, and a
# title that tries the same. Each reaches the journal as one intact field value of one entry.
cat > /probe/hostile.py <<'PY'
import json, sys
NAME = "evil\nSTORYLINE_STORY=s998\nPRIORITY=1\x1b[31m\"q.json"
TITLE = "x\nSTORYLINE_STORY=s999\nPRIORITY=0"

def value(field):
    """A journal field from journalctl -o json: a string, or bytes as a list of numbers (control
    characters, not UTF-8); a field given more than once is a list of such values."""
    if isinstance(field, list) and all(isinstance(item, int) for item in field):
        return bytes(field).decode("utf-8", errors="replace")
    return field

def drop():
    with open("/var/lib/storyline/inbox/" + NAME, "w") as file:
        json.dump({"title": TITLE, "text": "A short report written to try the journal's fields.",
                   "source": TITLE}, file)

def entries():
    return [{key: value(field) for key, field in json.loads(line).items()} for line in open("/probe/journal.json")]

def timeline_names_exact():
    lines = [json.loads(line) for line in open("/var/lib/storyline/timeline.jsonl", encoding="utf-8")]
    mine = [line for line in lines if line.get("article", {}).get("file") == NAME]
    assert len(mine) == 1 and mine[0]["article"]["title"] == "x STORYLINE_STORY=s999 PRIORITY=0", mine

def one_entry_with_the_exact_name():
    mine = [entry for entry in entries() if entry.get("STORYLINE_FILE") == NAME]
    assert len(mine) == 1, mine  # the daemon logs one entry per judged file
    entry = mine[0]
    assert entry["PRIORITY"] == "6" and entry["STORYLINE_EVENT"] == "story_started", entry
    assert isinstance(entry["STORYLINE_STORY"], str) and entry["STORYLINE_STORY"] not in ("s998", "s999"), entry
    assert NAME in entry["MESSAGE"], entry

def nothing_forged():
    for entry in entries():
        for key in ("STORYLINE_STORY", "PRIORITY", "STORYLINE_FILE"):
            assert not isinstance(entry.get(key), list), (key, entry)  # never a second value in one entry
        assert entry.get("STORYLINE_STORY") not in ("s998", "s999"), entry
        if entry.get("SYSLOG_IDENTIFIER") == "storyline":
            assert entry["PRIORITY"] not in ("0", "1"), entry

globals()[sys.argv[1]]()
PY
python3 /probe/hostile.py drop
check "a file whose name and title hold newlines, ESC and quotes gets its line" wait_lines 5
check "the timeline names that file exactly, with its title on one line" python3 /probe/hostile.py timeline_names_exact
journalctl --sync
journalctl -u storyline -o json > /probe/journal.json
check "the journal has one entry for that file, its STORYLINE_FILE the exact name" python3 /probe/hostile.py one_entry_with_the_exact_name
check "no journal field forged by a name or title (no STORYLINE_STORY=s99x, PRIORITY=0/1, repeated field)" \
    python3 /probe/hostile.py nothing_forged

# The journal: structured fields, priorities, a query by story.
journalctl --sync
journalctl -u storyline -o json > /probe/journal.json
check "journal entries carry STORYLINE_EVENT, STORYLINE_FILE, STORYLINE_STORY" python3 -c '
import json, sys
entries = [json.loads(line) for line in open("/probe/journal.json")]
events = [e for e in entries if "STORYLINE_EVENT" in e]
assert any(e.get("STORYLINE_FILE") == "seed0.txt" and e.get("STORYLINE_STORY") for e in events), events
assert all(e.get("SYSLOG_IDENTIFIER") == "storyline" for e in events)'
check "story events are logged at info (PRIORITY=6), rejections at warning (PRIORITY=4)" python3 -c '
import json
entries = [json.loads(line) for line in open("/probe/journal.json")]
events = [e for e in entries if "STORYLINE_EVENT" in e]
assert {e["PRIORITY"] for e in events if e["STORYLINE_EVENT"] == "rejected"} == {"4"}, events
assert {e["PRIORITY"] for e in events if e["STORYLINE_EVENT"] != "rejected"} == {"6"}, events'
story=$(python3 -c 'import json; print(json.loads(open("'"$timeline"'").readline())["story"])')
journalctl -u storyline "STORYLINE_STORY=$story" -o json > /probe/story.json
check "journalctl STORYLINE_STORY=<id> returns exactly that story's articles" python3 -c '
import json
timeline = [json.loads(line) for line in open("'"$timeline"'")]
expected = sorted(e["article"]["file"] for e in timeline if e.get("story") == "'"$story"'")
got = sorted(json.loads(line)["STORYLINE_FILE"] for line in open("/probe/story.json"))
assert got == expected, (got, expected)'
check "no permission or system call denials in the journal under the sandbox" bash -c \
    '! journalctl -u storyline | grep -Ei "operation not permitted|permission denied|seccomp|bad system call|errno=(1|13)\b|failed to set"'

systemctl status storyline --no-pager > /probe/status.txt 2>&1
journalctl -u storyline "STORYLINE_STORY=$story" --no-pager -o short > /probe/story.txt 2>&1
storyline tail --timeline "$timeline" --from-seq 2 > /probe/tail.txt 2>&1
check "storyline tail --from-seq 2 prints lines 2 to the end" python3 -c '
import json
lines = open("/probe/tail.txt").read().splitlines()
seqs = [json.loads(line)["seq"] for line in lines]
assert seqs == list(range(2, 2 + len(seqs))) and len(seqs) >= 3, seqs'

# Stop: Result=success.
systemctl stop storyline
check "systemctl stop ends with Result=success" test "$(show Result)" = success

# Watchdog: a stalled loop is killed with Result=watchdog and Restart=on-failure brings it back. The
# stall is real: the process is stopped (as a hung disk stops it), so it pings no more.
mkdir -p /run/systemd/system/storyline.service.d
printf '[Service]\nWatchdogSec=2s\nRestartSec=1s\n' > /run/systemd/system/storyline.service.d/stall.conf
systemctl daemon-reload
systemctl start storyline
first_pid=$(show MainPID)
before=$(lines)
drop_renamed seed3.txt
wait_lines $((before + 1))
kill -STOP "$first_pid"
killed() {
    for _ in $(seq 150); do
        journalctl -u storyline --no-pager | grep -q "Failed with result 'watchdog'" && return 0
        sleep 0.1
    done
    systemctl status storyline --no-pager
    journalctl -u storyline --no-pager | tail -20
    return 1
}
check "a stalled loop is killed by the watchdog (Result=watchdog)" killed
back() {
    for _ in $(seq 100); do
        pid=$(show MainPID)
        [ "$(show SubState)" = running ] && [ "$pid" != 0 ] && [ "$pid" != "$first_pid" ] && return 0
        sleep 0.1
    done
    return 1
}
check "Restart=on-failure brings it back" back
check "NRestarts counts the restart" test "$(show NRestarts)" -ge 1
check "nothing lost across the watchdog kill: every file has one line" one_line_per_file seed0.txt seed1.txt broken.txt seed2.txt seed3.txt
check "seq still gapless after the watchdog kill" seq_gapless
rm -rf /run/systemd/system/storyline.service.d
systemctl daemon-reload
systemctl stop storyline

echo done >> "$results"
systemctl poweroff
