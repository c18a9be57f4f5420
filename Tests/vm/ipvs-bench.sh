#!/usr/bin/env bash
# The IPVS load/read benchmark, inside the VM: our batched netlink client against
# `ipvsadm -R` and `ipvsadm -Sn` on the same kernel in the same boot (see
# Benchmarks/ipvs-bench/main.swift). The figures vary from run to run under emulation, so no
# threshold is applied to them, but the run must be right: the bench itself exits 1 unless, after
# each load, our read and `ipvsadm -Sn` show exactly the rules loaded; here, its report must have
# that check line, four positive times and the two ratios, and the table must be flushed after.
#
# scripts/test runs the debug build it just made; for the figures that matter, build release
# and point GORB_BIN_DIR at it:
#   swift build -c release --product ipvs-bench
#   GORB_BIN_DIR=$(swift build -c release --show-bin-path) scripts/vm-run -- Tests/vm/ipvs-bench.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

bin=${GORB_BIN_DIR:-${GORB_BUILD_DIR:-.build}/debug}
[[ -x $bin/ipvs-bench ]] || { echo "ipvs-bench: no $bin/ipvs-bench (swift build --product ipvs-bench first)" >&2; exit 1; }
[[ ${GORB_IN_VM:-} == 1 ]] || { echo "ipvs-bench: run me inside the VM: scripts/vm-run -- $0" >&2; exit 1; }
echo "ipvs-bench: binary $bin/ipvs-bench ($(basename "$bin") build)"
services=${1:-1000} destinations=${2:-10}
report=$("$bin/ipvs-bench" "$services" "$destinations") || { echo "$report"; echo "FAIL: ipvs-bench: the bench failed (its reason is above)"; exit 1; }
echo "$report"

failures=0
fail() { echo "FAIL: ipvs-bench: $*"; failures=$((failures + 1)); }
lines=$((services * (destinations + 1)))
grep -qx "check  after each load, our read and ipvsadm -Sn equal the $lines rules loaded" <<<"$report" ||
    fail "no correctness check line for $lines rules"
for row in "load   ours" "load   ipvsadm -R" "read   ours" "read   ipvsadm -Sn"; do
    ms=$(grep -F "$row" <<<"$report" | sed -nE 's/.* ([0-9]+\.[0-9]) ms.*/\1/p' | head -1)
    [[ -n $ms ]] && awk -v v="$ms" 'BEGIN { exit !(v > 0) }' || fail "'$row': no positive time (got '${ms}')"
done
for ratio in "load ours/ipvsadm -R" "read ours/ipvsadm -Sn"; do
    value=$(grep -F "ratio  $ratio" <<<"$report" | sed -nE 's/.*= ([0-9.]+) .*/\1/p')
    [[ -n $value ]] && awk -v v="$value" 'BEGIN { exit !(v > 0) }' || fail "no positive ratio '$ratio'"
done
grep -qE '^load   ours .* [0-9]+ sendto \+ [0-9]+ recvmmsg' <<<"$report" || fail "no system call counts for our load"
[[ -z $(ipvsadm -Sn) ]] || fail "the bench left rules in the table"
((failures == 0)) || exit 1
echo "PASS: ipvs-bench: $lines rules loaded and read back identically by both tools; figures and ratios present"
