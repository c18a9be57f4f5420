#!/usr/bin/env bash
# The IPVS conformance suite against the real kernel: runs inside the IPVS VM
# (scripts/vm-run -- Tests/vm/netlink-conformance.sh), after the host built the tests.
#
# It runs the test bundle's KernelConformance suite with GORB_KERNEL_TESTS=1 (the same
# scenarios `swift test` runs against FakeIPVS on the host), each step checked against
# `ipvsadm -Sn`, and fails loudly if the suite ran zero tests: a skipped kernel suite must
# never look like a pass.
#
#   GORB_BIN_DIR     the directory holding the test bundle (scripts/test sets it; default
#                    $GORB_BUILD_DIR/debug, with GORB_BUILD_DIR defaulting to .build)
set -euo pipefail
cd "$(dirname "$0")/../.."

bin=${GORB_BIN_DIR:-${GORB_BUILD_DIR:-.build}/debug}
bundle=$(ls -d "$bin"/*PackageTests.xctest 2>/dev/null | head -1 || true)
[[ -n $bundle && -x $bundle ]] || { echo "netlink-conformance: no test bundle in $bin (run swift build --build-tests first)" >&2; exit 1; }
[[ ${GORB_IN_VM:-} == 1 ]] || { echo "netlink-conformance: run me inside the VM: scripts/vm-run -- $0" >&2; exit 1; }

log=$(mktemp)
status=0
GORB_KERNEL_TESTS=1 "$bundle" --testing-library swift-testing --filter KernelConformance 2>&1 | tee "$log" || status=$?

# Swift Testing's summary: "Test run with N tests in M suites passed/failed after ...".
summary=$(grep -E 'Test run with [0-9]+ test' "$log" | tail -1 || true)
ran=$(sed -nE 's/.*Test run with ([0-9]+) test.*/\1/p' <<<"$summary")
skipped=$(grep -c 'skipped' "$log" || true)
if [[ -z $ran || $ran -eq 0 || $skipped -ne 0 ]]; then
    echo "netlink-conformance: FAILED: the kernel suite did not run (summary: '${summary:-none}', skipped: $skipped)" >&2
    exit 1
fi
if ((status != 0)) || ! grep -q 'passed' <<<"$summary"; then
    echo "netlink-conformance: FAILED ($summary)" >&2
    exit 1
fi
cases=$(sed -nE 's/.*Test scenario\(_:\) with ([0-9]+) test cases passed.*/\1/p' "$log" | tail -1)
[[ -n $cases && $cases -gt 0 ]] || { echo "netlink-conformance: FAILED: no scenario ran" >&2; exit 1; }
echo "netlink-conformance: OK: $cases scenarios passed against the kernel, each step witnessed by ipvsadm -Sn"

# The client on a kernel with IPVS: info, timeouts and dumps decode, and a write reads back.
log2=$(mktemp)
status=0
GORB_KERNEL_TESTS=1 "$bundle" --testing-library swift-testing --filter kernelClientOnThisHost 2>&1 | tee "$log2" || status=$?
if ((status != 0)) || ! grep -qE 'Test run with 1 test .*passed' "$log2"; then
    echo "netlink-conformance: FAILED: KernelClientTests.kernelClientOnThisHost against the kernel" >&2
    exit 1
fi
echo "netlink-conformance: OK: kernelClientOnThisHost read and wrote the kernel's IPVS"
