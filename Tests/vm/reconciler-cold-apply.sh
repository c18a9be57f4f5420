#!/usr/bin/env bash
# Cold apply of examples/gorb.yaml on an empty kernel: `ipvsadm -Sn` must equal the golden
# table (Tests/vm/golden/gorb.yaml.ipvsadm-Sn), with every service, flag, persistence engine,
# tunnel and the interface-derived VIP; thresholds checked with ipvsadm too. The example's
# timeouts are the kernel's defaults (15m 2m 5m), which would prove nothing, so the file applied
# is the example with other timeouts (1h 30s 1m): ipvsadm must show them, and a second apply
# must change nothing.
set -euo pipefail
source Tests/vm/_reconciler-lib.sh
source scripts/vm-netns-lab

lab_director
# The `internal` service has no host: it takes the first address of -i dummy0.
ip addr add 192.0.2.1/32 dev dummy0

[[ -z $(ipvsadm -Sn) ]] || rec_die "the IPVS table is not empty at start"
[[ $(ipvsadm -Ln --timeout) == "Timeout (tcp tcpfin udp): 900 120 300" ]] || rec_die "the kernel's timeouts are not its defaults at start: $(ipvsadm -Ln --timeout)"
config=$REC_WORK/gorb.yaml
sed -e 's/^    tcp: 15m$/    tcp: 1h/' -e 's/^    tcpfin: 2m$/    tcpfin: 30s/' -e 's/^    udp: 5m$/    udp: 1m/' examples/gorb.yaml >"$config"
[[ $(diff examples/gorb.yaml "$config" | grep -c '^>') == 3 ]] || rec_die "could not set the timeouts in a copy of examples/gorb.yaml"
if out=$(gorb apply --config "$config" -i dummy0 2>"$REC_WORK/apply.log"); then
    rec_pass "cold apply exits 0 ($(tail -1 <<<"$out"))"
else
    rec_fail "cold apply failed: $out $(cat "$REC_WORK/apply.log")"
fi
# The timeouts count only because they differ from the kernel's: with the example's own (the
# defaults) the plan had no step for them.
[[ $(tail -1 <<<"$out") == "applied 24 of 24 changes" ]] &&
    rec_pass "24 changes: 7 services + 16 backends + 1 timeouts" ||
    rec_fail "expected 'applied 24 of 24 changes', got '$(tail -1 <<<"$out")'"

rec_expect_table "cold apply of examples/gorb.yaml" Tests/vm/golden/gorb.yaml.ipvsadm-Sn

# Not in the save format: web-2's connection thresholds and the global timeouts.
if ipvsadm -Ln --thresholds -t 192.0.2.10:80 | grep -Eq '198\.51\.100\.12:8080 +1000 +800 '; then
    rec_pass "web-2 thresholds upper 1000 lower 800 (ipvsadm -Ln --thresholds)"
else
    rec_fail "web-2 thresholds not 1000/800: $(ipvsadm -Ln --thresholds -t 192.0.2.10:80)"
fi
timeouts=$(ipvsadm -Ln --timeout)
[[ $timeouts == "Timeout (tcp tcpfin udp): 3600 30 60" ]] &&
    rec_pass "timeouts tcp 1h, tcpfin 30s, udp 1m (ipvsadm -Ln --timeout: $timeouts)" ||
    rec_fail "timeouts: $timeouts, expected 3600 30 60"

# Again: the kernel matches, nothing to do (the timeouts included).
if out=$(gorb apply --config "$config" -i dummy0 2>"$REC_WORK/apply2.log"); then
    [[ $(tail -1 <<<"$out") == "applied 0 of 0 changes" && $(wc -l <<<"$out") == 1 ]] &&
        rec_pass "second apply changes nothing ($out)" ||
        rec_fail "second apply planned changes: $out"
else
    rec_fail "second apply failed: $out $(cat "$REC_WORK/apply2.log")"
fi
rc=0
plan=$(gorb plan --config "$config" -i dummy0 2>&1) || rc=$?
((rc == 0)) && rec_pass "plan exits 0: $plan" || rec_fail "plan exits $rc after two applies: $plan"
[[ $(ipvsadm -Ln --timeout) == "$timeouts" ]] && rec_pass "timeouts unchanged by the second apply" || rec_fail "timeouts now $(ipvsadm -Ln --timeout)"
rec_expect_table "after the second apply" Tests/vm/golden/gorb.yaml.ipvsadm-Sn

rec_finish
