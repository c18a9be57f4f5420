#!/usr/bin/env bash
# Hitless restart: a client loop through the VIP (bounded: 300 requests or 60 s) sees ZERO
# failed requests while the daemon is SIGKILLed and restarted; the restarted daemon finds the
# kernel matching and changes nothing.
set -euo pipefail
source Tests/vm/_reconciler-lib.sh
source scripts/vm-netns-lab

lab_director
lab_vip 192.0.2.10
lab_backends be1 be2
lab_client client
config=$REC_WORK/gorb.yaml
cat >"$config" <<YAML
defaults: {backend: {pulse: {type: none}}}   # no health checks: the file's weights are the truth
services:
  web:
    host: 192.0.2.10
    port: 80
    method: rr
    backends:
      be1: {host: $(lab_ip be1), port: 8080}
      be2: {host: $(lab_ip be2), port: 8080}
YAML

log1=$REC_WORK/daemon1.log
rec_daemon_start "$log1" --config "$config" --resync 1s --log-level debug
in_sync() { grep -q 'pass: in sync' "$1"; }
rec_wait 30 in_sync "$log1" || rec_die "the first daemon never got in sync; log: $(cat "$log1")"
table_before=$(rec_table)

# The client loop, in the client's namespace: one fresh connection per request, each logged
# with its time, until told to stop (bounded: 300 requests or 60 s).
results=$REC_WORK/results
# shellcheck disable=SC2016 # the inner script's own variables
lab_exec client bash -c '
    end=$((SECONDS + 60))
    for ((i = 0; i < 300 && SECONDS < end; i++)); do
        [[ -e $1.stop ]] && break
        if body=$(curl -sf --noproxy "*" --max-time 3 http://192.0.2.10/); then
            echo "$EPOCHREALTIME ok $body" >> "$1"
        else
            echo "$EPOCHREALTIME failed curl-exit-$?" >> "$1"
        fi
    done
    touch "$1.done"' _ "$results" &
loop=$!
served() { [[ $(grep -c ' ok ' "$results" 2>/dev/null || true) -ge 3 ]]; }
rec_wait 60 served || rec_fail "the client loop did not get going: $(cat "$results" 2>/dev/null)"

t_kill=$EPOCHREALTIME
kill -KILL "$REC_DAEMON_PID"
wait "$REC_DAEMON_PID" 2>/dev/null || true
REC_DAEMON_PID=""
echo "daemon SIGKILLed at $(date +%T.%N | cut -c1-12)"
sleep 1
log2=$REC_WORK/daemon2.log
rec_daemon_start "$log2" --config "$config" --resync 1s --log-level debug
echo "daemon restarted at $(date +%T.%N | cut -c1-12)"
rec_wait 30 in_sync "$log2" && rec_pass "the restarted daemon found the kernel in sync" ||
    rec_fail "the restarted daemon never got in sync; log: $(cat "$log2")"
t_synced=$EPOCHREALTIME
# Keep the clients going a little after the new daemon's first passes, then stop them.
after() { (($(awk -v t="$t_synced" '$1 > t && $2 == "ok"' "$results" | wc -l) >= 3)); }
rec_wait 60 after || true
touch "$results.stop"
finished() { [[ -e $results.done ]]; }
rec_wait 30 finished || rec_fail "the client loop did not stop"
wait "$loop" || true

ok=$(grep -c ' ok ' "$results" || true)
failed=$(grep -c ' failed ' "$results" || true)
before=$(awk -v t="$t_kill" '$1 < t && $2 == "ok"' "$results" | wc -l)
down=$(awk -v a="$t_kill" -v b="$t_synced" '$1 >= a && $1 <= b && $2 == "ok"' "$results" | wc -l)
later=$(awk -v t="$t_synced" '$1 > t && $2 == "ok"' "$results" | wc -l)
if ((failed == 0 && before > 0 && later > 0)); then
    rec_pass "client loop: $ok requests, 0 failed ($before before the SIGKILL, $down while no daemon or a starting one, $later after the restart; $(awk '$2 == "ok" { print $3 }' "$results" | sort | uniq -c | xargs))"
else
    rec_fail "client loop: $ok ok, $failed failed ($before before, $down during, $later after): $(grep ' failed ' "$results" | head -5)"
fi
if grep -Eq 'applied|change failed' "$log2"; then
    rec_fail "the restarted daemon changed the kernel: $(grep -E 'applied|change failed' "$log2")"
else
    rec_pass "the restarted daemon made zero changes"
fi
[[ $(rec_table) == "$table_before" ]] && rec_pass "ipvsadm -Sn unchanged across the restart" ||
    rec_fail "the table changed across the restart"
rec_finish
