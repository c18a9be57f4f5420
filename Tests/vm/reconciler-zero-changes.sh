#!/usr/bin/env bash
# Idempotence and hitless restart at the plan level: over a kernel that already matches
# examples/gorb.yaml, a second `apply` and a `plan` make ZERO changes; over a kernel that matches
# a file, a daemon start, a restart after SIGTERM and one after SIGKILL make ZERO changes too
# (that file has no health checks: examples/gorb.yaml's would fail on its documentation
# addresses and rightly move weights); `ipvsadm -Sn` never moves.
set -euo pipefail
source Tests/vm/_reconciler-lib.sh
source scripts/vm-netns-lab

lab_director
ip addr add 192.0.2.1/32 dev dummy0
config=examples/gorb.yaml
golden=Tests/vm/golden/gorb.yaml.ipvsadm-Sn

gorb apply --config "$config" -i dummy0 >/dev/null 2>&1 || rec_die "cold apply failed"
rec_expect_table "after the cold apply" "$golden"
ipvsadm -Sn > "$REC_WORK/before"

out=$(gorb apply --config "$config" -i dummy0 2>&1) || rec_fail "second apply failed: $out"
[[ $out == "applied 0 of 0 changes" ]] && rec_pass "second apply: '$out'" ||
    rec_fail "second apply made changes: $out"
diff -q "$REC_WORK/before" <(ipvsadm -Sn) >/dev/null &&
    rec_pass "second apply: ipvsadm -Sn unchanged" ||
    rec_fail "second apply: ipvsadm -Sn changed"

rc=0
json=$(gorb plan --config "$config" -i dummy0 --json 2>/dev/null) || rc=$?
steps=$(grep -c '"kind"' <<<"$json" || true)
((rc == 0 && steps == 0)) && rec_pass "plan over the matching kernel: exit 0, 0 steps" ||
    rec_fail "plan over the matching kernel: exit $rc, $steps steps: $json"

# The daemon: a second file, health checks off, applied first; then the daemon over it.
ipvsadm -C
rm -rf "$REC_STATE"
config=$REC_WORK/gorb.yaml
cat >"$config" <<'YAML'
defaults: {backend: {pulse: {type: none}}}
services:
  web: {host: 192.0.2.10, port: 80, method: wlc, persistent: 10m, backends: {a: {host: 198.51.100.11, port: 8080}, b: {host: 198.51.100.12, port: 8080, weight: 50}}}
  dns: {host: 192.0.2.53, port: 53, protocol: udp, method: rr, backends: {ns-1: {host: 192.0.2.101, method: dr}}}
  api-v6: {host: "2001:db8::80", port: 8443, method: mh, flags: [mh-port], backends: {api-1: {host: "2001:db8:1::1"}}}
  internal: {port: 9000, method: fo, backends: {primary: {host: 10.0.0.5}}}
YAML
gorb apply --config "$config" -i dummy0 >/dev/null 2>&1 || rec_die "apply of the daemon's file failed"
ipvsadm -Sn > "$REC_WORK/before"
[[ $(grep -c . "$REC_WORK/before") -eq 9 ]] || rec_fail "the daemon's file: $(cat "$REC_WORK/before")"

# in_sync LOG N: the daemon has logged at least N in-sync passes.
in_sync() { (($(grep -c 'pass: in sync' "$1" || true) >= $2)); }

# Daemon #1 starts over the matching kernel and stops with SIGTERM; #2 (a restart) is SIGKILLed.
for round in 1 2; do
    log=$REC_WORK/daemon$round.log
    rec_daemon_start "$log" --config "$config" -i dummy0 --log-level debug --resync 1s
    if rec_wait 30 in_sync "$log" 2; then
        rec_pass "daemon #$round: start-up pass and one resync, both in sync"
    else
        rec_fail "daemon #$round never reported an in-sync pass; log:"
        sed 's/^/    /' "$log"
    fi
    if grep -Eq 'applied|change failed' "$log"; then
        rec_fail "daemon #$round changed the kernel over a matching table:"
        grep -E 'applied|change failed' "$log" | sed 's/^/    /'
    else
        rec_pass "daemon #$round: zero changes logged"
    fi
    case $round in
        1) rec_daemon_stop TERM
           grep -q 'stopped; the kernel table is left as it is' "$log" &&
               rec_pass "daemon #1: SIGTERM leaves the table" ||
               { rec_fail "daemon #1: no clean stop logged; the log's end:"; tail -15 "$log" | sed 's/^/    /'; } ;;
        *) rec_daemon_stop KILL ;;
    esac
    diff -q "$REC_WORK/before" <(ipvsadm -Sn) >/dev/null &&
        rec_pass "daemon #$round: ipvsadm -Sn unchanged" ||
        rec_fail "daemon #$round: ipvsadm -Sn changed"
done


rc=0
gorb plan --config "$config" -i dummy0 >/dev/null 2>&1 || rc=$?
((rc == 0)) && rec_pass "plan after the SIGKILL: exit 0" || rec_fail "plan after the SIGKILL: exit $rc"
rec_finish
