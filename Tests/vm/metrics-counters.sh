#!/usr/bin/env bash
# The kernel's statistics as the daemon reports them, against ipvsadm (the witness): real HTTP
# traffic through the VIP from a client namespace, then, once the kernel's counters have settled
# (it folds its per-CPU counters every 2 s), every counter of GET /metrics (connections, packets
# and bytes, in and out, for the service and each backend) must equal `ipvsadm -Ln --stats
# --exact`, and so must the `stats` of GET /service/web and GET /service/web/{backend}.
# gorb_service_backend_weight must be the kernel's weight (ipvsadm's), also after someone sets a
# weight by hand, while gorb_service_backend_desired_weight keeps the daemon's.
set -euo pipefail
source Tests/vm/_reconciler-lib.sh
source scripts/vm-netns-lab

lab_director
lab_vip 192.0.2.10
lab_backends be1 be2
lab_client client

api=127.0.0.1:14672
config=$REC_WORK/gorb.yaml
cat >"$config" <<YAML
settings: {resync: 1h}
services:
  web:
    host: 192.0.2.10
    port: 80
    method: rr
    pulse: {type: none}
    backends:
      be1: {host: $(lab_ip be1), port: 8080, weight: 100}
      be2: {host: $(lab_ip be2), port: 8080, weight: 50}
YAML
log=$REC_WORK/daemon.log
rec_daemon_start "$log" --config "$config" -l "$api"
has_both() { [[ $(ipvsadm -Ln -t 192.0.2.10:80 | grep -c -- '->.*Masq') == 2 ]] && curl -sf "http://$api/healthz"; }
rec_wait 90 has_both || rec_die "the daemon did not build the table or the API did not answer; log: $(tail -20 "$log")"
rec_pass "the daemon built the table (be1 weight 100, be2 weight 50) and answers on $api"

# Traffic: N HTTP requests through the VIP, each a new connection.
requests=20
answers=""
for ((i = 0; i < requests; i++)); do answers+="$(lab_http client http://192.0.2.10/ 2>/dev/null || echo error) "; done
[[ $answers != *error* ]] && rec_pass "$requests HTTP requests through the VIP answered: $(tr -s ' ' '\n' <<<"$answers" | grep . | sort | uniq -c | xargs)" ||
    rec_fail "some requests through the VIP failed: $answers"

# ipvsadm's counters: "S conns inpkts outpkts inbytes outbytes" for the service (S = web) and
# each destination (S = ADDRESS:PORT).
stats() { ipvsadm -Ln --stats --exact -t 192.0.2.10:80 | awk '$1 == "TCP" { print "web", $3, $4, $5, $6, $7 } $1 == "->" && $2 ~ /:/ && $3 ~ /^[0-9]+$/ { print $2, $3, $4, $5, $6, $7 }'; }
# Settled: the service has counted every connection and two reads 2.5 s apart agree.
settled() {
    local a b
    a=$(stats)
    [[ $(awk '$1 == "web" { print $2 }' <<<"$a") == "$requests" ]] || return 1
    sleep 2.5
    b=$(stats)
    [[ $a == "$b" ]]
}
rec_wait 60 settled || rec_die "the kernel's counters did not settle at $requests connections: $(stats)"
kernel=$(stats)
rec_pass "ipvsadm -Ln --stats --exact settled: $(tr '\n' ';' <<<"$kernel")"

metrics=$(curl -sf "http://$api/metrics") || rec_die "GET /metrics failed"
svc_labels='{name="web",host="192.0.2.10",port="80",protocol="tcp"}'
# metric NAME LABELS: the sample's value.
metric() { awk -v want="$1$2" '$1 == want { print $2 }' <<<"$metrics"; }
be_labels() { echo "{service_name=\"web\",name=\"$1\",host=\"$(lab_ip "$1")\",port=\"8080\"}"; }
# json_field JSON NAME: the number after "NAME" : in pretty-printed JSON (the stats object's).
json_field() { sed -nE "s/^ *\"$2\" : ([0-9]+),?$/\\1/p" <<<"$1" | head -1; }

