import Foundation
import Testing
@testable import Netlink

/// Runs conformance scenarios against any ``IPVS`` and checks each step twice: our own
/// read-back, rendered as `ipvsadm -Sn` lines, and (inside the VM) the real `ipvsadm -Sn`,
/// the independent witness. Both must equal the scenario's expected lines.
final class ConformanceHarness {
    let ipvs: any IPVS
    /// Runs `ipvsadm` with arguments and returns its stdout; `nil` on the host (no kernel).
    let witness: (([String]) throws -> String)?

    init(ipvs: any IPVS, witness: (([String]) throws -> String)?) {
        self.ipvs = ipvs
        self.witness = witness
    }

    /// Applies `changes` as one batch, expects each change's errno (`nil` = success), then
    /// expects the table to print as `lines` (order-insensitive: the kernel lists services in
    /// hash order).
    func step(
        _ changes: [IPVSChange],
        errnos: [Int32?]? = nil,
        lines: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let result = try ipvs.apply(changes)
        let expectedErrnos = errnos ?? Array(repeating: nil, count: changes.count)
        let actualErrnos = result.errors.map { $0?.errno }
        #expect(actualErrnos == expectedErrnos, "errnos of \(changes.map(\.ipvsadmCommand)): \(result.failures.map(\.error.description))", sourceLocation: sourceLocation)
        try expectTable(lines, sourceLocation: sourceLocation)
    }

    /// Expects one change to fail with `errno` and leave the table as `lines`.
    func failing(_ change: IPVSChange, errno: Int32, lines: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        try step([change], errnos: [errno], lines: lines, sourceLocation: sourceLocation)
    }

    func expectTable(_ lines: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        var table: [(service: IPVSService, destinations: [IPVSDestination])] = []
        for service in try ipvs.services() {
            table.append((service, try ipvs.destinations(of: service.key)))
        }
        let ours = IPVSAdmSaveFormat.lines(table)
        #expect(ours.sorted() == lines.sorted(), "our read-back", sourceLocation: sourceLocation)
        if let witness {
            let saved = try witness(["-Sn"]).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
            #expect(saved.sorted() == lines.sorted(), "ipvsadm -Sn", sourceLocation: sourceLocation)
        }
    }

    /// Expects the global timeouts, from our read and from `ipvsadm -L --timeout`.
    func expectTimeouts(_ timeouts: IPVSTimeouts, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try ipvs.timeouts() == timeouts, sourceLocation: sourceLocation)
        if let witness {
            let text = try witness(["-L", "--timeout"]).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(text == "Timeout (tcp tcpfin udp): \(timeouts.tcp) \(timeouts.tcpFin) \(timeouts.udp)", sourceLocation: sourceLocation)
        }
    }

    /// Expects `body` to throw an ``IPVSError`` with `errno`.
    func expectError(_ errno: Int32, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws(IPVSError) -> Void) {
        do {
            try body()
            Issue.record("expected errno \(errno), got success", sourceLocation: sourceLocation)
        } catch {
            #expect(error.errno == errno, "\(error)", sourceLocation: sourceLocation)
        }
    }

    /// Runs `/usr/sbin/ipvsadm` (the VM's, from the shared root) and returns its output.
    static func ipvsadm(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ipvsadm")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

/// One scenario: a name and a script of steps, starting from an empty table with default
/// timeouts.
struct ConformanceCase: Sendable, CustomTestStringConvertible {
    let name: String
    let run: @Sendable (ConformanceHarness) throws -> Void

    var testDescription: String { name }
}
