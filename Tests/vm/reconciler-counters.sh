#!/usr/bin/env bash
# A scheduler change is an in-place edit: real connections through the VIP are counted by the
# kernel (`ipvsadm -Ln --stats`); after the scheduler changes (wrr -> wlc, one update) the
# service's and each backend's counters are still there. A delete + create would zero them.
set -euo pipefail
source Tests/vm/_reconciler-lib.sh
source scripts/vm-netns-lab

lab_director
lab_vip 192.0.2.10
lab_backends be1 be2
lab_client client

config=$REC_WORK/gorb.yaml
write_config() {
    cat >"$config" <<YAML
defaults: {backend: {pulse: {type: none}}}   # no health checks: the file's weights are the truth
services:
  web:
    host: 192.0.2.10
    port: 80
    method: $1
    backends:
      be1: {host: $(lab_ip be1), port: 8080}
      be2: {host: $(lab_ip be2), port: 8080}
YAML
}
write_config wrr
gorb apply --config "$config" >/dev/null 2>&1 || rec_die "apply failed"

requests=20
# One curl, $requests URLs: the responders speak HTTP/1.0, so each request is a new connection.
urls=()
for ((i = 0; i < requests; i++)); do urls+=("http://192.0.2.10/r$i"); done
seen=$(lab_http client "${urls[0]}" "${urls[@]:1}")
if [[ $(sort -u <<<"$seen" | grep -c .) -eq 2 ]]; then
    rec_pass "$requests requests through 192.0.2.10:80 reached both backends: $(sort <<<"$seen" | uniq -c | xargs)"
else
    rec_fail "requests did not reach both backends: $(sort <<<"$seen" | uniq -c | xargs)"
fi

# stats: "service-conns be1-conns be2-conns" from ipvsadm's exact counters.
stats() {
    ipvsadm -Ln --stats --exact -t 192.0.2.10:80 | awk '
        $1 == "TCP" { s = $3 } $2 ~ /^10\.200\.1\.2:/ { a = $3 } $2 ~ /^10\.200\.2\.2:/ { b = $3 }
        END { print s + 0, a + 0, b + 0 }'
}
folded() { [[ $(stats | cut -d' ' -f1) -ge $requests ]]; }
# The kernel folds its per-CPU counters into what ipvsadm reads every 2 s: poll.
rec_wait 10 folded || rec_fail "the counters never reached $requests: $(stats)"
before=$(stats)
rec_pass "counters before (service be1 be2): $before"

write_config wlc
got=$(rec_plan_summary "$config")
[[ $got == "create=0 update=1 delete=0 drain=0" ]] && rec_pass "scheduler change plans one update: $got" ||
    rec_fail "scheduler change plan: $got"
gorb apply --config "$config" >/dev/null 2>&1 || rec_fail "apply of the scheduler change failed"
grep -q -- '-A -t 192.0.2.10:80 -s wlc' <(ipvsadm -Sn) && rec_pass "the kernel runs wlc now" ||
    rec_fail "scheduler not changed: $(ipvsadm -Sn)"
after=$(stats)
if [[ $after == "$before" ]]; then
    rec_pass "counters after the scheduler change (service be1 be2): $after (kept: in place, not re-created)"
else
    rec_fail "counters changed across the scheduler change: before $before, after $after"
fi

# Still serving, and still counting from where it was.
lab_http client http://192.0.2.10/ >/dev/null || rec_fail "no answer after the scheduler change"
more() { [[ $(stats | cut -d' ' -f1) -ge $((requests + 1)) ]]; }
rec_wait 10 more && rec_pass "one more request: service conns $(stats | cut -d' ' -f1)" ||
    rec_fail "service counter did not move on: $(stats)"
rec_finish
