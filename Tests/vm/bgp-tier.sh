#!/usr/bin/env bash
# A load-balancer tier: two balancers (lb1, lb2), each with its own gorb-reconcile and its own
# BIRD, announce the same VIPs over BGP to a router that spreads flows over both (ECMP, L4
# hash); backends answer in direct routing (DR), so replies never depend on which balancer got
# the request; a client sits behind the router. Witnesses: the router's kernel routes (`ip
# route`) and BIRD (`birdc show route`), each balancer's IPVS counters (`ipvsadm`), and real
# HTTP requests counted at the client. The steps of issue 13:
#
#   1 both announce; new connections reach the backends through lb1 and lb2
#   2 lb1's checks all fail -> lb1 withdraws; every request then succeeds through lb2
#   3 they recover -> lb1 announces again
#   4 maintenance on lb2 -> all traffic through lb1, no failed request; off -> both again
#   5 SIGTERM of lb1's daemon -> withdrawn before it exits (IPVS left as is); restart with
#     failing checks -> not announced although its IPVS table is full; checks pass -> announced
#   6 BIRD stopped on lb1 -> the daemon keeps reconciling IPVS and reports BIRD unreachable;
#     BIRD started again -> routes restored without a daemon restart
#   7 an IPv6 service: its /128 over the same sessions, requests through it succeed
#
# Convergence times are printed (withdraw seen at the router after the daemon's decision and
# after the failure began; announce after recovery).
#
#   fabric 10.99.0.0/24, fd00:99::/64 (a bridge in this test's namespace):
#     lb1 .1  lb2 .2  be1 .11  be2 .12  router .254
#   client side 10.98.0.0/24, fd00:98::/64: router .1, client .2
set -euo pipefail
source Tests/vm/_reconciler-lib.sh
command -v bird >/dev/null && command -v birdc >/dev/null || rec_die "bird2 is not installed (apt-get install bird2)"
command -v curl >/dev/null || rec_die "curl is not installed"
PY=$(command -v /usr/bin/python3 || command -v python3) || rec_die "python3 is not installed"

W=$REC_WORK
LB_PIDS=()
cleanup_tier() {
    local pid
    for pid in "${LB_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    for n in lb1 lb2 router; do [[ -f $W/$n/bird.pid ]] && kill -KILL "$(cat "$W/$n/bird.pid")" 2>/dev/null || true; done
    for n in lb1 lb2 router be1 be2 client; do ip netns del "$n" 2>/dev/null || true; done
    ip link del fabric 2>/dev/null || true
}
trap 'cleanup_tier; rec_cleanup' EXIT

secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# --- the network ---------------------------------------------------------------------------
ip link add fabric type bridge
ip link set fabric up
# on_fabric NAME LAST: a netns NAME on the bridge with 10.99.0.LAST and fd00:99::LAST.
on_fabric() {
    local name=$1 last=$2
    ip netns add "$name"
    ip link add "f-$name" type veth peer name eth0 netns "$name"
    ip link set "f-$name" master fabric up
    ip -n "$name" -batch - <<IP
link set lo up
addr add 10.99.0.$last/24 dev eth0
addr add fd00:99::$last/64 dev eth0 nodad
link set eth0 up
IP
}
for pair in lb1:1 lb2:2 be1:11 be2:12 router:254; do on_fabric "${pair%%:*}" "${pair##*:}"; done
ip netns add client
ip -n router link add eth1 type veth peer name eth0 netns client
ip -n router -batch - <<IP
addr add 10.98.0.1/24 dev eth1
addr add fd00:98::1/64 dev eth1 nodad
link set eth1 up
IP
ip -n client -batch - <<IP
link set lo up
addr add 10.98.0.2/24 dev eth0
addr add fd00:98::2/64 dev eth0 nodad
link set eth0 up
route add default via 10.98.0.1
route add default via fd00:98::1
IP
ip netns exec router sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward; echo 1 > /proc/sys/net/ipv6/conf/all/forwarding;
    echo 1 > /proc/sys/net/ipv4/fib_multipath_hash_policy; echo 1 > /proc/sys/net/ipv6/fib_multipath_hash_policy'
