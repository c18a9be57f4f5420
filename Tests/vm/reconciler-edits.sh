#!/usr/bin/env bash
# A table of edits to the file, each applied on its own over the previous state. For every row:
#   1. `plan --json` counts the steps by kind and must equal the row's minimal plan;
#   2. `apply` must apply exactly that many changes;
#   3. the lines `ipvsadm -Sn` lost and gained must equal the row's expected diff.
# In-place edits (weight, scheduler, flags, persistence, netmask, forwarding, thresholds) are
# one update each; only a change of identity (VIP, fwmark, IPv6 VIP) deletes and creates.
# Ends with `plan` exit 0 (nothing left to do).
set -euo pipefail
source Tests/vm/_reconciler-lib.sh

# The file, rendered from these knobs; each row changes some of them.
WEB_VIP=192.0.2.10 WEB_SCHED=wrr WEB_PERSIST=false WEB_NETMASK="" WEB2_WEIGHT=50 WEB2_THRESH=""
WEB3="" HASH_FLAGS="[]" HASH1_FWD=nat MARK=17 MARK_SCHED=rr V6_VIP=2001:db8::80 V61_WEIGHT=100
EXTRA=""
config=$REC_WORK/gorb.yaml
render() {
    cat >"$config" <<YAML
settings:
  prune: owned
services:
  web:
    host: $WEB_VIP
    port: 80
    method: $WEB_SCHED
    persistent: $WEB_PERSIST
    $WEB_NETMASK
    backends:
      web-1: {host: 198.51.100.11, port: 8080, weight: 100}
      web-2: {host: 198.51.100.12, port: 8080, weight: $WEB2_WEIGHT $WEB2_THRESH}
      $WEB3
  hash:
    host: 192.0.2.20
    port: 443
    method: sh
    flags: $HASH_FLAGS
    backends:
      hash-1: {host: 198.51.100.21, method: $HASH1_FWD}
  marked:
    fwmark: $MARK
    family: ipv4
    method: $MARK_SCHED
    backends:
      tun-1: {host: 203.0.113.21, port: 0, method: tunnel, tunnel: {type: ipip}}
      tun-2: {host: 203.0.113.22, port: 0, method: tunnel, tunnel: {type: ipip}}
  v6:
    host: "$V6_VIP"
    port: 443
    method: rr
    backends:
      v6-1: {host: "2001:db8:1::1", weight: $V61_WEIGHT}
      v6-2: {host: "2001:db8:1::2"}
$EXTRA
YAML
}

render
gorb apply --config "$config" >/dev/null 2>"$REC_WORK/apply.err" || rec_die "base apply failed: $(cat "$REC_WORK/apply.err")"
cat >"$REC_WORK/base" <<'EOF2'
-A -t 192.0.2.10:80 -s wrr
-a -t 192.0.2.10:80 -r 198.51.100.11:8080 -m -w 100
-a -t 192.0.2.10:80 -r 198.51.100.12:8080 -m -w 50
-A -t 192.0.2.20:443 -s sh
-a -t 192.0.2.20:443 -r 198.51.100.21:443 -m -w 100
-A -f 17 -s rr
-a -f 17 -r 203.0.113.21:0 -i -w 100 --tun-type ipip
-a -f 17 -r 203.0.113.22:0 -i -w 100 --tun-type ipip
-A -t [2001:db8::80]:443 -s rr
-a -t [2001:db8::80]:443 -r [2001:db8:1::1]:443 -m -w 100
-a -t [2001:db8::80]:443 -r [2001:db8:1::2]:443 -m -w 100
EOF2
rec_expect_table "base config" "$REC_WORK/base"

