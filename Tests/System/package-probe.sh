#!/bin/bash
# Runs inside a container booted with a real systemd 252 over an overlay of the host's root, with the Swift
# toolchain hidden (see test_package.py): installs the Debian package with dpkg, upgrades it, downgrades it,
# removes and purges it, and writes one line per check to /probe/results ("ok: ..." or "FAIL: ..."), then
# powers the container off. /probe/first.deb and /probe/second.deb hold the same binary under two versions,
# named in /probe/versions.
set -u
. /probe/probe-lib.sh
. /probe/versions  # FIRST, SECOND, RELEASE

running_ready() {  # active, running, and READY=1 sent: StatusText says it is watching
    systemctl show -p ActiveState,SubState,StatusText storyline
    [ "$(show ActiveState)" = active ] && [ "$(show SubState)" = running ] && wait_status "watching $inbox"
}
drop() { cat "/probe/articles/$1" > "$inbox/$1"; }
line_of() {  # line_of FILE SEQ: the timeline's line for FILE has seq SEQ
    python3 -c '
import json, sys
seqs = [json.loads(line)["seq"] for line in open(sys.argv[1], encoding="utf-8")
        if json.loads(line).get("article", {}).get("file") == sys.argv[2]]
print(sys.argv[2], seqs)
sys.exit(0 if seqs == [int(sys.argv[3])] else 1)' "$timeline" "$1" "$2"
}
line_after() { wait_lines "$2" && line_of "$1" "$2"; }  # line_after FILE SEQ: its line comes, with that seq
installed_version() { dpkg-query -W -f '${Version}' storyline 2>/dev/null; }
installed() {  # installed VERSION: dpkg has it installed, configured
    [ "$(dpkg-query -W -f '${Status} ${Version}' storyline 2>/dev/null)" = "install ok installed $1" ]
}
dpkg_step() {  # dpkg_step OUTPUT-FILE dpkg-arguments...: runs dpkg, keeps what it printed, exit status in $?
    local output=$1
    shift
    echo "\$ dpkg $*" > "/probe/$output"
    dpkg "$@" >> "/probe/$output" 2>&1
}
replace_package() {  # replace_package upgrade|downgrade DEB VERSION: dpkg -i over the installed package
    local step=$1 deb=$2 version=$3 pid
    pid=$(show MainPID)
    dpkg_step "$step.txt" -i "/probe/$deb"
    check "dpkg -i $version ($step) exits 0" test $? = 0
    check "dpkg has storyline $version installed" installed "$version"
    check "the $step restarted the service (MainPID $pid before)" bash -c "[ \"\$(systemctl show -p MainPID --value storyline)\" != $pid ]"
    check "the service is active, running and READY after the $step" running_ready
}
mode_owner() {  # mode_owner PATH "MODE USER GROUP"
    local got
    got=$(stat -c '%a %U %G' "$1")
    echo "$1: $got"
    [ "$got" = "$2" ]
}

# The toolchain is out of reach: what runs below runs on the packaged binary alone.
check "/opt/swift is empty (the toolchain is hidden)" test -z "$(ls -A /opt/swift)"
check "swift is not on PATH" bash -c '! command -v swift'

# The unit the package ships runs the packaged binary.
shipped_exec=$(dpkg-deb --fsys-tarfile /probe/first.deb | tar -xO ./lib/systemd/system/storyline.service | sed -n 's/^ExecStart=\([^ ]*\).*/\1/p')
check "the shipped unit's ExecStart= runs the packaged /usr/bin/storyline (it names $shipped_exec)" test "$shipped_exec" = /usr/bin/storyline

