import Foundation
import IPVS
import IPVSTesting
import Logging
import Testing

/// The schedulers of the kernel the VM boots (Debian's 6.1 has no `twos`), so the fake
/// imitates exactly the kernel the same scenarios run against.
let vmKernelSchedulers = FakeIPVS.mainlineSchedulers.subtracting(["twos"])

/// The persistence engines the VM can load on demand (scripts/vm-run ships ip_vs_pe_sip).
let vmKernelPersistenceEngines: Set<String> = ["sip"]

/// Set to 1 (by Tests/vm/netlink-conformance.sh, inside the VM) to run the scenarios against
/// the real kernel.
let kernelTestsEnabled = ProcessInfo.processInfo.environment["GORB_KERNEL_TESTS"] == "1"

/// The conformance scenarios against the in-memory fake: part of every `swift test`.
@Suite struct FakeConformance {
    @Test(arguments: ConformanceCase.all)
    func scenario(_ scenario: ConformanceCase) throws {
        let fake = FakeIPVS(schedulers: vmKernelSchedulers, persistenceEngines: vmKernelPersistenceEngines)
        record(scenario.run(against: fake, witness: nil))
    }
}

/// The same scenarios against the running kernel, with `ipvsadm` as witness. Only inside
/// the VM (GORB_KERNEL_TESTS=1); the VM script fails if this ran zero tests.
@Suite(.serialized, .enabled(if: kernelTestsEnabled, "needs the IPVS VM: GORB_KERNEL_TESTS=1"))
struct KernelConformance {
    @Test(arguments: ConformanceCase.all)
    func scenario(_ scenario: ConformanceCase) throws {
        let kernel = try KernelIPVS(logger: Logger(label: "conformance"))
        defer { kernel.close() }
        try kernel.flush()
        try kernel.setTimeouts(.kernelDefaults)
        record(scenario.run(against: kernel, witness: ConformanceHarness.ipvsadm))
        try kernel.flush()
    }
}

/// Each failure a scenario returned, as a test issue at the line of the scenario that made it.
private func record(_ failures: [ConformanceFailure]) {
    for failure in failures {
        Issue.record(
            Comment(rawValue: failure.message),
            sourceLocation: SourceLocation(fileID: failure.fileID, filePath: failure.filePath, line: failure.line, column: failure.column))
    }
}
