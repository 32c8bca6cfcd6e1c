#!/bin/bash
# Runs inside a container booted with a real systemd 252 (see test_systemd.py): installs the project's
# unchanged deploy/ files (unit, sysusers.d, tmpfiles.d, logrotate) and the binary, drives the service
# with systemctl and journalctl as root, as a producer user and as a reader user, and writes one line per
# check to /probe/results ("ok: ..." or "FAIL: ..."), then powers the container off.
set -u
. /probe/probe-lib.sh

# Producers write with the usual umask of 027 unless told otherwise.
as_producer() { as_user producer sh -c "umask ${UMASK:-027}; $1"; }
dropped() { "$@" >> /probe/details 2>&1 || echo "FAIL: the producer could not drop a file ($*)" >> "$results"; }
drop_plain() { dropped as_producer "cat /probe/articles/$1 > $inbox/$1"; }
drop_renamed() { dropped as_producer "cp /probe/articles/$1 $inbox/.$1.tmp && mv $inbox/.$1.tmp $inbox/$1"; }
one_line_per_file() {  # every named file has exactly one line
    for file in "$@"; do
        [ "$(grep -c "\"file\":\"$file\"" "$timeline")" = 1 ] || { echo "$file: $(grep -c "\"file\":\"$file\"" "$timeline") lines"; return 1; }
    done
}

# Install as a package does: the binary, the unit, the user and groups, the directories, logrotate.
install -m 0755 /probe/bin/storyline /usr/bin/storyline
install -m 0644 /probe/deploy/storyline.service /probe/deploy/storyline-metrics.socket \
    /probe/deploy/storyline-metrics@.service /etc/systemd/system/
install -D -m 0644 /probe/deploy/sysusers.d/storyline.conf /usr/lib/sysusers.d/storyline.conf
install -D -m 0644 /probe/deploy/tmpfiles.d/storyline.conf /usr/lib/tmpfiles.d/storyline.conf
install -D -m 0644 /probe/deploy/logrotate.d/storyline /etc/logrotate.d/storyline
check "systemd-sysusers makes the storyline user and its groups" systemd-sysusers storyline.conf
check "systemd-tmpfiles makes /var/lib/storyline, its inbox and its state" systemd-tmpfiles --create storyline.conf
systemctl daemon-reload
mode_of() { stat -c '%a %U %G' "$1"; }
check "/var/lib/storyline is 2751 storyline:storyline-readers" test "$(mode_of /var/lib/storyline)" = "2751 storyline storyline-readers"
check "the inbox is 2770 storyline:storyline-producers" test "$(mode_of "$inbox")" = "2770 storyline storyline-producers"
check "the state is 0700 storyline:storyline" test "$(mode_of /var/lib/storyline/state)" = "700 storyline storyline"
# A producer, a reader and a user who is neither: ordinary accounts, two of them in the shipped groups.
make_users

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
check "the timeline is 0640 storyline:storyline-readers" test "$(mode_of "$timeline")" = "640 storyline storyline-readers"
check "the producer's files are judged and moved out of the inbox" bash -c "[ -z \"\$(ls -A $inbox)\" ]"
check "the reader reads the timeline (tail)" bash -c "as_user reader tail -n 2 $timeline | grep -q seed1.txt"
check "the reader reads it with storyline tail" bash -c "as_user reader storyline tail --timeline $timeline --from-seq 1 | grep -q seed0.txt"
check "a user in neither group cannot read the timeline" bash -c "! as_user outsider cat $timeline 2>/dev/null"
check "a user in neither group cannot write the inbox" bash -c "! as_user outsider sh -c 'echo x > $inbox/outsider.txt' 2>/dev/null"
check "the reader cannot write the inbox" bash -c "! as_user reader sh -c 'echo x > $inbox/reader.txt' 2>/dev/null"
check "neither the reader nor the producer can read the state" bash -c \
    "! as_user reader ls /var/lib/storyline/state 2>/dev/null && ! as_user producer ls /var/lib/storyline/state 2>/dev/null"

# A producer whose umask is 077: its file is left in the inbox, unread, said once and counted, until the
# producer makes it readable by the group; then it is judged like any other.
UMASK=077 drop_plain seed4.txt
check "a file of mode 0600 gets no line and stays in the inbox" bash -c "sleep 1; [ -e $inbox/seed4.txt ] && ! grep -q seed4.txt $timeline"
check "StatusText counts it (1 unreadable in the inbox)" wait_status "1 unreadable in the inbox"
unreadable_logged() { journalctl -u storyline --no-pager | grep -q "seed4.txt cannot be read by storyline, so it is left in the inbox unjudged"; }
check "the journal says why and what to do" unreadable_logged
as_producer "chmod g+r $inbox/seed4.txt"
check "once the producer makes it group-readable it gets its line" wait_lines 3
check "and it leaves the inbox" bash -c "for _ in \$(seq 50); do [ -e $inbox/seed4.txt ] || exit 0; sleep 0.1; done; exit 1"
check "StatusText no longer counts it" wait_status "3 articles"

# Reload: a new StatusText, still running.
systemctl reload storyline
check "systemctl reload keeps it running" test "$(show SubState)" = running
check "systemctl reload gives a new StatusText" wait_status "(reloaded)"

