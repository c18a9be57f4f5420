#!/usr/bin/env bash
# Drain with a live connection: a client holds a TCP connection through the VIP to backend B;
# B is removed from the file + SIGHUP. B must sit in the kernel at weight 0 (new connections go
# to A only, the held one keeps working and is still served by B) until the connection closes,
# then disappear. B's drain time is 10m, so only the closed connection can end the drain.
set -euo pipefail
source Tests/vm/_reconciler-lib.sh
source scripts/vm-netns-lab

lab_director
lab_vip 192.0.2.10
lab_backends be1 be2
lab_client client
declare -A name_of=(["$(lab_ip be1)"]=be1 ["$(lab_ip be2)"]=be2)

config=$REC_WORK/gorb.yaml
write_config() {  # write_config BACKEND...
    printf 'defaults: {backend: {pulse: {type: none}}}\nservices:\n  web:\n    host: 192.0.2.10\n    port: 80\n    method: rr\n    backends:\n' >"$config"
    local b
    for b; do printf '      %s: {host: %s, port: 8080, drain: 10m}\n' "$b" "$(lab_ip "$b")" >>"$config"; done
}
write_config be1 be2
log=$REC_WORK/daemon.log
rec_daemon_start "$log" --config "$config"
has_both() { [[ $(ipvsadm -Sn | grep -c -- '-r 10.200') -eq 2 ]]; }
rec_wait 90 has_both || rec_die "the daemon did not build the table; log: $(cat "$log")"

# The held connection: connect, wait for $hold/go, send one HTTP request on it, print the body,
# then close with a RST (SO_LINGER 0) so IPVS forgets it after its CLOSE timeout (10 s) rather
# than keeping a TIME_WAIT entry for 2 minutes.
hold=$REC_WORK/hold
mkdir "$hold"
# shellcheck disable=SC2016
lab_exec client python3 -c '
import os, socket, struct, sys, time
d = sys.argv[1]
s = socket.create_connection(("192.0.2.10", 80), timeout=60)
open(d + "/connected", "w").close()
while not os.path.exists(d + "/go"):
    time.sleep(0.1)
s.sendall(b"GET / HTTP/1.0\r\nHost: vip\r\n\r\n")
data = b""
while True:
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
open(d + "/answer", "w").write(data.split(b"\r\n\r\n", 1)[-1].decode().strip())
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()
' "$hold" >"$REC_WORK/holder.log" 2>&1 &
holder=$!
connected() { [[ -e $hold/connected ]]; }
# (A python start can take many seconds under TCG on a loaded machine.)
if ! rec_wait 90 connected; then
    kill -0 "$holder" 2>/dev/null && state="still starting" || state="exited"
    rec_die "the client did not connect within 90 s ($state): $(cat "$REC_WORK/holder.log")"
fi

# Which backend holds it: the one with ActiveConn 1 (ipvsadm -Ln).
active_backend() {
    ipvsadm -Ln -t 192.0.2.10:80 | awk '$1 == "->" && $5 == 1 { split($2, a, ":"); print a[1] }'
}
have_active() { [[ -n $(active_backend) ]]; }
rec_wait 10 have_active || true
b_ip=$(active_backend)
[[ -n $b_ip ]] || rec_die "no backend shows the held connection: $(ipvsadm -Ln)"
B=${name_of[$b_ip]}
A=be1; [[ $B == be1 ]] && A=be2
rec_pass "the held connection is on $B ($b_ip), ActiveConn 1"

write_config "$A"
kill -HUP "$REC_DAEMON_PID"
drained() { ipvsadm -Sn | grep -q -- "-r $b_ip:8080 -m -w 0\$"; }
if rec_wait 20 drained; then rec_pass "after SIGHUP, $B is at weight 0: $(ipvsadm -Sn | grep -- "-r $b_ip:8080")"
else rec_fail "$B not drained to weight 0: $(ipvsadm -Sn | xargs)"; fi

# One curl, 6 URLs: 6 new connections (the responders speak HTTP/1.0).
answers=$(lab_http client http://192.0.2.10/{1,2,3,4,5,6} | xargs)
if [[ $answers == *"$B"* ]]; then rec_fail "a new connection went to the draining $B: $answers"
else rec_pass "6 new connections all went to $A: $answers"; fi

sleep 5  # >= 2 drain re-checks (every 2 s while something drains)
drained && rec_pass "5 s later $B is still there at weight 0 (connection open)" ||
    rec_fail "$B left while its connection was open: $(ipvsadm -Sn | xargs)"

t0=$EPOCHREALTIME
touch "$hold/go"
wait "$holder" || rec_fail "the held connection failed: $(cat "$REC_WORK/holder.log")"
answer=$(cat "$hold/answer" 2>/dev/null || true)
[[ $answer == "$B" ]] && rec_pass "the held connection was still served by $B during the drain (answered '$answer'), then closed (RST)" ||
    rec_fail "the held connection answered '$answer', expected $B"

gone() { ! ipvsadm -Sn | grep -q -- "-r $b_ip:8080"; }
if rec_wait 60 gone; then
    rec_pass "$B deleted $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')s after its connection closed (IPVS CLOSE timeout 10 s + a 2 s re-check)"
else
    rec_fail "$B still there 60s after its connection closed: $(ipvsadm -Ln)"
fi
cat >"$REC_WORK/expected" <<EOF2
-A -t 192.0.2.10:80 -s rr
-a -t 192.0.2.10:80 -r $(lab_ip "$A"):8080 -m -w 100
EOF2
rec_expect_table "after the drain" "$REC_WORK/expected"
rec_finish
