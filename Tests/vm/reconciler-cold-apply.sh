#!/usr/bin/env bash
# Cold apply of examples/gorb.yaml on an empty kernel: `ipvsadm -Sn` must equal the golden
# table (Tests/vm/golden/gorb.yaml.ipvsadm-Sn), with every service, flag, persistence engine,
# tunnel and the interface-derived VIP; thresholds and timeouts checked with ipvsadm too.
set -euo pipefail
source Tests/vm/_reconciler-lib.sh
source scripts/vm-netns-lab

lab_director
# The `internal` service has no host: it takes the first address of -i dummy0.
ip addr add 192.0.2.1/32 dev dummy0

[[ -z $(ipvsadm -Sn) ]] || rec_die "the IPVS table is not empty at start"
if out=$(gorb apply --config examples/gorb.yaml -i dummy0 2>"$REC_WORK/apply.log"); then
    rec_pass "cold apply exits 0 ($(tail -1 <<<"$out"))"
else
    rec_fail "cold apply failed: $out $(cat "$REC_WORK/apply.log")"
fi
[[ $(tail -1 <<<"$out") == "applied 23 of 23 changes" ]] &&
    rec_pass "23 changes: 7 services + 15 backends + 1 timeouts" ||
    rec_fail "expected 'applied 23 of 23 changes', got '$(tail -1 <<<"$out")'"

rec_expect_table "cold apply of examples/gorb.yaml" Tests/vm/golden/gorb.yaml.ipvsadm-Sn

# Not in the save format: web-2's connection thresholds and the global timeouts.
if ipvsadm -Ln --thresholds -t 192.0.2.10:80 | grep -Eq '198\.51\.100\.12:8080 +1000 +800 '; then
    rec_pass "web-2 thresholds upper 1000 lower 800 (ipvsadm -Ln --thresholds)"
else
    rec_fail "web-2 thresholds not 1000/800: $(ipvsadm -Ln --thresholds -t 192.0.2.10:80)"
fi
timeouts=$(ipvsadm -Ln --timeout)
[[ $timeouts == "Timeout (tcp tcpfin udp): 900 120 300" ]] &&
    rec_pass "timeouts tcp 15m, tcpfin 2m, udp 5m (ipvsadm -Ln --timeout)" ||
    rec_fail "timeouts: $timeouts"

rec_finish
