#!/usr/bin/env bash
# VIPs over rtnetlink (settings.vips): the daemon adds each service's VIP to a dummy interface
# (IPv4 /32, IPv6 /128 nodad), adopts an address that was there before and never removes it,
# removes an owned one on SIGHUP once its service is gone, repairs an `ip addr del` at the next
# resync, keeps every address across a restart (polled throughout: never missing), and
# --cleanup-on-exit removes the owned ones only. With the interface missing (a reload naming
# another), IPVS is still reconciled, GET /status says why, and nothing is removed. The witness is `ip -o addr`, never the daemon's own view.
set -euo pipefail
source Tests/vm/_reconciler-lib.sh
command -v curl >/dev/null || rec_die "curl is not installed"

ip link add vip0 type dummy || rec_die "cannot create a dummy interface (is the dummy module loaded?)"
ip link set vip0 up
# There before the daemon: adopted, never removed.
ip addr add 192.0.2.30/32 dev vip0

api=127.0.0.1:4672
config=$REC_WORK/gorb.yaml
write_config() {
    local interface=$1
    shift
    {
        echo "settings: {vips: {interface: $interface}}"
        echo "defaults: {backend: {pulse: {type: none}}}"
        echo "services:"
        local service
        for service; do
            case $service in
            web) echo '  web: {host: 192.0.2.10, port: 80, backends: {a: {host: 198.51.100.1, port: 8080}}}' ;;
            six) echo '  six: {host: "2001:db8::10", port: 80, backends: {a: {host: "2001:db8:1::1", port: 8080}}}' ;;
            old) echo '  old: {host: 192.0.2.20, port: 80, backends: {a: {host: 198.51.100.1, port: 8080}}}' ;;
            pre) echo '  pre: {host: 192.0.2.30, port: 80, backends: {a: {host: 198.51.100.1, port: 8080}}}' ;;
            new) echo '  new: {host: 192.0.2.40, port: 80, backends: {a: {host: 198.51.100.1, port: 8080}}}' ;;
            esac
        done
    } >"$config"
}

addrs() { ip -o addr show dev vip0 | awk '{ print $4 ($0 ~ / nodad/ ? " nodad" : "") }' | LC_ALL=C sort | xargs; }
has() { ip -o addr show dev vip0 | grep -qF " $1 "; }
hasnt() { ! has "$1"; }
status() { curl -sf --noproxy '*' --max-time 3 "http://$api/status"; }

# 1. Start: every VIP added, the pre-existing one adopted.
write_config vip0 web six old pre
log1=$REC_WORK/daemon1.log
rec_daemon_start "$log1" --config "$config" --resync 1s --log-level debug
all() { has 192.0.2.10/32 && has 192.0.2.20/32 && has 2001:db8::10/128; }
if rec_wait 30 all; then
    rec_pass "VIPs added: $(addrs)"
else
    rec_die "the VIPs were not added: $(addrs); log: $(cat "$log1")"
fi
ip -o -6 addr show dev vip0 | grep -F 2001:db8::10/128 | grep -q nodad &&
    rec_pass "the IPv6 VIP is a /128 without DAD (nodad)" || rec_fail "the IPv6 VIP lacks nodad: $(ip -o -6 addr show dev vip0)"
has 192.0.2.30/32 && rec_pass "the pre-existing address is still there" || rec_fail "the pre-existing address is gone"
in_sync() { status | grep -q '"in-sync" *: *true'; }
rec_wait 10 in_sync && rec_pass "GET /status: vips in sync" || rec_fail "GET /status: $(status)"
adopted=$(curl -sf --noproxy '*' "http://$api/service/pre" || true)
grep -q '"ownership" *: *"adopted"' <<<"$adopted" && rec_pass "GET /service/pre: its VIP is adopted" ||
    rec_fail "GET /service/pre: $adopted"
owned=$(curl -sf --noproxy '*' "http://$api/service/web" || true)
grep -q '"ownership" *: *"owned"' <<<"$owned" && rec_pass "GET /service/web: its VIP is owned and present" ||
    rec_fail "GET /service/web: $owned"
metrics=$(curl -sf --noproxy '*' "http://$api/metrics" || true)
grep -q '^gorb_vip_present{vip="2001:db8::10"} 1' <<<"$metrics" && rec_pass "/metrics: gorb_vip_present" ||
    rec_fail "/metrics has no gorb_vip_present for the IPv6 VIP: $(grep gorb_vip <<<"$metrics")"

