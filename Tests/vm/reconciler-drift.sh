#!/usr/bin/env bash
# Drift made by hand with ipvsadm (-D a service, -e a weight, -d a backend) while
# `run --resync 2s` runs is repaired by the next resync, in ONE pass: the daemon logs exactly
# one pass that applied changes after the drift, and `ipvsadm -Sn` is back to the file's table.
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
  api:
    host: 192.0.2.20
    port: 443
    method: rr
    backends:
      api-1: {host: 198.51.100.21}
      api-2: {host: 198.51.100.22}
YAML
cat >"$REC_WORK/expected" <<'EOF2'
-A -t 192.0.2.10:80 -s wrr
-a -t 192.0.2.10:80 -r 198.51.100.11:8080 -m -w 100
-a -t 192.0.2.10:80 -r 198.51.100.12:8080 -m -w 50
-A -t 192.0.2.20:443 -s rr
-a -t 192.0.2.20:443 -r 198.51.100.21:443 -m -w 100
-a -t 192.0.2.20:443 -r 198.51.100.22:443 -m -w 100
EOF2

log=$REC_WORK/daemon.log
rec_daemon_start "$log" --config "$config" --resync 2s --log-level debug
rec_wait 30 rec_same_table "$REC_WORK/expected" || rec_fail "the daemon did not build the table; log: $(cat "$log")"
rec_expect_table "daemon start" "$REC_WORK/expected"
logged_pass() { grep -q ' pass$' "$log"; }
rec_wait 10 logged_pass || rec_fail "the start-up pass was not logged"
passes_before=$(grep -c ' pass$' "$log" || true)

# Right after an in-sync pass (the most time before the next resync), all three drifts at once
# (one ipvsadm process), so that one resync sees all of them.
synced=$(grep -c 'pass: in sync' "$log" || true)
next_sync() { (($(grep -c 'pass: in sync' "$log" || true) > synced)); }
rec_wait 10 next_sync || rec_fail "no in-sync resync pass logged"
t0=$EPOCHREALTIME
ipvsadm -R <<'EOF2'
-D -t 192.0.2.20:443
-e -t 192.0.2.10:80 -r 198.51.100.11:8080 -m -w 5
-d -t 192.0.2.10:80 -r 198.51.100.12:8080
EOF2
echo "drift by hand (one ipvsadm -R): -D -t 192.0.2.20:443; -e ... 198.51.100.11:8080 -w 5; -d ... 198.51.100.12:8080"
if rec_same_table "$REC_WORK/expected"; then
    rec_fail "the drift did not change the table (or was repaired at once)"
else
    rec_pass "the drift is in the kernel: $(diff <(LC_ALL=C sort "$REC_WORK/expected") <(rec_table) | grep -c '^[<>]') lines differ"
fi

if rec_wait 15 rec_same_table "$REC_WORK/expected"; then
    took=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
    rec_pass "drift repaired ${took}s after it was made (resync 2s)"
else
    rec_fail "drift not repaired within 15s"
fi
rec_expect_table "after the resync" "$REC_WORK/expected"
sleep 0.5  # the pass is logged just after its last change
repairs=$(grep ' pass$' "$log" | tail -n +$((passes_before + 1)))
if [[ $(grep -c . <<<"$repairs") -eq 1 && $repairs == *applied=5* ]]; then
    rec_pass "repaired in one pass of 5 changes (service + 2 backends, 1 weight, 1 backend): ${repairs##*: }"
else
    rec_fail "expected one repairing pass with applied=5, got: $repairs"
fi
kill -0 "$REC_DAEMON_PID" && rec_pass "the daemon is still running" || rec_fail "the daemon died"
rec_finish