# The VIPs on lo: on the balancers (where IPVS takes them; the VIP keeper adds them once it is
# merged, and adopts these), and on the backends (DR: they answer for the VIP themselves).
for n in lb1 lb2 be1 be2; do
    ip -n "$n" addr add 192.0.2.10/32 dev lo
    ip -n "$n" addr add 2001:db8::10/128 dev lo nodad
done
for n in be1 be2; do
    # DR backends must not answer ARP for the VIP, and reply to the client through the router.
    ip netns exec "$n" sh -c 'echo 1 > /proc/sys/net/ipv4/conf/all/arp_ignore; echo 2 > /proc/sys/net/ipv4/conf/all/arp_announce'
    ip -n "$n" route add default via 10.99.0.254
    ip -n "$n" -6 route add default via fd00:99::254
done

# --- backends: HTTP on :80 (the VIP and the real address), answering their name; a health
# check coming from an address listed in $W/fail-ADDR gets 503 (so one balancer's checks fail
# while the other's pass). ---------------------------------------------------------------------
cat >"$W/responder.py" <<'PY'
import http.server, os, socket, socketserver, sys
name, state = sys.argv[1], sys.argv[2]
class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        peer = self.client_address[0].removeprefix("::ffff:")
        failing = self.path == "/health" and os.path.exists(os.path.join(state, "fail-" + peer))
        body = (name + "\n").encode()
        self.send_response(503 if failing else 200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args): pass
class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    address_family = socket.AF_INET6
    daemon_threads = True
    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = name, 80
Server(("::", 80), Handler).serve_forever()
PY
for n in be1 be2; do ip netns exec "$n" "$PY" "$W/responder.py" "$n" "$W" >"$W/$n.log" 2>&1 & done

# The client: N requests, each a new connection (a new source port), counted by answer.
cat >"$W/client.py" <<'PY'
import collections, http.client, sys
host, n = sys.argv[1], int(sys.argv[2])
counts = collections.Counter()
for _ in range(n):
    try:
        c = http.client.HTTPConnection(host, 80, timeout=3)
        c.request("GET", "/")
        r = c.getresponse()
        counts[r.read().decode().strip() if r.status == 200 else "http-%d" % r.status] += 1
        c.close()
    except Exception:
        counts["failed"] += 1