counters=(connections in_packets out_packets in_bytes out_bytes)
fields=(connections in-packets out-packets in-bytes out-bytes)
# compare WHAT KERNEL-ROW PREFIX LABELS JSON
compare() {
    local what=$1 row=$2 prefix=$3 labels=$4 json=$5 i want got from_json bad="" all values
    read -r -a all <<<"$row"
    values=("${all[@]:1}")
    for i in 0 1 2 3 4; do
        want=${values[$i]}
        got=$(metric "${prefix}_${counters[$i]}_total" "$labels")
        from_json=$(json_field "$json" "${fields[$i]}")
        [[ $got == "$want" ]] || bad+=" /metrics ${counters[$i]}=$got (ipvsadm $want);"
        [[ $from_json == "$want" ]] || bad+=" REST ${fields[$i]}=$from_json (ipvsadm $want);"
    done
    if [[ -z $bad ]]; then
        rec_pass "$what: /metrics and REST stats equal ipvsadm (conns inpkts outpkts inbytes outbytes: ${values[*]})"
    else
        rec_fail "$what:$bad"
    fi
}
service_json=$(curl -sf "http://$api/service/web") || rec_die "GET /service/web failed"
grep -q '"source" : "kernel"' <<<"$service_json" && grep -q '"read-at" : "' <<<"$service_json" &&
    rec_pass "GET /service/web: stats read from the kernel, with read-at" ||
    rec_fail "GET /service/web has no kernel stats: $service_json"
compare "service web" "$(grep '^web ' <<<"$kernel")" gorb_ipvs_service "$svc_labels" "$service_json"
total=0
for be in be1 be2; do
    row=$(grep "^$(lab_ip "$be"):8080 " <<<"$kernel") || { rec_fail "ipvsadm shows no $be"; continue; }
    json=$(curl -sf "http://$api/service/web/$be") || { rec_fail "GET /service/web/$be failed"; continue; }
    compare "backend $be" "$row" gorb_ipvs_backend "$(be_labels "$be")" "$json"
    total=$((total + $(awk '{ print $2 }' <<<"$row")))
    [[ $(awk '{ print $2 }' <<<"$row") -gt 0 ]] || rec_fail "$be got no connection (rr over two backends)"
done
((total == requests)) && rec_pass "the backends' connections add up to the service's ($requests)" ||
    rec_fail "the backends' connections add up to $total, not $requests"
for rate in connections_per_second in_packets_per_second out_packets_per_second in_bytes_per_second out_bytes_per_second; do
    [[ -n $(metric "gorb_ipvs_service_$rate" "$svc_labels") && -n $(metric "gorb_ipvs_backend_$rate" "$(be_labels be1)") ]] ||
        rec_fail "no gorb_ipvs_*_$rate samples"
done
rec_pass "the five rates are exported for the service and the backends"

# Weights: the kernel's, then after someone changes be2's by hand (resync is 1h: nothing repairs it).
kernel_weight() { ipvsadm -Ln -t 192.0.2.10:80 | awk -v ip="$(lab_ip "$1"):8080" '$2 == ip { print $4 }'; }
check_weights() {
    local when=$1 desired2=$2 be w got desired
    metrics=$(curl -sf "http://$api/metrics") || { rec_fail "GET /metrics failed"; return; }
    for be in be1 be2; do
        w=$(kernel_weight "$be")
        got=$(metric gorb_service_backend_weight "$(be_labels "$be")")
        [[ -n $w && $got == "$w" ]] && rec_pass "$when: gorb_service_backend_weight of $be is $got, as ipvsadm shows" ||
            rec_fail "$when: gorb_service_backend_weight of $be is '$got', ipvsadm shows '$w'"
    done
    desired=$(metric gorb_service_backend_desired_weight "$(be_labels be2)")
    [[ $desired == "$desired2" ]] && rec_pass "$when: gorb_service_backend_desired_weight of be2 is $desired" ||
        rec_fail "$when: gorb_service_backend_desired_weight of be2 is '$desired', expected $desired2"
}
check_weights "as applied" 50
ipvsadm -e -t 192.0.2.10:80 -r "$(lab_ip be2):8080" -m -w 7
check_weights "after ipvsadm -e -w 7 by hand" 50
rec_finish
