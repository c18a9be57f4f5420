#!/usr/bin/env bash
# Consul registration over real IPVS: the daemon registers `web` in the Consul agent stand-in
# (consul-agent-standin, the documented agent API) with a TTL check that follows its real
# backends, health-checked over HTTP in network namespaces: both up → passing; be1 answering 503
# → warning (and be1 at weight 0 in the kernel, ipvsadm the witness); both down → critical
# (below quorum); both back → passing. SIGTERM leaves the registration (a restart is hitless in
# Consul too). The witness for Consul is the stand-in's own /v1/agent/checks.
set -euo pipefail
source Tests/vm/_reconciler-lib.sh
source scripts/vm-netns-lab

standin=$REC_BIN_DIR/consul-agent-standin
[[ -x $standin ]] || rec_die "no consul-agent-standin in $REC_BIN_DIR (swift build builds it)"
command -v curl >/dev/null || rec_die "curl is not installed"

lab_director
lab_vip 192.0.2.10
lab_backends be1 be2

"$standin" --port 0 --port-file "$REC_WORK/agent.port" >"$REC_WORK/agent.log" 2>&1 &
agent=$!
trap 'kill -KILL $agent 2>/dev/null || true; rec_cleanup' EXIT
rec_wait 60 test -s "$REC_WORK/agent.port" || rec_die "the stand-in did not start: $(cat "$REC_WORK/agent.log")"
agent_port=$(tr -d '\n' <"$REC_WORK/agent.port")

config=$REC_WORK/gorb.yaml
cat >"$config" <<YAML
settings:
  consul: {ttl: 5s}
services:
  web:
    host: 192.0.2.10
    port: 80
    pulse: {type: http, interval: 1s, timeout: 1s, rise: 1, fall: 1, args: {path: /}}
    backends:
      be1: {host: $(lab_ip be1), port: 8080}
      be2: {host: $(lab_ip be2), port: 8080}
YAML
log=$REC_WORK/daemon.log
rec_daemon_start "$log" --config "$config" -l 127.0.0.1:4672 -c "http://127.0.0.1:$agent_port"

# The check's status as the agent holds it (grep, not python: a python start costs seconds
# under TCG). The stand-in writes compact JSON: {"service:gorb:web":{...,"Status":"passing",...}}.
check_status() {
    curl -sf "http://127.0.0.1:$agent_port/v1/agent/checks" \
        | grep -oE '"service:gorb:web":\{[^}]*\}' | grep -oE '"Status":"[a-z]+"' | cut -d'"' -f4
}
check_is() { [[ $(check_status) == "$1" ]]; }
be1=$(lab_ip be1)
weight_of_be1() { ipvsadm -Ln -t 192.0.2.10:80 | awk -v ip="$be1:8080" '$2 == ip { print $4 }'; }
be1_weight_is() { [[ $(weight_of_be1) == "$1" ]]; }

rec_wait 90 check_is passing || rec_die "web never passing in Consul (now '$(check_status)'); log: $(tail -20 "$log")"
rec_pass "web registered, check passing, kernel: $(ipvsadm -Ln -t 192.0.2.10:80 | grep -c -- '->' ) lines"

lab_backend_down be1
rec_wait 60 check_is warning && rec_pass "be1 down: check warning" || rec_fail "be1 down: check '$(check_status)', not warning"
rec_wait 30 be1_weight_is 0 && rec_pass "be1 down: weight 0 in the kernel" || rec_fail "be1 down: kernel weight '$(weight_of_be1)'"

lab_backend_down be2
rec_wait 60 check_is critical && rec_pass "both down (below quorum): check critical" || rec_fail "both down: check '$(check_status)', not critical"

lab_backend_up be1
lab_backend_up be2
rec_wait 60 check_is passing && rec_pass "both back: check passing" || rec_fail "both back: check '$(check_status)', not passing"

rec_daemon_stop TERM
if grep -q '"gorb:web"' <<<"$(curl -sf "http://127.0.0.1:$agent_port/v1/agent/services")"; then
    rec_pass "SIGTERM leaves the registration"
else
    rec_fail "SIGTERM removed the registration"
fi
rec_finish
