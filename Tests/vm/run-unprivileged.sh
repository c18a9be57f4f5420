#!/usr/bin/env bash
# The daemon needs no privilege but CAP_NET_ADMIN: run as the unprivileged user nobody with
# CAP_NET_ADMIN as its only capability (bounding, inheritable, ambient, as the example systemd
# unit gives its dedicated user), it builds the table (ipvsadm as witness), applies a SIGHUP
# reload, serves traffic through the VIP, and its exec checks run as its own user. The negative
# control: the same start without CAP_NET_ADMIN changes nothing and says why.
set -euo pipefail
source Tests/vm/_reconciler-lib.sh
source scripts/vm-netns-lab

command -v setpriv >/dev/null || rec_die "setpriv (util-linux) is not installed"
lab_director
lab_vip 192.0.2.10
lab_backends be1 be2
lab_client client

probe_dir=$REC_WORK/probe
mkdir -p "$probe_dir" "$REC_STATE"
chmod 0777 "$probe_dir"
chown 65534:65534 "$REC_STATE"
config=$REC_WORK/gorb.yaml
write_config() {
    cat >"$config" <<YAML
services:
  web:
    host: 192.0.2.10
    port: 80
    method: rr
    pulse: {type: exec, interval: 2s, timeout: 2s, args: {command: [/bin/sh, -c, 'id -u > $probe_dir/uid']}}
    backends:
      be1: {host: $(lab_ip be1), port: 8080, weight: $1}
      be2: {host: $(lab_ip be2), port: 8080, weight: 100}
YAML
    chmod 0644 "$config"
}
write_config 100
chmod 0755 "$REC_WORK"

# setpriv execs the daemon in place, so $! is the daemon itself.
log=$REC_WORK/daemon.log
setpriv --reuid=65534 --regid=65534 --clear-groups \
    --bounding-set=-all,+net_admin --inh-caps=-all,+net_admin --ambient-caps=-all,+net_admin -- \
    "$REC_GORB" run --state-dir "$REC_STATE" --config "$config" >>"$log" 2>&1 &
REC_DAEMON_PID=$!

expected=$REC_WORK/expected
cat >"$expected" <<EOF2
-A -t 192.0.2.10:80 -s rr
-a -t 192.0.2.10:80 -r $(lab_ip be1):8080 -m -w 100
-a -t 192.0.2.10:80 -r $(lab_ip be2):8080 -m -w 100
EOF2
if rec_wait 90 rec_same_table "$expected"; then
    rec_pass "as uid 65534 with only CAP_NET_ADMIN the daemon built the table"
else
    rec_fail "the unprivileged daemon did not build the table: $(rec_table); log: $(tail -20 "$log")"
fi
status=/proc/$REC_DAEMON_PID/status
uid=$(awk '/^Uid:/ { print $3 }' "$status")
eff=$(awk '/^CapEff:/ { print $2 }' "$status")
bnd=$(awk '/^CapBnd:/ { print $2 }' "$status")
# CAP_NET_ADMIN is capability 12: the mask 0x1000.
if [[ $uid == 65534 && $eff == 0000000000001000 && $bnd == 0000000000001000 ]]; then
    rec_pass "the daemon's process: effective uid $uid, CapEff $eff, CapBnd $bnd (CAP_NET_ADMIN only)"
else
    rec_fail "the daemon's process is not what the test set up: uid $uid, CapEff $eff, CapBnd $bnd"
fi

# Its exec check runs as its own user (it cannot, and does not try to, become anyone else).
# (Read whole each time: the next check rewrites the file.)
check_ran_as_daemon() { [[ $(cat "$probe_dir/uid" 2>/dev/null) == 65534 ]]; }
if rec_wait 30 check_ran_as_daemon; then
    rec_pass "the exec check ran as uid $(cat "$probe_dir/uid"), the daemon's own"
else
    rec_fail "the exec check did not run as 65534: '$(cat "$probe_dir/uid" 2>/dev/null)'; log: $(tail -20 "$log")"
fi

answers=""
for _ in 1 2 3 4; do answers+="$(lab_http client http://192.0.2.10/ 2>/dev/null || echo error) "; done
[[ $answers == *be1* && $answers == *be2* && $answers != *error* ]] && rec_pass "traffic through the VIP reaches both backends: $answers" || rec_fail "traffic through the VIP: $answers"

# A reload: SIGHUP from root to the unprivileged daemon.
write_config 40
kill -HUP "$REC_DAEMON_PID"
sed -i '2s/-w 100/-w 40/' "$expected"
if rec_wait 60 rec_same_table "$expected"; then
    rec_pass "SIGHUP applied the new weight without privileges beyond CAP_NET_ADMIN"
else
    rec_fail "the reload was not applied: $(rec_table); log: $(tail -20 "$log")"
fi
rec_daemon_stop TERM

# The negative control: no CAP_NET_ADMIN, nothing changes, and the log says why.
ipvsadm -C
log2=$REC_WORK/daemon-nocap.log
setpriv --reuid=65534 --regid=65534 --clear-groups --bounding-set=-all --inh-caps=-all -- \
    "$REC_GORB" run --state-dir "$REC_STATE" --config "$config" >>"$log2" 2>&1 &
REC_DAEMON_PID=$!
if rec_wait 60 grep -qiE 'EPERM|not permitted|CAP_NET_ADMIN' "$log2"; then
    rec_pass "without CAP_NET_ADMIN the daemon says why: $(grep -iE -m1 'EPERM|not permitted|CAP_NET_ADMIN' "$log2" | cut -c1-200)"
else
    rec_fail "without CAP_NET_ADMIN the log does not say 'not permitted': $(tail -5 "$log2")"
fi
[[ -z $(ipvsadm -Sn) ]] && rec_pass "and the kernel table stayed empty" || rec_fail "a table appeared without CAP_NET_ADMIN: $(ipvsadm -Sn)"
rec_finish
