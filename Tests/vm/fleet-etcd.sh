#!/usr/bin/env bash
# Two balancers sharing their overrides through one etcd, each over its own real IPVS table: the
# test's namespace (balancer A) and a second network namespace (balancer B), joined by a veth
# pair over which both reach etcd. A drain (PATCH weight 0) through A's API must show weight 0 in
# BOTH kernels (`ipvsadm -Sn` in each namespace is the witness); DELETE /overrides through B
# must bring the file's weight back in both. etcd is the host's binary (Debian etcd-server),
# which the VM sees through its read-only root; its data lives in this test's /tmp.
set -euo pipefail
source Tests/vm/_reconciler-lib.sh

command -v etcd >/dev/null || rec_die "etcd is not installed (apt-get install etcd-server)"
other=gorb-fleet-b
etcd_pid=""
b_pid=""
cleanup_fleet() {
    [[ -z $b_pid ]] || kill -KILL "$b_pid" 2>/dev/null || true
    [[ -z $etcd_pid ]] || kill -KILL "$etcd_pid" 2>/dev/null || true
    ip netns del "$other" 2>/dev/null || true
    rec_cleanup
}
trap cleanup_fleet EXIT

ip link set lo up
ip netns add "$other"
ip -n "$other" link set lo up
ip link add fleet-a type veth peer name fleet-b netns "$other"
ip addr add 10.99.0.1/24 dev fleet-a
ip link set fleet-a up
ip -n "$other" addr add 10.99.0.2/24 dev fleet-b
ip -n "$other" link set fleet-b up

etcd --name vm --data-dir "$REC_WORK/etcd" \
    --listen-client-urls http://10.99.0.1:2379 --advertise-client-urls http://10.99.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster vm=http://127.0.0.1:2380 >"$REC_WORK/etcd.log" 2>&1 &
etcd_pid=$!
etcd_up() { curl -sf --max-time 2 -X POST -d '{}' http://10.99.0.1:2379/v3/maintenance/status >/dev/null; }
rec_wait 40 etcd_up || rec_die "etcd did not start: $(tail -5 "$REC_WORK/etcd.log")"
rec_pass "etcd answers on 10.99.0.1:2379"

config=$REC_WORK/gorb.yaml
cat >"$config" <<YAML
settings:
  store:
    etcd:
      endpoints: [http://10.99.0.1:2379]
      prefix: /gorb-vm/
defaults: {backend: {pulse: {type: none}}}
services:
  web:
    host: 192.0.2.10
    port: 80
    method: wrr
    backends:
      be1: {host: 10.0.0.1, port: 8080, weight: 100}
      be2: {host: 10.0.0.2, port: 8080, weight: 100}
YAML

rec_daemon_start "$REC_WORK/a.log" --config "$config" -l 127.0.0.1:4672
ip netns exec "$other" "$REC_GORB" run --state-dir "$REC_WORK/state-b" --config "$config" -l 127.0.0.1:4673 >"$REC_WORK/b.log" 2>&1 &
b_pid=$!

table_a() { ipvsadm -Sn; }
table_b() { ip netns exec "$other" ipvsadm -Sn; }
has() { grep -qF -- "$2" <<<"$($1)"; }
be1_at() { has "$1" "-a -t 192.0.2.10:80 -r 10.0.0.1:8080 -m -w $2"; }
rec_wait 60 be1_at table_a 100 || rec_die "balancer A did not apply the file: $(table_a | xargs); log: $(tail -5 "$REC_WORK/a.log")"
rec_wait 60 be1_at table_b 100 || rec_die "balancer B did not apply the file: $(table_b | xargs); log: $(tail -5 "$REC_WORK/b.log")"
rec_pass "both kernels hold the file (be1 at weight 100)"

code=$(curl -s -o "$REC_WORK/answer" -w '%{http_code}' --max-time 30 -X PATCH -H 'Content-Type: application/json' \
    -d '{"weight": 0}' http://127.0.0.1:4672/service/web/be1 || true)
[[ $code == 200 ]] && rec_pass "drain through A: PATCH weight 0 answered 200" \
    || rec_fail "drain through A answered $code $(cat "$REC_WORK/answer")"
be1_at table_a 0 && rec_pass "A's kernel holds be1 at weight 0 when the PATCH answers" \
    || rec_fail "A's kernel: $(table_a | xargs)"
if rec_wait 10 be1_at table_b 0; then
    rec_pass "B's kernel (another netns, another IPVS table) holds be1 at weight 0"
else
    rec_fail "B's kernel did not get the drain: $(table_b | xargs); log: $(tail -5 "$REC_WORK/b.log")"
fi
be2_full() { has "$1" "-a -t 192.0.2.10:80 -r 10.0.0.2:8080 -m -w 100"; }
be2_full table_a && be2_full table_b && rec_pass "be2 keeps weight 100 in both" || rec_fail "be2 changed: $(table_a | xargs) / $(table_b | xargs)"

code=$(ip netns exec "$other" curl -s -o "$REC_WORK/answer" -w '%{http_code}' --max-time 30 -X DELETE http://127.0.0.1:4673/overrides || true)
[[ $code == 200 ]] && rec_pass "DELETE /overrides through B answered 200" || rec_fail "DELETE /overrides through B answered $code"
rec_wait 10 be1_at table_a 100 && rec_wait 10 be1_at table_b 100 \
    && rec_pass "both kernels are back to the file (be1 at 100)" \
    || rec_fail "not back to the file: $(table_a | xargs) / $(table_b | xargs)"
rec_finish
