import Foundation
public import IPVS

/// Runs conformance scenarios against any ``IPVS`` and checks each step twice: our own
/// read-back, rendered as `ipvsadm -Sn` lines, and (inside the VM) the real `ipvsadm -Sn`,
/// the independent witness. Both must equal the scenario's expected lines.
///
/// It records what does not match instead of asserting, so it needs no test framework: the
/// same cases serve the fake's unit tests and the kernel's VM test, and each test target turns
/// the ``failures`` into its own assertions.
public final class ConformanceHarness {
    public let ipvs: any IPVS
    /// Runs `ipvsadm` with arguments and returns its stdout; `nil` on the host (no kernel).
    let witness: (([String]) throws -> String)?
    /// Every check that did not hold, in order.
    public private(set) var failures: [ConformanceFailure] = []

    public init(ipvs: any IPVS, witness: (([String]) throws -> String)?) {
        self.ipvs = ipvs
        self.witness = witness
    }

    /// Records a failure unless `condition` holds.
    public func check(
        _ condition: Bool,
        _ message: @autoclosure () -> String = "",
        fileID: String = #fileID, filePath: String = #filePath, line: Int = #line, column: Int = #column
    ) {
        guard !condition else { return }
        failures.append(ConformanceFailure(message: message(), fileID: fileID, filePath: filePath, line: line, column: column))
    }

    /// Records a failure unless `actual == expected`, with both values in the message.
    public func check<Value: Equatable>(
        _ actual: Value,
        equals expected: Value,
        _ message: @autoclosure () -> String = "",
        fileID: String = #fileID, filePath: String = #filePath, line: Int = #line, column: Int = #column
    ) {
        check(actual == expected, "\(message()) \(actual) != \(expected)", fileID: fileID, filePath: filePath, line: line, column: column)
    }

    /// Applies `changes` as one batch, expects each change's errno (`nil` = success), then
    /// expects the table to print as `lines` (order-insensitive: the kernel lists services in
    /// hash order).
    public func step(
        _ changes: [IPVSChange],
        errnos: [Int32?]? = nil,
        lines: [String],
        fileID: String = #fileID, filePath: String = #filePath, line: Int = #line, column: Int = #column
    ) throws {
        let result = try ipvs.apply(changes)
        let expectedErrnos = errnos ?? Array(repeating: nil, count: changes.count)
        let actualErrnos = result.errors.map { $0?.errno }
        check(
            actualErrnos, equals: expectedErrnos, "errnos of \(changes.map(\.ipvsadmCommand)): \(result.failures.map(\.error.description))",
            fileID: fileID, filePath: filePath, line: line, column: column)
        try expectTable(lines, fileID: fileID, filePath: filePath, line: line, column: column)
    }

    /// Expects one change to fail with `errno` and leave the table as `lines`.
    public func failing(
        _ change: IPVSChange, errno: Int32, lines: [String],
        fileID: String = #fileID, filePath: String = #filePath, line: Int = #line, column: Int = #column
    ) throws {
        try step([change], errnos: [errno], lines: lines, fileID: fileID, filePath: filePath, line: line, column: column)
    }

    public func expectTable(
        _ lines: [String],
        fileID: String = #fileID, filePath: String = #filePath, line: Int = #line, column: Int = #column
    ) throws {
        var table: [(service: IPVSService, destinations: [IPVSDestination])] = []
        for service in try ipvs.services() {
            table.append((service, try ipvs.destinations(of: service.key)))
        }
        let ours = IPVSAdmSaveFormat.lines(table)
        check(ours.sorted(), equals: lines.sorted(), "our read-back", fileID: fileID, filePath: filePath, line: line, column: column)
        if let witness {
            let saved = try witness(["-Sn"]).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
            check(saved.sorted(), equals: lines.sorted(), "ipvsadm -Sn", fileID: fileID, filePath: filePath, line: line, column: column)
        }
    }

    /// Expects the global timeouts, from our read and from `ipvsadm -L --timeout`.
    public func expectTimeouts(
        _ timeouts: IPVSTimeouts,
        fileID: String = #fileID, filePath: String = #filePath, line: Int = #line, column: Int = #column
    ) throws {
        check(try ipvs.timeouts(), equals: timeouts, fileID: fileID, filePath: filePath, line: line, column: column)
        if let witness {
            let text = try witness(["-L", "--timeout"]).trimmingCharacters(in: .whitespacesAndNewlines)
            check(
                text, equals: "Timeout (tcp tcpfin udp): \(timeouts.tcp) \(timeouts.tcpFin) \(timeouts.udp)",
                fileID: fileID, filePath: filePath, line: line, column: column)
        }
    }

    /// Expects `body` to throw an ``IPVSError`` with `errno`.
    public func expectError(
        _ errno: Int32,
        fileID: String = #fileID, filePath: String = #filePath, line: Int = #line, column: Int = #column,
        _ body: () throws(IPVSError) -> Void
    ) {
        do {
            try body()
            check(false, "expected errno \(errno), got success", fileID: fileID, filePath: filePath, line: line, column: column)
        } catch {
            check(error.errno == errno, "\(error)", fileID: fileID, filePath: filePath, line: line, column: column)
        }
    }

    /// Runs `/usr/sbin/ipvsadm` (the VM's, from the shared root) and returns its output.
    public static func ipvsadm(_ arguments: [String]) throws -> String {
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
