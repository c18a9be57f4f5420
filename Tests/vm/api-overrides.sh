#!/usr/bin/env bash
# The REST API against the real kernel, ipvsadm as the witness and real traffic through the VIPs:
# PUT a service and a backend (they appear in `ipvsadm -Sn` and answer), PATCH a weight (the
# kernel has it), DELETE the backend (weight 0 first, then gone), restart the daemon (the
# overrides are still there and the restart changes nothing), DELETE /overrides (back to
# exactly the file). The file is never written by any of it.
set -euo pipefail
source Tests/vm/_reconciler-lib.sh
source scripts/vm-netns-lab

lab_director
lab_vip 192.0.2.10
lab_vip 192.0.2.20
lab_backends be1 be2
lab_client client
be1=$(lab_ip be1)
be2=$(lab_ip be2)

config=$REC_WORK/gorb.yaml
cat >"$config" <<YAML
defaults: {backend: {pulse: {type: none}}}   # no health checks: the weights are the file's and the API's
services:
  web:
    host: 192.0.2.10
    port: 80
    method: rr
    backends:
      be1: {host: $be1, port: 8080}
YAML
file_sum=$(sha256sum <"$config")
api=http://127.0.0.1:4672

# call METHOD PATH [BODY]: prints "STATUS BODY" (curl's own failure as status 000).
call() {
    local args=(-s -o "$REC_WORK/answer" -w '%{http_code}' --max-time 60 -X "$1" "$api$2")
    [[ -z ${3:-} ]] || args+=(-H 'Content-Type: application/json' -d "$3")
    local code
    code=$(curl "${args[@]}" || true)
    echo "$code $(cat "$REC_WORK/answer" 2>/dev/null)"
}
# expect_call DESC WANT METHOD PATH [BODY]: PASS when the status is WANT.
expect_call() {
    local desc=$1 want=$2 answer
    shift 2
    answer=$(call "$@")
    if [[ ${answer%% *} == "$want" ]]; then rec_pass "$desc: $1 $2 answered $want"
    else rec_fail "$desc: $1 $2 answered '$answer', expected $want"; fi
}
healthy() { curl -sf --max-time 5 "$api/healthz" >/dev/null; }
start_daemon() {
    rec_daemon_start "$1" --config "$config" --resync 2s --log-level debug
    rec_wait 90 healthy || rec_die "the API did not answer /healthz; log: $(cat "$1")"
}
line() { ipvsadm -Sn | grep -F -- "$1" || true; }

log1=$REC_WORK/daemon1.log
start_daemon "$log1"
file_only() { [[ -n $(line "-a -t 192.0.2.10:80 -r $be1:8080 -m -w 100") ]]; }
rec_wait 60 file_only || rec_die "the daemon did not apply the file: $(ipvsadm -Sn | xargs)"