# row NAME "create=N update=N delete=N drain=N" KNOB=VALUE... <<< expected diff ("- line" / "+ line")
row() {
    local name=$1 want=$2 got kv out applied n before=$REC_WORK/before after=$REC_WORK/after
    shift 2
    for kv; do printf -v "${kv%%=*}" '%s' "${kv#*=}"; done
    render
    rec_table >"$before"
    if ! got=$(rec_plan_summary "$config"); then
        rec_fail "$name: $got"
        return 0
    fi
    if [[ $got == "$want" ]]; then rec_pass "$name: plan is minimal: $got"; else rec_fail "$name: plan $got, expected $want"; fi
    out=$(gorb apply --config "$config" 2>"$REC_WORK/apply.err") || rec_fail "$name: apply failed: $(cat "$REC_WORK/apply.err")"
    n=0
    for kv in $want; do n=$((n + ${kv#*=})); done
    applied=$(tail -1 <<<"$out")
    if [[ $applied == "applied $n of $n changes" ]]; then rec_pass "$name: apply: $applied"; else rec_fail "$name: apply said '$applied', expected $n changes"; fi
    rec_table >"$after"
    local expected actual
    expected=$({ grep -v '^$' || true; } | LC_ALL=C sort)
    actual=$( { comm -23 "$before" "$after" | sed 's/^/- /'; comm -13 "$before" "$after" | sed 's/^/+ /'; } | LC_ALL=C sort)
    if [[ $actual == "$expected" ]]; then
        rec_pass "$name: ipvsadm -Sn changed exactly as expected ($(grep -c . <<<"$expected") lines)"
    else
        rec_fail "$name: ipvsadm -Sn diff differs:"
        diff <(echo "$expected") <(echo "$actual") | sed 's/^/    /' || true
    fi
}

row "weight" "create=0 update=1 delete=0 drain=0" WEB2_WEIGHT=70 <<'EOF2'
- -a -t 192.0.2.10:80 -r 198.51.100.12:8080 -m -w 50
+ -a -t 192.0.2.10:80 -r 198.51.100.12:8080 -m -w 70
EOF2
row "scheduler" "create=0 update=1 delete=0 drain=0" WEB_SCHED=wlc <<'EOF2'
- -A -t 192.0.2.10:80 -s wrr
+ -A -t 192.0.2.10:80 -s wlc
EOF2
row "flags" "create=0 update=1 delete=0 drain=0" "HASH_FLAGS=[sh-fallback, sh-port]" <<'EOF2'
- -A -t 192.0.2.20:443 -s sh
+ -A -t 192.0.2.20:443 -s sh -b sh-fallback,sh-port
EOF2
row "persistence on" "create=0 update=1 delete=0 drain=0" WEB_PERSIST=600s <<'EOF2'
- -A -t 192.0.2.10:80 -s wlc
+ -A -t 192.0.2.10:80 -s wlc -p 600
EOF2
row "netmask" "create=0 update=1 delete=0 drain=0" "WEB_NETMASK=netmask: 255.255.255.0" <<'EOF2'
- -A -t 192.0.2.10:80 -s wlc -p 600
+ -A -t 192.0.2.10:80 -s wlc -p 600 -M 255.255.255.0
EOF2
row "persistence off" "create=0 update=1 delete=0 drain=0" WEB_PERSIST=false WEB_NETMASK= <<'EOF2'
- -A -t 192.0.2.10:80 -s wlc -p 600 -M 255.255.255.0
+ -A -t 192.0.2.10:80 -s wlc
EOF2
row "forwarding nat -> dr" "create=0 update=1 delete=0 drain=0" HASH1_FWD=dr <<'EOF2'
- -a -t 192.0.2.20:443 -r 198.51.100.21:443 -m -w 100
+ -a -t 192.0.2.20:443 -r 198.51.100.21:443 -g -w 100
EOF2
# Thresholds are not in ipvsadm's save format: the table must not move, --thresholds shows them.
row "thresholds" "create=0 update=1 delete=0 drain=0" "WEB2_THRESH=, thresholds: {upper: 900, lower: 700}" </dev/null
if ipvsadm -Ln --thresholds -t 192.0.2.10:80 | grep -Eq '198\.51\.100\.12:8080 +900 +700 '; then
    rec_pass "thresholds: ipvsadm -Ln --thresholds shows 900/700"
else
    rec_fail "thresholds: $(ipvsadm -Ln --thresholds -t 192.0.2.10:80)"
fi
row "add backend" "create=1 update=0 delete=0 drain=0" "WEB3=web-3: {host: 198.51.100.13, port: 8080, weight: 10}" <<'EOF2'
+ -a -t 192.0.2.10:80 -r 198.51.100.13:8080 -m -w 10
EOF2
# No connections on it: removed at once (a drain with a live connection: reconciler-drain.sh).
row "remove backend" "create=0 update=0 delete=1 drain=0" WEB3= <<'EOF2'
- -a -t 192.0.2.10:80 -r 198.51.100.13:8080 -m -w 10
EOF2
row "add service" "create=3 update=0 delete=0 drain=0" "EXTRA=  extra: {host: 192.0.2.40, port: 25, protocol: tcp, method: lc, backends: {mx-1: {host: 198.51.100.41}, mx-2: {host: 198.51.100.42}}}" <<'EOF2'
+ -A -t 192.0.2.40:25 -s lc
+ -a -t 192.0.2.40:25 -r 198.51.100.41:25 -m -w 100
+ -a -t 192.0.2.40:25 -r 198.51.100.42:25 -m -w 100
EOF2
row "remove service" "create=0 update=0 delete=1 drain=0" EXTRA= <<'EOF2'
- -A -t 192.0.2.40:25 -s lc
- -a -t 192.0.2.40:25 -r 198.51.100.41:25 -m -w 100
- -a -t 192.0.2.40:25 -r 198.51.100.42:25 -m -w 100
EOF2
row "VIP change" "create=3 update=0 delete=1 drain=0" WEB_VIP=192.0.2.11 <<'EOF2'
- -A -t 192.0.2.10:80 -s wlc
- -a -t 192.0.2.10:80 -r 198.51.100.11:8080 -m -w 100
- -a -t 192.0.2.10:80 -r 198.51.100.12:8080 -m -w 70
+ -A -t 192.0.2.11:80 -s wlc
+ -a -t 192.0.2.11:80 -r 198.51.100.11:8080 -m -w 100
+ -a -t 192.0.2.11:80 -r 198.51.100.12:8080 -m -w 70
EOF2
if ipvsadm -Ln --thresholds -t 192.0.2.11:80 | grep -Eq '198\.51\.100\.12:8080 +900 +700 '; then
    rec_pass "VIP change: the re-created web-2 kept its thresholds 900/700"
else
    rec_fail "VIP change: web-2 lost its thresholds: $(ipvsadm -Ln --thresholds -t 192.0.2.11:80)"
fi
row "fwmark scheduler (in place)" "create=0 update=1 delete=0 drain=0" MARK_SCHED=lc <<'EOF2'
- -A -f 17 -s rr
+ -A -f 17 -s lc
EOF2
row "fwmark change" "create=3 update=0 delete=1 drain=0" MARK=18 <<'EOF2'
- -A -f 17 -s lc
- -a -f 17 -r 203.0.113.21:0 -i -w 100 --tun-type ipip
- -a -f 17 -r 203.0.113.22:0 -i -w 100 --tun-type ipip
+ -A -f 18 -s lc
+ -a -f 18 -r 203.0.113.21:0 -i -w 100 --tun-type ipip
+ -a -f 18 -r 203.0.113.22:0 -i -w 100 --tun-type ipip
EOF2
row "IPv6 weight" "create=0 update=1 delete=0 drain=0" V61_WEIGHT=30 <<'EOF2'
- -a -t [2001:db8::80]:443 -r [2001:db8:1::1]:443 -m -w 100
+ -a -t [2001:db8::80]:443 -r [2001:db8:1::1]:443 -m -w 30
EOF2
row "IPv6 VIP change" "create=3 update=0 delete=1 drain=0" V6_VIP=2001:db8::81 <<'EOF2'
- -A -t [2001:db8::80]:443 -s rr
- -a -t [2001:db8::80]:443 -r [2001:db8:1::1]:443 -m -w 30
- -a -t [2001:db8::80]:443 -r [2001:db8:1::2]:443 -m -w 100
+ -A -t [2001:db8::81]:443 -s rr
+ -a -t [2001:db8::81]:443 -r [2001:db8:1::1]:443 -m -w 30
+ -a -t [2001:db8::81]:443 -r [2001:db8:1::2]:443 -m -w 100
EOF2

rc=0
gorb plan --config "$config" >/dev/null 2>&1 || rc=$?
((rc == 0)) && rec_pass "after all edits: plan exit 0 (nothing left to do)" || rec_fail "after all edits: plan exit $rc"
rec_finish
