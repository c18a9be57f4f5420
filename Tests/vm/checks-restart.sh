#!/usr/bin/env bash
# A restart is hitless with health checks on. be1 is down (its health endpoint answers 503) and
# the daemon holds it at weight 0; the daemon is SIGKILLed and started again. From the restart
# until be1's first check, its kernel weight (ipvsadm, polled every 100 ms) must never leave 0
# (before this fix it went back to 100 on the first pass). Then be1 recovers: after `rise` good
# checks its weight climbs through the ramp from 1, never jumping to 100. Traffic from a client
# namespace goes only to be2 while be1 is at 0. A second daemon restart in the middle of be1's
# ramp must resume the ramp from the weight the kernel holds, never above it.
set -euo pipefail
source Tests/vm/_reconciler-lib.sh
source scripts/vm-netns-lab

lab_director
lab_vip 192.0.2.10
lab_backends be1 be2
lab_client client

interval=2 fall=2 rise=2 ramp=20
config=$REC_WORK/gorb.yaml
cat >"$config" <<YAML
services:
  web:
    host: 192.0.2.10
    port: 80
    method: rr
    pulse: {type: http, interval: ${interval}s, timeout: ${interval}s, rise: $rise, fall: $fall, ramp: ${ramp}s, args: {path: /}}
    backends:
      be1: {host: $(lab_ip be1), port: 8080, weight: 100}
      be2: {host: $(lab_ip be2), port: 8080, weight: 100}
YAML
log=$REC_WORK/daemon.log
be1=$(lab_ip be1)
weight_of_be1() { ipvsadm -Ln -t 192.0.2.10:80 | awk -v ip="$be1:8080" '$2 == ip { print $4 }'; }
be1_weight_is() { [[ $(weight_of_be1) == "$1" ]]; }
# How many checks of be1 this daemon has made (its REST API; 0 until it answers).
checks_of_be1() {
    local n
    n=$(curl -s --noproxy '*' --max-time 1 http://127.0.0.1:4672/service/web/be1 | grep -o '"checks" *: *[0-9]*' | grep -o '[0-9]*$')
    echo "${n:-0}"
}

rec_daemon_start "$log" --config "$config" --log-level debug
rec_wait 90 be1_weight_is 100 || rec_die "the daemon did not build the table; log: $(tail -20 "$log")"
lab_backend_down be1
rec_wait 60 be1_weight_is 0 || rec_die "be1 never reached weight 0; log: $(tail -20 "$log")"
rec_pass "be1 is down and held at weight 0"

# Restart (SIGKILL: no chance to tidy up), and watch be1's weight until its first check.
rec_daemon_stop KILL
rec_daemon_start "$log" --config "$config" --log-level debug
seen="" max=0 polls=0
while (($(checks_of_be1) == 0)); do
    w=$(weight_of_be1)
    polls=$((polls + 1))
    [[ -n $w && $w != "${seen##* }" ]] && seen+=" $w"
    ((${w:-0} > max)) && max=${w:-0}
    ((polls > 600)) && rec_die "no health check of be1 within 60 s of the restart; log: $(tail -20 "$log")"
    sleep 0.1
done
# And a few more passes after that first (failing) check.
for _ in $(seq 20); do
    w=$(weight_of_be1)
    ((${w:-0} > max)) && max=${w:-0}
    sleep 0.1
done
if ((max == 0)); then
    rec_pass "after the restart be1 stayed at weight 0 until and after its first check ($polls polls, weights seen:${seen})"
else
    rec_fail "be1 got weight $max back after the restart before a check said it was up (weights seen:${seen})"
fi
answers=""
for _ in 1 2 3 4; do answers+="$(lab_http client http://192.0.2.10/ 2>/dev/null || echo error) "; done
[[ $answers == "be2 be2 be2 be2 " ]] && rec_pass "new connections through the VIP all went to be2: $answers" || rec_fail "traffic reached be1 or failed: $answers"

# Recovery: rise good checks, then the ramp from 1.
lab_backend_up be1
seen="" last=0
deadline=$(awk -v t="$EPOCHREALTIME" 'BEGIN { printf "%.3f", t + 60 }')
while awk -v t="$EPOCHREALTIME" -v d="$deadline" 'BEGIN { exit !(t < d) }'; do
    w=$(weight_of_be1)
    if [[ -n $w && $w != "$last" ]]; then seen+="$w "; last=$w; fi
    # Stop at the middle of the ramp: the second restart resumes from there.
    ((${w:-0} >= 30)) && break
    sleep 0.1
done
first=${seen%% *}
if ((last >= 30 && last < 100)) && [[ $first == 1 || $first == 10 ]]; then
    rec_pass "be1 recovered through the ramp: $seen"
else
    rec_fail "be1 did not start its ramp from the bottom (weights seen: '$seen')"
fi

# Restart in the middle of the ramp: the weight never jumps back to full; the ramp goes on (each
# step +10, every ramp/10 = 2 s; polling under TCG may miss a step, never a jump to 100). The
# check's timeout is the whole interval: one failed check during a ramp takes a backend down
# (by design), and a TCG machine busy starting the daemon must not fail it spuriously.
held=$(weight_of_be1)
rec_daemon_stop KILL
rec_daemon_start "$log" --config "$config" --log-level debug
seen="" last=$held bad=""
deadline=$(awk -v t="$EPOCHREALTIME" 'BEGIN { printf "%.3f", t + 90 }')
while awk -v t="$EPOCHREALTIME" -v d="$deadline" 'BEGIN { exit !(t < d) }'; do
    w=$(weight_of_be1)
    if [[ -n $w && $w != "$last" ]]; then
        seen+="$w "
        ((w < last)) && bad+="$last->$w "
        last=$w
    fi
    [[ $w == 100 ]] && break
    sleep 0.1
done
first=${seen%% *}
steps=$(wc -w <<<"$seen")
if [[ $last == 100 && -z $bad ]] && ((first <= held + 20 && steps >= 3)); then
    rec_pass "restarted mid-ramp at weight $held, be1 resumed the ramp: $seen"
else
    rec_fail "after a restart mid-ramp at $held, be1 went: '$seen' (decreases: '$bad'; a resumed ramp starts near $held and takes several steps); health in the log: $(grep -E 'backend (down|up)' "$log" | tail -4)"
fi
rec_finish