# PUT a service and a backend: a 200 means the pass that applied them has run.
expect_call "a new service" 200 PUT /service/canary '{"host": "192.0.2.20", "port": 80, "method": "wrr"}'
expect_call "a new backend, drain 5s" 200 PUT /service/canary/be2 "{\"host\": \"$be2\", \"port\": 8080, \"weight\": 30, \"drain\": \"5s\"}"
expect_call "a new backend on the file's service" 200 PUT /service/web/be2 "{\"host\": \"$be2\", \"port\": 8080, \"weight\": 100}"
cat >"$REC_WORK/expected-put" <<EOF
-A -t 192.0.2.10:80 -s rr
-a -t 192.0.2.10:80 -r $be1:8080 -m -w 100
-a -t 192.0.2.10:80 -r $be2:8080 -m -w 100
-A -t 192.0.2.20:80 -s wrr
-a -t 192.0.2.20:80 -r $be2:8080 -m -w 30
EOF
rec_expect_table "after the PUTs" "$REC_WORK/expected-put"
answers=$(lab_http client http://192.0.2.20/{1,2,3} | xargs)
[[ $answers == "be2 be2 be2" ]] && rec_pass "traffic through the new VIP 192.0.2.20 reaches be2: $answers" ||
    rec_fail "traffic through 192.0.2.20 answered '$answers', expected be2 x3"
answers=$(lab_http client http://192.0.2.10/{1,2,3,4} | tr ' ' '\n' | sort | uniq -c | xargs)
[[ $answers == "2 be1 2 be2" ]] && rec_pass "192.0.2.10 (rr) now spreads over be1 and the API's be2: $answers" ||
    rec_fail "192.0.2.10 answered '$answers', expected 2 be1 2 be2"

# PATCH a weight: only that field changes, in place (the service keeps its counters).
# The service's connection counter (the kernel folds its per-CPU counters every 2 s: poll).
conns() { ipvsadm -Ln --stats --exact -t 192.0.2.10:80 | awk '$1 == "TCP" { print $3 }'; }
counted() { (($(conns) >= 4)); }
rec_wait 10 counted || rec_fail "the service's counter never reached the 4 requests: $(conns)"
conns_before=$(conns)
expect_call "a weight" 200 PATCH /service/web/be1 '{"weight": 7}'
[[ -n $(line "-a -t 192.0.2.10:80 -r $be1:8080 -m -w 7") ]] && rec_pass "the kernel has be1 at weight 7: $(line "-r $be1:8080" | head -1)" ||
    rec_fail "be1's weight is not 7: $(ipvsadm -Sn | xargs)"
conns_after=$(conns)
((conns_after >= conns_before && conns_before >= 4)) && rec_pass "edited in place: the service's connection counter kept its $conns_before" ||
    rec_fail "the service's counters were reset ($conns_before -> $conns_after): re-created, not edited"
expect_call "an empty PATCH (GORB made it weight 0)" 200 PATCH /service/web/be1 '{}'
[[ -n $(line "-r $be1:8080 -m -w 7") ]] && rec_pass "an empty PATCH changed nothing" ||
    rec_fail "an empty PATCH changed be1: $(ipvsadm -Sn | xargs)"
expect_call "an invalid weight" 400 PATCH /service/web/be1 '{"weight": -1}'
expect_call "a backend of another family" 400 PUT /service/web/v6 '{"host": "2001:db8::1", "port": 8080}'
sed "s/-r $be1:8080 -m -w 100/-r $be1:8080 -m -w 7/" "$REC_WORK/expected-put" >"$REC_WORK/expected-patch"
rec_expect_table "after the refused changes (nothing half-applied)" "$REC_WORK/expected-patch"

# DELETE the API's backend: it had a connection (TIME_WAIT counts as inactive), so it drains at
# weight 0 first, then goes when its 5 s drain time has passed.
expect_call "the canary's backend" 200 DELETE /service/canary/be2
[[ -n $(line "-a -t 192.0.2.20:80 -r $be2:8080 -m -w 0") ]] && rec_pass "be2 drains at weight 0 first: $(line "-t 192.0.2.20:80 -r")" ||
    rec_fail "be2 was not drained at weight 0: $(ipvsadm -Sn | xargs)"
drained_away() { [[ -z $(line "-t 192.0.2.20:80 -r $be2:8080") ]]; }
rec_wait 30 drained_away && rec_pass "then be2 left 192.0.2.20 (drain 5s)" || rec_fail "be2 is still in 192.0.2.20 after 30 s: $(ipvsadm -Sn | xargs)"
table_before=$(rec_table)

# Restart: SIGKILL (a crash), then a new daemon over the same state directory.
rec_daemon_stop KILL
log2=$REC_WORK/daemon2.log
start_daemon "$log2"
in_sync() { grep -q 'pass: in sync' "$log2"; }
rec_wait 60 in_sync || rec_fail "the restarted daemon never reported an in-sync pass: $(tail -5 "$log2")"
# A pass that changed the kernel logs `pass … applied=N` (N ≥ 1); none may appear.
applied=$(grep -cE '(^| )applied=[1-9]' "$log2" || true)
((applied == 0)) && rec_pass "the restarted daemon changed nothing (no pass with applied ≥ 1)" ||
    rec_fail "the restart applied changes: $(grep -E '(^| )applied=[1-9]' "$log2")"
[[ $(rec_table) == "$table_before" ]] && rec_pass "ipvsadm -Sn is the same after the restart" ||
    rec_fail "the table changed over the restart: $(diff <(echo "$table_before") <(rec_table) | xargs)"
overrides=$(call GET /overrides)
for want in '"service" : "canary"' '"backend" : "be1"' '"backend" : "be2"'; do
    [[ $overrides == *"$want"* ]] || overrides_missing+=" $want"
done
[[ -z ${overrides_missing:-} ]] && rec_pass "GET /overrides after the restart lists canary, web/be1 and web/be2" ||
    rec_fail "GET /overrides after the restart lacks${overrides_missing}: $overrides"
weight=$(call GET /service/web/be1 | grep -o '"weight" : [0-9]*' | head -1)
[[ $weight == '"weight" : 7' ]] && rec_pass "GET /service/web/be1 after the restart: weight 7" ||
    rec_fail "GET /service/web/be1 after the restart: '$weight', expected weight 7"

# Back to the file: every override removed in one call.
answer=$(call DELETE /overrides)
[[ $answer == 200* && $answer == *'"removed" : 3'* ]] && rec_pass "DELETE /overrides removed 3 (canary, web/be1, web/be2): $answer" ||
    rec_fail "DELETE /overrides answered '$answer', expected 200 with removed 3"
cat >"$REC_WORK/expected-file" <<EOF
-A -t 192.0.2.10:80 -s rr
-a -t 192.0.2.10:80 -r $be1:8080 -m -w 100
EOF
# web/be2 carried traffic, so it drains (its default drain is 5m): wait for be1's weight and for
# the canary service, then check be2 sits at weight 0 rather than being cut.
back() { [[ -n $(line "-r $be1:8080 -m -w 100") && -z $(line "192.0.2.20") ]]; }
rec_wait 30 back && rec_pass "be1 is back at the file's weight 100 and the canary service is gone" ||
    rec_fail "not back to the file: $(ipvsadm -Sn | xargs)"
[[ -n $(line "-a -t 192.0.2.10:80 -r $be2:8080 -m -w 0") ]] && rec_pass "web/be2 (added by the API, now removed) drains at weight 0" ||
    rec_fail "web/be2 is not draining at weight 0: $(ipvsadm -Sn | xargs)"
echo "-a -t 192.0.2.10:80 -r $be2:8080 -m -w 0" >>"$REC_WORK/expected-file"
rec_expect_table "back to the file, but for the draining be2" "$REC_WORK/expected-file"
[[ $(sha256sum <"$config") == "$file_sum" ]] && rec_pass "the file was never written" || rec_fail "the API changed the file"
rec_finish
