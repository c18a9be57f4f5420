#!/usr/bin/env bash
# Ownership: a service created by hand with ipvsadm is never touched by apply, plan, a service
# removal in the file or the daemon's resyncs; `run -f` (GORB's flush flag) flushes it.
set -euo pipefail
source Tests/vm/_reconciler-lib.sh

foreign() {
    ipvsadm -Sn | grep -F '192.0.2.99:80' | LC_ALL=C sort
}
ipvsadm -A -t 192.0.2.99:80 -s rr
ipvsadm -a -t 192.0.2.99:80 -r 10.9.9.9:80 -m -w 3
ipvsadm -a -t 192.0.2.99:80 -r 10.9.9.10:80 -g -w 1
foreign_before=$(foreign)
echo "made by hand:"; sed 's/^/    /' <<<"$foreign_before"

config=$REC_WORK/gorb.yaml
write_config() {
    cat >"$config" <<'YAML'
defaults: {backend: {pulse: {type: none}}}   # no health checks: the file's weights are the truth
services:
  web:
    host: 192.0.2.10
    port: 80
    backends:
      web-1: {host: 198.51.100.11, port: 8080}
YAML
    [[ ${1:-} == with-api ]] && cat >>"$config" <<'YAML'
  api:
    host: 192.0.2.20
    port: 443
    backends:
      api-1: {host: 198.51.100.21}
YAML
    return 0
}
check_foreign() {
    if [[ $(foreign) == "$foreign_before" ]]; then rec_pass "$1: the hand-made service is untouched"
    else rec_fail "$1: the hand-made service changed: $(foreign)"; fi
}

write_config with-api
out=$(gorb plan --config "$config" 2>&1) || true
if grep -q '192.0.2.99' <<<"$out"; then rec_fail "plan mentions the hand-made service: $out"
else rec_pass "plan does not mention the hand-made service ($(grep -c . <<<"$out") steps)"; fi
gorb apply --config "$config" >/dev/null 2>&1 || rec_fail "apply failed"
check_foreign "apply"
grep -q -- '-A -t 192.0.2.20:443' <(ipvsadm -Sn) && rec_pass "apply created api" || rec_fail "api missing"

write_config  # api removed from the file: deleted, as it is owned; the hand-made one stays
got=$(rec_plan_summary "$config")
[[ $got == "create=0 update=0 delete=1 drain=0" ]] && rec_pass "removing api from the file plans one delete: $got" ||
    rec_fail "removing api: plan $got"
gorb apply --config "$config" >/dev/null 2>&1 || rec_fail "apply failed"
grep -q -- '192.0.2.20:443' <(ipvsadm -Sn) && rec_fail "api still in the kernel" || rec_pass "api deleted (it was owned)"
check_foreign "removal of an owned service"

log=$REC_WORK/daemon.log
rec_daemon_start "$log" --config "$config" --resync 1s --log-level debug
in_sync() { (($(grep -c 'pass: in sync' "$log" || true) >= 3)); }
rec_wait 30 in_sync || rec_fail "the daemon did not make 3 passes; log: $(cat "$log")"
check_foreign "three daemon passes (resync 1s)"
rec_daemon_stop TERM

log=$REC_WORK/daemon-f.log
rec_daemon_start "$log" --config "$config" -f
flushed() { ! ipvsadm -Sn | grep -q '192.0.2.99' && ipvsadm -Sn | grep -q '192.0.2.10:80'; }
if rec_wait 30 flushed; then
    rec_pass "run -f flushed the hand-made service and rebuilt the file's"
else
    rec_fail "run -f: table is $(ipvsadm -Sn | xargs)"
fi
grep -q 'flushed the whole IPVS table' "$log" && rec_pass "run -f logged the flush" || rec_fail "no flush in the log: $(cat "$log")"
cat >"$REC_WORK/expected" <<'EOF2'
-A -t 192.0.2.10:80 -s wrr
-a -t 192.0.2.10:80 -r 198.51.100.11:8080 -m -w 100
EOF2
rec_expect_table "after run -f" "$REC_WORK/expected"
rec_finish