# Install.
dpkg_step install.txt -i /probe/first.deb
check "dpkg -i $FIRST exits 0" test $? = 0
check "dpkg has storyline $FIRST installed" installed "$FIRST"
check "the service is active, running and READY after dpkg -i" running_ready
check "the service is enabled after the first install" test "$(systemctl is-enabled storyline)" = enabled
check "ldd /usr/bin/storyline names nothing under /opt" bash -c '! ldd /usr/bin/storyline | grep /opt'
check "storyline --version says $RELEASE" bash -c "storyline --version | tee /dev/stderr | grep -q '^storyline $RELEASE (commit [0-9a-f]'"
check "man -w storyline finds the installed page" test "$(man -w storyline)" = /usr/share/man/man1/storyline.1.gz
check "the man page renders" bash -c 'man -P cat storyline 2>/dev/null | grep -q "storyline run"'
check "the user storyline exists (getent passwd)" getent passwd storyline
check "the group storyline-producers exists, storyline a member" bash -c 'getent group storyline-producers | grep -q "storyline$"'
check "the group storyline-readers exists" getent group storyline-readers
check "/var/lib/storyline is 2751 storyline storyline-readers" mode_owner /var/lib/storyline "2751 storyline storyline-readers"
check "/var/lib/storyline/inbox is 2770 storyline storyline-producers" mode_owner "$inbox" "2770 storyline storyline-producers"
check "/var/lib/storyline/state is 700 storyline storyline" mode_owner /var/lib/storyline/state "700 storyline storyline"
check "the example configuration is installed" test -f /usr/share/doc/storyline/examples/storyline.yaml
check "/etc/logrotate.d/storyline is a conffile" bash -c 'dpkg-query -W -f "\${Conffiles}" storyline | grep -q "/etc/logrotate.d/storyline "'
dpkg -L storyline > /probe/dpkg-L.txt
# The shipped groups at work: a producer drops, a reader tails, as ordinary users (setpriv: no PAM here).
make_users
check "a producer user writes a file into the inbox" as_user producer sh -c "umask 027; cat /probe/articles/seed0.txt > $inbox/seed0.txt"
check "the producer's file gets its timeline line (seq 1)" line_after seed0.txt 1
check "a reader user tails the timeline with storyline tail" bash -c \
    "as_user reader storyline tail --timeline $timeline --from-seq 1 | grep -q seed0.txt"
check "systemctl reload of the installed service" systemctl reload storyline
check "the reload ends in (reloaded)" wait_status "(reloaded)"
# The metrics, scraped by Debian's node_exporter through its textfile collector.
prometheus-node-exporter --web.listen-address=127.0.0.1:9102 --collector.disable-defaults --collector.textfile \
    --collector.textfile.directory=/var/lib/storyline/state >> /probe/details 2>&1 &
exporter=$!
scraped() {
    for _ in $(seq 100); do
        curl_out=$(python3 -c 'import urllib.request; print(urllib.request.urlopen("http://127.0.0.1:9102/metrics", timeout=2).read().decode())' 2>/dev/null)
        grep -q '^storyline_files_total{outcome="story_started"} 1$' <<< "$curl_out" && grep -q '^node_textfile_scrape_error 0$' <<< "$curl_out" && return 0
        sleep 0.1
    done
    grep '^storyline_files_total\|^node_textfile' <<< "$curl_out"
    return 1
}
check "node_exporter serves the installed daemon's metrics (files_total{story_started} 1, no scrape error)" scraped
kill "$exporter"
check "the metrics socket ships disabled" bash -c '[ "$(systemctl is-enabled storyline-metrics.socket)" = disabled ]'
systemctl start storyline-metrics.socket
check "storyline-metrics.socket serves the installed daemon's metrics on 127.0.0.1:9464" python3 -c '
import urllib.request
text = urllib.request.urlopen("http://127.0.0.1:9464/metrics", timeout=5).read().decode()
assert "storyline_files_total{outcome=\"story_started\"} 1" in text.splitlines(), text'
systemctl status storyline --no-pager > /probe/status.txt 2>&1

# Upgrade: the postinst restarts the service on the new package; the state is kept and seq goes on.
echo "# a local change, kept across upgrades" >> /etc/logrotate.d/storyline
paths="--inbox $inbox --state /var/lib/storyline/state --timeline $timeline"
echo "\$ storyline backup $paths --to /root/before-upgrade" > /probe/backup.txt
check "storyline backup of the installed state before the upgrade" \
    bash -c "storyline backup $paths --to /root/before-upgrade >> /probe/backup.txt 2>&1"
replace_package upgrade second.deb "$SECOND"
check "the upgrade kept the state: StatusText counts the article judged before" wait_status ": 1 article, "
check "the upgrade kept the local change to the conffile" grep -q "a local change, kept across upgrades" /etc/logrotate.d/storyline
drop seed1.txt
check "after the upgrade the next file's line is seq 2" line_after seed1.txt 2
check "seq is gapless across the upgrade" seq_gapless
journalctl --sync
check "the journal shows no migration or state error" bash -c \
    '! journalctl -u storyline --no-pager | grep -Ei "migration|cannot open the state|newer Storyline|critical"'
