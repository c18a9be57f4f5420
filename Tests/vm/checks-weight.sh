#!/usr/bin/env bash
# Health checks against real backends in network namespaces: be1's health endpoint fails (HTTP
# 503, the lab's "down" switch); its kernel weight (ipvsadm, the witness) must reach 0 within
# fall x interval (plus slack for TCG) and new connections through the VIP must all go to be2.
# Then be1 recovers: after `rise` good checks its weight must climb back to 100 through the
# slow-start ramp (first 1, then tenths: 10, 20, ... as polled) and traffic reach it again.
set -euo pipefail
source Tests/vm/_reconciler-lib.sh
source scripts/vm-netns-lab

lab_director
lab_vip 192.0.2.10
lab_backends be1 be2
lab_client client

interval=1 fall=2 rise=2 ramp=6
config=$REC_WORK/gorb.yaml
cat >"$config" <<YAML
services:
  web:
    host: 192.0.2.10
    port: 80
    method: rr
    pulse: {type: http, interval: ${interval}s, timeout: 1s, rise: $rise, fall: $fall, ramp: ${ramp}s, args: {path: /}}
    backends:
      be1: {host: $(lab_ip be1), port: 8080, weight: 100}
      be2: {host: $(lab_ip be2), port: 8080, weight: 100}
YAML
log=$REC_WORK/daemon.log
rec_daemon_start "$log" --config "$config" --log-level debug
be1=$(lab_ip be1)
weight_of_be1() { ipvsadm -Ln -t 192.0.2.10:80 | awk -v ip="$be1:8080" '$2 == ip { print $4 }'; }
be1_weight_is() { [[ $(weight_of_be1) == "$1" ]]; }
rec_wait 90 be1_weight_is 100 || rec_die "the daemon did not build the table; log: $(tail -20 "$log")"
rec_pass "both backends in the table at weight 100"

# Down: 503 from be1's health endpoint.
lab_backend_down be1
t0=$EPOCHREALTIME
if rec_wait 60 be1_weight_is 0; then
    took=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
    limit=$((fall * interval + 10))  # fall x interval, plus slack for TCG and the probe timeout
    if awk -v t="$took" -v l="$limit" 'BEGIN { exit !(t <= l) }'; then
        rec_pass "be1 weight 0 after ${took}s (fall x interval = $((fall * interval))s, allowed ${limit}s under TCG)"
    else
        rec_fail "be1 weight 0 only after ${took}s (allowed ${limit}s)"
    fi
else
    rec_die "be1 never reached weight 0; ipvsadm: $(ipvsadm -Ln); log: $(tail -20 "$log")"
fi
answers=""
for _ in 1 2 3 4 5 6; do answers+="$(lab_http client http://192.0.2.10/ 2>/dev/null || echo error) "; done
if [[ $answers == "be2 be2 be2 be2 be2 be2 " ]]; then
    rec_pass "six new connections through the VIP all went to be2"
else
    rec_fail "traffic did not avoid be1: $answers"
fi

# Up again: the weight climbs through the ramp.
lab_backend_up be1
seen=""
last=0
deadline=$(awk -v t="$EPOCHREALTIME" 'BEGIN { printf "%.3f", t + 90 }')
while awk -v t="$EPOCHREALTIME" -v d="$deadline" 'BEGIN { exit !(t < d) }'; do
    w=$(weight_of_be1)
    if [[ -n $w && $w != "$last" ]]; then seen+="$w "; last=$w; fi
    [[ $w == 100 ]] && break
    sleep 0.1
done
seen=${seen% }
first=${seen%% *}
if [[ $last == 100 && $first != 100 ]] && awk -v s="$seen" 'BEGIN { n = split(s, a, " "); for (i = 2; i <= n; i++) if (a[i] + 0 < a[i-1] + 0) exit 1 }'; then
    rec_pass "be1 climbed back through the ramp: $seen"
else
    rec_fail "be1 did not ramp back to 100 (weights seen: '$seen')"
fi
answers=""
for _ in 1 2 3 4 5 6; do answers+="$(lab_http client http://192.0.2.10/ 2>/dev/null || echo error) "; done
if [[ $answers == *be1* ]]; then
    rec_pass "traffic reaches be1 again: $answers"
else
    rec_fail "no connection reached be1 after recovery: $answers"
fi
grep -q 'backend down' "$log" && rec_pass "the daemon logged the transition" || rec_fail "no 'backend down' in the log"
rec_finish
