#!/usr/bin/env bash
# SIGHUP reload: an invalid file (here: a typo'd key and a bad scheduler, next to a valid weight
# edit) changes NOTHING, not even the valid part; the daemon logs each error as FILE:LINE:COL,
# keeps running and keeps enforcing the last good file through its resyncs. Then a valid edit
# + SIGHUP is applied.
set -euo pipefail
source Tests/vm/_reconciler-lib.sh

config=$REC_WORK/gorb.yaml
cat >"$config" <<'YAML'
defaults: {backend: {pulse: {type: none}}}   # no health checks: the file's weights are the truth
services:
  web:
    host: 192.0.2.10
    port: 80
    method: wrr
    backends:
      web-1: {host: 198.51.100.11, port: 8080, weight: 100}
      web-2: {host: 198.51.100.12, port: 8080, weight: 50}
YAML
cat >"$REC_WORK/expected" <<'EOF2'
-A -t 192.0.2.10:80 -s wrr
-a -t 192.0.2.10:80 -r 198.51.100.11:8080 -m -w 100
-a -t 192.0.2.10:80 -r 198.51.100.12:8080 -m -w 50
EOF2

log=$REC_WORK/daemon.log
rec_daemon_start "$log" --config "$config" --resync 2s --log-level debug
rec_wait 30 rec_same_table "$REC_WORK/expected" || rec_fail "the daemon did not build the table; log: $(cat "$log")"
rec_expect_table "daemon start" "$REC_WORK/expected"

# Invalid: web-1's weight changes (valid on its own), web-2 has a typo'd key (line 9, column 48)
# and the scheduler is unknown (line 6, column 13).
cat >"$config" <<'YAML'
defaults: {backend: {pulse: {type: none}}}   # no health checks: the file's weights are the truth
services:
  web:
    host: 192.0.2.10
    port: 80
    method: wrrr
    backends:
      web-1: {host: 198.51.100.11, port: 8080, weight: 10}
      web-2: {host: 198.51.100.12, port: 8080, wieght: 50}
YAML
echo "invalid file written; its validate output:"
gorb_validate=$("$REC_GORB" validate --config "$config" 2>&1 || true)
sed 's/^/    /' <<<"$gorb_validate"
kill -HUP "$REC_DAEMON_PID"
rejected() { grep -q 'configuration rejected' "$log"; }
rec_wait 20 rejected && rec_pass "SIGHUP with an invalid file: the daemon rejected it" ||
    rec_fail "no rejection logged; log: $(cat "$log")"
for loc in "$config:6:13: error" "$config:9:48: error"; do
    if grep -qF "$loc" "$log"; then rec_pass "logged: $(grep -F "$loc" "$log" | head -1 | sed 's/.*gorb-reconcile: *//')"
    else rec_fail "no '$loc' in the log"; fi
done
in_sync_count() { grep -c 'pass: in sync' "$log" || true; }
n=$(in_sync_count)
two_more() { (($(in_sync_count) >= n + 2)); }
rec_wait 15 two_more || rec_fail "no resync after the rejected reload"
kill -0 "$REC_DAEMON_PID" 2>/dev/null && rec_pass "the daemon is alive after the rejected reload and two resyncs" ||
    rec_fail "the daemon died"
rec_expect_table "after the rejected reload and two resyncs (web-1's valid weight edit NOT applied)" "$REC_WORK/expected"

# A valid edit: web-1's weight, and a third backend.
cat >"$config" <<'YAML'
defaults: {backend: {pulse: {type: none}}}   # no health checks: the file's weights are the truth
services:
  web:
    host: 192.0.2.10
    port: 80
    method: wrr
    backends:
      web-1: {host: 198.51.100.11, port: 8080, weight: 10}
      web-2: {host: 198.51.100.12, port: 8080, weight: 50}
      web-3: {host: 198.51.100.13, port: 8080, weight: 30}
YAML
cat >"$REC_WORK/expected2" <<'EOF2'
-A -t 192.0.2.10:80 -s wrr
-a -t 192.0.2.10:80 -r 198.51.100.11:8080 -m -w 10
-a -t 192.0.2.10:80 -r 198.51.100.12:8080 -m -w 50
-a -t 192.0.2.10:80 -r 198.51.100.13:8080 -m -w 30
EOF2
t0=$EPOCHREALTIME
kill -HUP "$REC_DAEMON_PID"
if rec_wait 20 rec_same_table "$REC_WORK/expected2"; then
    rec_pass "valid edit + SIGHUP applied $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')s after the signal"
else
    rec_fail "valid edit not applied; log: $(tail -5 "$log")"
fi
rec_expect_table "after the valid reload" "$REC_WORK/expected2"
grep -q 'configuration reloaded' "$log" && rec_pass "logged 'configuration reloaded'" || rec_fail "no reload logged"
kill -0 "$REC_DAEMON_PID" 2>/dev/null && rec_pass "the daemon is alive" || rec_fail "the daemon died"
rec_finish