# A reload that fails: ExecReload (storyline reload) reports the daemon's verdict, so systemctl reload
# fails and the service runs on with its previous settings. A drop-in adds --config to ExecStart.
config=/run/storyline-probe.yaml
mkdir -p /run/systemd/system/storyline.service.d
printf '[Service]\nExecStart=\nExecStart=/usr/bin/storyline run --inbox %s --state /var/lib/storyline/state --timeline %s --config %s\n' \
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
check "a binary file gets a line" wait_lines 4

# Restart: no line for old files, seq continues.
systemctl restart storyline
drop_renamed seed2.txt
check "after restart the new file gets its line" wait_lines 5
check "after restart old files have no second line" one_line_per_file seed0.txt seed1.txt seed4.txt broken.txt seed2.txt
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
check "a file whose name and title hold newlines, ESC and quotes gets its line" wait_lines 6
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
    '! journalctl -u storyline | grep -v "cannot be read by storyline, so it is left in the inbox" | grep -Ei "operation not permitted|permission denied|seccomp|bad system call|errno=(1|13)\b|failed to set"'

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
check "nothing lost across the watchdog kill: every file has one line" one_line_per_file seed0.txt seed1.txt seed4.txt broken.txt seed2.txt seed3.txt
check "seq still gapless after the watchdog kill" seq_gapless
rm -rf /run/systemd/system/storyline.service.d
systemctl daemon-reload

# Metrics: Debian's node_exporter, its textfile collector on the state directory, scraped on loopback.
systemctl restart storyline
before=$(lines)
drop_renamed seed1.txt  # the same article under its name again: counted as an exact duplicate
wait_lines $((before + 1))
prometheus-node-exporter --web.listen-address=127.0.0.1:9101 --collector.disable-defaults --collector.textfile \
    --collector.textfile.directory=/var/lib/storyline/state >> /probe/details 2>&1 &
exporter=$!
cat > /probe/scrape.py <<'PY'
import re, sys, time, urllib.request

def scrape():
    text = urllib.request.urlopen("http://127.0.0.1:9101/metrics", timeout=2).read().decode()
    open("/probe/metrics.txt", "w").write(text)
    return dict(re.findall(r'^(storyline_\S+|node_textfile_scrape_error) (\S+)$', text, re.M))

# The daemon rewrites its file within a second of a change: scrape until the new line shows, 10 s at most.
samples = {}
for _ in range(100):
    try:
        samples = scrape()
    except OSError:
        pass
    if samples.get('storyline_files_total{outcome="duplicate"}') == "1":
        break
    time.sleep(0.1)
assert samples.get("node_textfile_scrape_error") == "0", samples
# Counters count from this start (the restart above): one file since, an exact duplicate.
assert samples['storyline_files_total{outcome="duplicate"}'] == "1", samples
assert samples['storyline_duplicates_total{measure="exact"}'] == "1", samples
assert samples["storyline_inbox_unreadable_files"] == "0", samples
assert float(samples["storyline_timeline_seq"]) >= 8, samples
assert "storyline_watchdog_pings_total" in samples and "storyline_batch_duration_seconds_count" in samples, samples
PY
check "node_exporter's textfile collector serves the daemon's metrics (files, duplicates, seq, unreadable files; no scrape error)" python3 /probe/scrape.py
kill "$exporter"

# Metrics through the socket: systemd listens on loopback, one storyline-metrics@.service per scrape.
systemctl start storyline-metrics.socket
cat > /probe/socket-scrape.py <<'PY'
import sys, urllib.error, urllib.request
url = "http://127.0.0.1:9464"
with urllib.request.urlopen(url + "/metrics", timeout=5) as response:
    assert response.status == 200, response.status
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4"), response.headers
    text = response.read().decode()
    open("/probe/socket-metrics.txt", "w").write(f"HTTP/1.1 {response.status} {response.reason}\n{response.headers}{text}")
assert 'storyline_duplicates_total{measure="exact"} 1' in text.splitlines(), text
try:
    urllib.request.urlopen(url + "/nothing", timeout=5)
    sys.exit("/nothing answered 200")
except urllib.error.HTTPError as error:
    assert error.code == 404, error.code
PY
check "storyline-metrics.socket serves the same metrics over HTTP on 127.0.0.1:9464 (and 404 elsewhere)" python3 /probe/socket-scrape.py
check "each scrape ran as an instance of storyline-metrics@.service" bash -c \
    'journalctl --no-pager | grep -q "Started storyline-metrics@"'
systemctl stop storyline-metrics.socket

# Rotation by the shipped logrotate file: the new file is the readers', and the reader still reads it all.
check "logrotate --force rotates the timeline and reloads the daemon" logrotate --force --state /run/logrotate.status /etc/logrotate.d/storyline
check "the rotated copy is there, still the readers'" test "$(mode_of "$timeline.1")" = "640 storyline storyline-readers"
check "the new live file is 0640 storyline:storyline-readers" test "$(mode_of "$timeline")" = "640 storyline storyline-readers"
drop_renamed seed0.txt  # the same article again, in the new file
check "the next line goes to the new live file" wait_lines 1
cat > /probe/seqs.py <<'PY'
import json, sys
seqs = [json.loads(line)["seq"] for line in sys.stdin]
sys.exit(0 if seqs == list(range(1, len(seqs) + 1)) and len(seqs) >= int(sys.argv[1]) else f"seqs {seqs}")
PY
check "the reader reads every line across the rotation with storyline tail" bash -c \
    "as_user reader storyline tail --timeline $timeline --from-seq 1 | python3 /probe/seqs.py 9"
systemctl stop storyline

echo done >> "$results"
systemctl poweroff