journalctl -u storyline --no-pager -o short > /probe/journal-upgrade.txt 2>&1

# Downgrade: the first package again over the second. The binaries are the same, so this shows dpkg's
# side only (the data kept, the service restarted); the refusal of a newer state is tested apart.
replace_package downgrade first.deb "$FIRST"
drop seed2.txt
check "after the downgrade the data is kept and the next line is seq 3" line_after seed2.txt 3

# A state a newer build migrated (as a real downgrade would find it): refused with exit 78 and one line,
# and not restarted into the same refusal. The row is what a newer build's migration leaves.
database=/var/lib/storyline/state/state.sqlite
migrations() { python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2], sys.argv[3:]); c.commit(); c.close()' "$database" "$@"; }
systemctl stop storyline
migrations "INSERT INTO grdb_migrations (identifier) VALUES (?)" "v99: from a newer build"
systemctl start storyline > /probe/newer-start.txt 2>&1
sleep 3  # longer than RestartSec=2s: a restart would have happened by now
check "a state of a newer build: the service exits 78 (ExecMainStatus)" test "$(show ExecMainStatus)" = 78
check "a state of a newer build: not restarted (ActiveState=failed, NRestarts=0)" \
    test "$(show ActiveState) $(show NRestarts)" = "failed 0"
refusal_logged() { journalctl -u storyline --no-pager | grep "written by a newer Storyline" | grep -q "storyline restore --from DIR"; }
check "a state of a newer build: the journal has the one-line refusal naming what to do" refusal_logged
check "no permission denial in the journal, the refusal included (errno=13, EPERM)" bash -c \
    '! journalctl -u storyline --no-pager | grep -Ei "operation not permitted|permission denied|errno=(1|13)\b"'
systemctl status storyline --no-pager > /probe/newer-status.txt 2>&1
migrations "DELETE FROM grdb_migrations WHERE identifier = ?" "v99: from a newer build"
systemctl reset-failed storyline
systemctl start storyline
check "once the newer build's migration is gone, the service runs again" running_ready

# Remove: the service stops, the binary goes, the data and the conffile stay.
dpkg_step remove.txt -r storyline
check "dpkg -r storyline exits 0" test $? = 0
check "after dpkg -r the service is stopped (ActiveState=inactive)" test "$(show ActiveState)" = inactive
check "after dpkg -r the metrics socket is stopped" bash -c '[ "$(systemctl show -p ActiveState --value storyline-metrics.socket)" = inactive ]'
check "after dpkg -r /usr/bin/storyline is gone" test ! -e /usr/bin/storyline
check "after dpkg -r the timeline is kept (3 lines)" test "$(lines)" = 3
check "after dpkg -r the state database is kept" test -s /var/lib/storyline/state/state.sqlite
check "after dpkg -r the conffile /etc/logrotate.d/storyline is kept" test -f /etc/logrotate.d/storyline

# Purge: the conffile goes; /var/lib/storyline stays, the users' data.
dpkg_step purge.txt -P storyline
check "dpkg -P storyline exits 0" test $? = 0
check "after dpkg -P dpkg knows no storyline" bash -c '! dpkg-query -W storyline 2>/dev/null'
check "after dpkg -P the conffile is gone" test ! -e /etc/logrotate.d/storyline
check "after dpkg -P the timeline is kept (3 lines)" test "$(lines)" = 3
check "after dpkg -P the state database and the archive are kept" bash -c \
    'test -s /var/lib/storyline/state/state.sqlite && ls /var/lib/storyline/state/archive | grep -q seed2.txt'
ls -la /var/lib/storyline > /probe/after-purge.txt 2>&1

# Installed again after a purge: the kept state is taken up, seq goes on.
dpkg_step reinstall.txt -i /probe/first.deb
check "dpkg -i after a purge exits 0" test $? = 0
check "after the reinstall the service is active, running and READY" running_ready
check "after the reinstall the kept state counts 3 articles" wait_status ": 3 articles, "
drop seed3.txt
check "after the reinstall the next line is seq 4" line_after seed3.txt 4
check "seq is gapless across upgrade, downgrade, purge and reinstall" seq_gapless

echo done >> "$results"
systemctl poweroff