print(" ".join("%s=%d" % kv for kv in sorted(counts.items())))
PY
requests() { ip netns exec client "$PY" "$W/client.py" "$1" "$2"; }
# answered "be1=9 be2=11 failed=0": the number of 200 answers.
answered() { local n=0 kv; for kv in $1; do [[ $kv == be* ]] && n=$((n + ${kv#*=})); done; echo "$n"; }

# --- BIRD: the router (ECMP into its kernel table) and one per balancer ------------------------
mkdir -p "$W/router" "$W/lb1" "$W/lb2"
cat >"$W/router/bird.conf" <<BIRD
router id 10.99.0.254;
log "$W/router/bird.log" all;
protocol device { scan time 2; }
protocol kernel k4 { ipv4 { import none; export all; }; merge paths on; }
protocol kernel k6 { ipv6 { import none; export all; }; merge paths on; }
template bgp balancer {
  local 10.99.0.254 as 65000;
  hold time 6; keepalive time 2; connect retry time 2; connect delay time 1; error wait time 1, 5;
  ipv4 { import all; export none; };
  ipv6 { import all; export none; };
}
protocol bgp lb1 from balancer { neighbor 10.99.0.1 as 65001; }
protocol bgp lb2 from balancer { neighbor 10.99.0.2 as 65001; }
BIRD
for i in 1 2; do
    d=$W/lb$i
    # The routes files exist before BIRD starts (its include needs them); the daemon fills them.
    : >"$d/vips.conf"
    : >"$d/vips-ipv6.conf"
    sed -e "s|@D@|$d|g" -e "s|@I@|$i|g" >"$d/bird.conf" <<'BIRD'
router id 10.99.0.@I@;
log "@D@/bird.log" all;
protocol device { scan time 2; }
protocol static vips4 {
  ipv4;
  include "@D@/vips.conf";
}
protocol static vips6 {
  ipv6;
  include "@D@/vips-ipv6.conf";
}
protocol bgp uplink {
  local 10.99.0.@I@ as 65001; neighbor 10.99.0.254 as 65000;
  hold time 6; keepalive time 2; connect retry time 2; connect delay time 1; error wait time 1, 5;
  ipv4 { import none; export where proto = "vips4"; next hop self; };
  ipv6 { import none; export where proto = "vips6"; next hop address fd00:99::@I@; };
}
BIRD
done
bird_start() {
    local n=$1
    ip netns exec "$n" bird -c "$W/$n/bird.conf" -s "$W/$n/bird.ctl" -P "$W/$n/bird.pid" || rec_die "bird in $n did not start: $(cat "$W/$n/bird.log" 2>/dev/null)"
}
bird_stop() {
    local pid
    pid=$(cat "$W/$1/bird.pid")
    kill -TERM "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$pid"
}
for n in router lb1 lb2; do bird_start "$n"; done

# --- the daemons --------------------------------------------------------------------------
# The same services for both; only the paths of this balancer's BIRD differ (one filesystem).
gorb_config() {
    local d=$W/$1
    cat >"$d/gorb.yaml" <<YAML
settings:
  resync: 3s
  bgp:
    bird-socket: $d/bird.ctl
    routes-file: $d/vips.conf
    withdraw-grace: 3s
    hold-down: 1s
defaults:
  service:
    method: rr
    pulse: {type: http, interval: 2s, timeout: 2s, rise: 1, fall: 2, args: {path: /health}}
services:
  web:
    host: 192.0.2.10
    port: 80
    backends:
      be1: {host: 10.99.0.11, port: 80, method: dr}
      be2: {host: 10.99.0.12, port: 80, method: dr}
  web6:
    host: '2001:db8::10'
    port: 80
    backends:
      be1: {host: 'fd00:99::11', port: 80, method: dr}
      be2: {host: 'fd00:99::12', port: 80, method: dr}
YAML
}
declare -A DAEMON
daemon_start() {
    local n=$1
    ip netns exec "$n" "$REC_GORB" run --state-dir "$W/$n/state" --config "$W/$n/gorb.yaml" \
        -l "unix:$W/$n/api.sock" --log-level info >>"$W/$n/daemon.log" 2>&1 &
    DAEMON[$n]=$!
    LB_PIDS+=("$!")
}
api() { local n=$1; shift; curl -sS --max-time 5 --unix-socket "$W/$n/api.sock" "$@"; }
for n in lb1 lb2; do gorb_config "$n"; "$REC_GORB" validate --config "$W/$n/gorb.yaml" >/dev/null || rec_die "gorb.yaml: $("$REC_GORB" validate --config "$W/$n/gorb.yaml" 2>&1)"; daemon_start "$n"; done

# --- witnesses ----------------------------------------------------------------------------
# paths VIP: the number of next hops the router's kernel has for VIP (0: no route).
paths() {
    local out family=-4
    [[ $1 == *:* ]] && family=-6
    out=$(ip -n router "$family" route show "$1" 2>/dev/null || true)
    grep -o 'via [0-9a-f:.]*' <<<"$out" | sort -u | wc -l
}
paths_are() { [[ $(paths "$1") == "$2" ]]; }
announced_by() { local family=-4; [[ $1 == *:* ]] && family=-6; ip -n router "$family" route show "$1" 2>&1 || true; }
# field NS PATH KEY: the first value of KEY in the daemon's JSON answer (pretty-printed as
# `"key" : value`; grep, not python: a python start costs seconds under TCG).
field() { api "$1" "http://lb$2" | grep -o "\"$3\" : [^,]*" | head -1 | sed -e 's/^[^:]*: //' -e 's/"//g'; }
# ipvs_conns NS SERVICE: connections IPVS in NS scheduled for SERVICE (ipvsadm's Conns column).
# The kernel sums these counters in its rate estimator, every 2 s: settle() waits for that.
ipvs_conns() { ip netns exec "$1" ipvsadm -Ln --stats --exact -t "$2" 2>/dev/null | awk 'NR == 4 { print $3 }'; }
# settle N SERVICE: waits (up to 20 s) until lb1's and lb2's counters for SERVICE account for N
# more connections than BEFORE1 + BEFORE2 (the estimator runs late on a loaded TCG machine;
# it may never get there: see step 2).
settle() { rec_wait 8 sh -c "[ \$(( \$(ip netns exec lb1 ipvsadm -Ln --stats --exact -t '$2' | awk 'NR == 4 { print \$3 }') + \$(ip netns exec lb2 ipvsadm -Ln --stats --exact -t '$2' | awk 'NR == 4 { print \$3 }') - $before1 - $before2 )) -ge $1 ]" || true; }
# vip_reason NS SERVICE: why the daemon in NS does not announce SERVICE's VIP (GET /service/ID).
vip_reason() { field "$1" "/service/$2" reason; }
reason_is() { [[ $(vip_reason "$1" "$2") == "$3" ]]; }

# --- 1: both announce --------------------------------------------------------------------
t_start=$EPOCHREALTIME
rec_wait 120 paths_are 192.0.2.10 2 || rec_die "the router never had two paths to 192.0.2.10: $(announced_by 192.0.2.10); lb1: $(tail -5 "$W/lb1/daemon.log"); router bird: $(tail -5 "$W/router/bird.log")"
rec_pass "1: the router has two next hops for 192.0.2.10 after $(secs "$t_start" "$EPOCHREALTIME")s: $(announced_by 192.0.2.10 | tr '\n' ' ')"
echo "    birdc show route (router): $(birdc -s "$W/router/bird.ctl" show route 192.0.2.10/32 | tail -n +2 | tr -s ' ' | tr '\n' '|')"
before1=$(ipvs_conns lb1 192.0.2.10:80) before2=$(ipvs_conns lb2 192.0.2.10:80)
got=$(requests 192.0.2.10 20)
settle "$(answered "$got")" 192.0.2.10:80
via1=$(( $(ipvs_conns lb1 192.0.2.10:80) - before1 )) via2=$(( $(ipvs_conns lb2 192.0.2.10:80) - before2 ))
if [[ $got != *failed* && $got != *http-* ]] && ((via1 > 0 && via2 > 0)); then
    rec_pass "1: 20 requests all answered ($got), through lb1: $via1 connections, lb2: $via2 (ipvsadm)"
else
    rec_fail "1: requests: $got; through lb1: $via1, lb2: $via2"
fi

# --- 2: lb1's checks fail ------------------------------------------------------------------
: >"$W/fail-10.99.0.1"
: >"$W/fail-fd00:99::1"
t_fail=$EPOCHREALTIME
announced_is() { [[ $(field "$1" "/service/$2" announced) == "$3" ]]; }
rec_wait 30 announced_is lb1 web false || rec_fail "2: lb1 still reports 192.0.2.10 announced"
t_decided=$EPOCHREALTIME
if rec_wait 30 paths_are 192.0.2.10 1; then
    t_seen=$EPOCHREALTIME
    rec_pass "2: lb1 withdrew: router now $(announced_by 192.0.2.10 | tr '\n' ' ')"
    echo "    convergence (withdraw): $(secs "$t_fail" "$t_seen")s after the checks began to fail (fall x interval = 4s), $(secs "$t_decided" "$t_seen")s after lb1 decided"
else
    rec_fail "2: the router still has $(paths 192.0.2.10) paths"
fi
reason_is lb1 web services-down &&
    rec_pass "2: GET /service/web on lb1 says why: services-down" || rec_fail "2: GET /service/web on lb1: $(api lb1 http://lb/service/web)"
before1=$(ipvs_conns lb1 192.0.2.10:80) before2=$(ipvs_conns lb2 192.0.2.10:80)
got=$(requests 192.0.2.10 20)
settle "$(answered "$got")" 192.0.2.10:80
via1=$(( $(ipvs_conns lb1 192.0.2.10:80) - before1 )) via2=$(( $(ipvs_conns lb2 192.0.2.10:80) - before2 ))
# Every request answered, none scheduled by lb1's IPVS, some by lb2's. (The kernel's Conns
# counters have been seen to account for only part of the connections under TCG, so the proof
# is "none through lb1", not "exactly 20 through lb2".)
[[ $got != *failed* && $got != *http-* ]] && ((via1 == 0 && via2 > 0)) && rec_pass "2: 20 requests all answered, none through lb1 ($got; lb2 counted $via2)" || rec_fail "2: requests: $got, through lb1: $via1, lb2: $via2"

# --- 3: recovery ---------------------------------------------------------------------------
rm -f "$W/fail-10.99.0.1" "$W/fail-fd00:99::1"
t_up=$EPOCHREALTIME
if rec_wait 30 paths_are 192.0.2.10 2; then
    rec_pass "3: lb1 announces again; convergence (announce): $(secs "$t_up" "$EPOCHREALTIME")s after the checks pass again (rise 1, hold-down 1s)"
else
    rec_fail "3: lb1 did not announce again: $(announced_by 192.0.2.10)"
fi

# --- 4: maintenance on lb2 -----------------------------------------------------------------
"$REC_GORB" maintenance on --reason "vm test" --api "unix:$W/lb2/api.sock" >"$W/maint.out" 2>&1 || rec_fail "4: maintenance on: $(cat "$W/maint.out")"
rec_wait 30 paths_are 192.0.2.10 1 && rec_pass "4: maintenance on lb2 ($(cat "$W/maint.out")): router $(announced_by 192.0.2.10 | tr '\n' ' ')" || rec_fail "4: lb2 still announced"
[[ $(field lb2 /maintenance enabled) == true && $(api lb2 http://lb/status) == *'"reason" : "vm test"'* ]] &&
    rec_pass "4: GET /status on lb2 shows the maintenance" || rec_fail "4: /status: $(api lb2 http://lb/status)"
before1=$(ipvs_conns lb1 192.0.2.10:80) before2=$(ipvs_conns lb2 192.0.2.10:80)
got=$(requests 192.0.2.10 20)
settle "$(answered "$got")" 192.0.2.10:80
via2=$(( $(ipvs_conns lb2 192.0.2.10:80) - before2 ))
[[ $got != *failed* && $got != *http-* && $via2 == 0 ]] && rec_pass "4: 20 requests after the withdrawal, none failed, none through lb2 ($got)" || rec_fail "4: requests: $got, through lb2: $via2"
"$REC_GORB" maintenance off --api "unix:$W/lb2/api.sock" >/dev/null
rec_wait 30 paths_are 192.0.2.10 2 && rec_pass "4: maintenance off: both announce again" || rec_fail "4: lb2 did not come back"

# --- 5: SIGTERM of lb1's daemon --------------------------------------------------------------
pid=${DAEMON[lb1]}
kill -TERM "$pid"
t_term=$EPOCHREALTIME
if rec_wait 20 paths_are 192.0.2.10 1; then
    if kill -0 "$pid" 2>/dev/null; then
        rec_pass "5: withdrawn $(secs "$t_term" "$EPOCHREALTIME")s after SIGTERM while the daemon still runs (withdraw-grace)"
    else
        rec_fail "5: the route went only after the daemon exited"
    fi
else
    rec_fail "5: not withdrawn after SIGTERM"
fi
wait "$pid" 2>/dev/null || true
echo "    the daemon exited $(secs "$t_term" "$EPOCHREALTIME")s after SIGTERM (withdraw-grace 3s)"
grep -q '192.0.2.10:80' <<<"$(ip netns exec lb1 ipvsadm -Ln)" && rec_pass "5: lb1's IPVS table is left as it is" || rec_fail "5: lb1's IPVS table was changed on exit"
# Restart with lb1's checks failing: its table is full, yet nothing may be announced.
: >"$W/fail-10.99.0.1"
: >"$W/fail-fd00:99::1"
daemon_start lb1
# Until its checks have failed `fall` times it says health-unknown, then services-down: never
# announced, although the kernel still holds the whole table from the last run.
if rec_wait 60 reason_is lb1 web services-down && paths_are 192.0.2.10 1 && grep -q 'DR\|Route' <<<"$(ip netns exec lb1 ipvsadm -Ln)"; then
    rec_pass "5: restarted with failing checks: IPVS table full, not announced (lb1 says services-down); router $(announced_by 192.0.2.10 | tr '\n' ' ')"
else
    rec_fail "5: restarted lb1: reason $(vip_reason lb1 web), router paths $(paths 192.0.2.10); log: $(tail -5 "$W/lb1/daemon.log")"
fi
rm -f "$W/fail-10.99.0.1" "$W/fail-fd00:99::1"
rec_wait 30 paths_are 192.0.2.10 2 && rec_pass "5: checks pass: lb1 announces again" || rec_fail "5: lb1 did not announce after restart"

# --- 6: BIRD stopped on lb1 ------------------------------------------------------------------
bird_stop lb1
rec_wait 30 paths_are 192.0.2.10 1 && rec_pass "6: BIRD on lb1 stopped: the router has one path" || rec_fail "6: router still has $(paths 192.0.2.10) paths"
bird_reachable() { [[ $(field lb1 /status bird-reachable) == "$1" ]]; }
rec_wait 30 bird_reachable false && rec_pass "6: lb1 reports BIRD unreachable: $(api lb1 http://lb/status | grep -o '"last-error" : "[^"]*"')" || rec_fail "6: lb1 does not report BIRD unreachable"
# Read whole, then matched: `curl | grep -q` under pipefail fails when grep stops reading early.
bird_down_in_metrics() { local text; text=$(api lb1 http://lb/metrics) && grep -q '^gorb_bgp_bird_up 0' <<<"$text"; }
rec_wait 10 bird_down_in_metrics && rec_pass "6: /metrics: gorb_bgp_bird_up 0" || rec_fail "6: /metrics does not say BIRD is down"
# IPVS is still reconciled: remove the service by hand; the resync (3s) puts it back.
ip netns exec lb1 ipvsadm -D -t 192.0.2.10:80
rec_wait 20 sh -c "ip netns exec lb1 ipvsadm -Ln | grep -q '192.0.2.10:80'" && rec_pass "6: with BIRD down, lb1 repaired its IPVS table" || rec_fail "6: IPVS not repaired while BIRD is down"
bird_start lb1
t_bird=$EPOCHREALTIME
rec_wait 60 paths_are 192.0.2.10 2 && rec_pass "6: BIRD started: routes restored after $(secs "$t_bird" "$EPOCHREALTIME")s, no daemon restart" || rec_fail "6: routes not restored"
rec_wait 30 bird_reachable true && rec_pass "6: lb1 reports BIRD reachable again" || rec_fail "6: lb1 still reports BIRD unreachable"

# --- 7: IPv6 -------------------------------------------------------------------------------
if rec_wait 30 paths_are 2001:db8::10 2; then
    rec_pass "7: the router has two next hops for 2001:db8::10: $(announced_by 2001:db8::10 | tr '\n' ' ')"
    echo "    birdc show route (router): $(birdc -s "$W/router/bird.ctl" show route 2001:db8::10/128 | tail -n +2 | tr -s ' ' | tr '\n' '|')"
else
    rec_fail "7: IPv6 route: $(announced_by 2001:db8::10)"
fi
before1=$(ipvs_conns lb1 '[2001:db8::10]:80') before2=$(ipvs_conns lb2 '[2001:db8::10]:80')
got=$(requests 2001:db8::10 20)
settle "$(answered "$got")" '[2001:db8::10]:80'
via1=$(( $(ipvs_conns lb1 '[2001:db8::10]:80') - before1 )) via2=$(( $(ipvs_conns lb2 '[2001:db8::10]:80') - before2 ))
[[ $got != *failed* && $got != *http-* ]] && ((via1 > 0 && via2 > 0)) && rec_pass "7: 20 requests through the IPv6 VIP all answered ($got; lb1 $via1, lb2 $via2)" || rec_fail "7: IPv6 requests: $got (lb1 $via1, lb2 $via2)"

rec_finish
