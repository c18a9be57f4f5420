#!/usr/bin/env bash
# The IPVS load/read benchmark, inside the VM: our batched netlink client against
# `ipvsadm -R` and `ipvsadm -Sn` on the same kernel in the same boot (see
# Sources/ipvs-bench/main.swift). It prints figures and ratios; it fails only if the bench
# itself cannot run, never on the numbers (emulated timings vary from run to run).
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
exec "$bin/ipvs-bench" "$@"