# 2. Drift: someone deletes an owned VIP; the next resync (1s) puts it back.
ip addr del 192.0.2.10/32 dev vip0
t0=$EPOCHREALTIME
if rec_wait 10 has 192.0.2.10/32; then
    rec_pass "drift repaired: 192.0.2.10/32 back after $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')s"
else
    rec_fail "drift not repaired: $(addrs)"
fi

# 3. SIGHUP without 'old' and 'pre': the owned 192.0.2.20 goes, the adopted 192.0.2.30 stays.
write_config vip0 web six
kill -HUP "$REC_DAEMON_PID"
if rec_wait 10 hasnt 192.0.2.20/32; then
    rec_pass "SIGHUP: the owned VIP of a removed service is removed"
else
    rec_fail "SIGHUP: 192.0.2.20/32 still there: $(addrs)"
fi
sleep 1.5 # a resync or two more: the adopted address must survive them
has 192.0.2.30/32 && rec_pass "SIGHUP: the adopted VIP of a removed service stays" || rec_fail "the adopted 192.0.2.30/32 was removed"

# 4. The interface goes missing (settings.vips.interface: nope0, reloaded): IPVS is reconciled
# all the same (a new service appears), GET /status says why, and no address is removed.
write_config nope0 web six new
kill -HUP "$REC_DAEMON_PID"
new_in_kernel() { ipvsadm -Ln | grep -q '192.0.2.40:80'; }
rec_wait 15 new_in_kernel && rec_pass "interface missing: IPVS reconciled anyway (the new service is in the kernel)" ||
    rec_fail "IPVS not reconciled: $(ipvsadm -Ln)"
says_why() { status | grep -q "no interface named 'nope0'"; }
rec_wait 10 says_why && rec_pass "interface missing: GET /status says \"no interface named 'nope0'\"" || rec_fail "GET /status: $(status)"
sleep 1.5 # more passes: the error must be logged once, not at each
logged=$(grep -c "no interface named 'nope0'" "$log1" || true)
((logged == 1)) && rec_pass "interface missing: logged once" || rec_fail "interface missing: logged $logged times"
has 192.0.2.10/32 && has 2001:db8::10/128 && rec_pass "interface missing: the VIPs on vip0 stay" ||
    rec_fail "interface missing: addresses removed: $(addrs)"
write_config vip0 web six
kill -HUP "$REC_DAEMON_PID"
rec_wait 10 in_sync && rec_pass "interface back: vips in sync again" || rec_fail "GET /status: $(status)"

# 5. Restart: SIGTERM keeps the addresses; the next daemon finds them owned and changes nothing.
# A poller samples `ip -o addr` throughout: a single sample without a VIP fails.
samples=$REC_WORK/samples
# shellcheck disable=SC2016 # the inner script's own variables
bash -c 'while [[ ! -e $1.stop ]]; do ip -o addr show dev vip0 | tr "\n" " " >>"$1"; echo >>"$1"; sleep 0.05; done' _ "$samples" &
poller=$!
rec_daemon_stop TERM
grep -q 'stopped' "$log1" || rec_fail "daemon 1 logged no clean stop"
log2=$REC_WORK/daemon2.log
rec_daemon_start "$log2" --config "$config" --resync 1s --log-level debug --cleanup-on-exit
synced() { grep -q '"in-sync" *: *true' <(status) && grep -q 'pass: in sync' "$log2"; }
rec_wait 30 synced || rec_fail "daemon 2 did not get in sync; log: $(cat "$log2")"
sleep 1
touch "$samples.stop"
wait "$poller" || true
total=$(wc -l <"$samples")
missing=$(grep -vc -e '192.0.2.10/32' "$samples" || true)
missing6=$(grep -vc -e '2001:db8::10/128' "$samples" || true)
if ((total > 10 && missing == 0 && missing6 == 0)); then
    rec_pass "restart: the VIPs never left vip0 ($total samples of ip -o addr)"
else
    rec_fail "restart: $missing of $total samples lacked 192.0.2.10/32, $missing6 lacked 2001:db8::10/128"
fi
if grep -q 'VIP added\|VIP removed' "$log2"; then
    rec_fail "daemon 2 changed addresses: $(grep 'VIP added\|VIP removed' "$log2")"
else
    rec_pass "daemon 2 changed no address"
fi

# 6. --cleanup-on-exit: the owned VIPs go, the adopted one stays.
rec_daemon_stop TERM
if hasnt 192.0.2.10/32 && hasnt 2001:db8::10/128 && has 192.0.2.30/32; then
    rec_pass "--cleanup-on-exit removed the owned VIPs only: $(addrs)"
else
    rec_fail "--cleanup-on-exit left: $(addrs); log: $(tail -5 "$log2")"
fi

rec_finish
