// ipvs-bench: our batched netlink client against ipvsadm, on one kernel, in one VM boot.
//
//   swift build -c release --product ipvs-bench
//   scripts/vm-run -- .build/release/ipvs-bench [SERVICES] [DESTINATIONS_PER_SERVICE]
//
// Loads SERVICES (default 1000) IPv4 wrr services with DESTINATIONS_PER_SERVICE (default 10)
// NAT destinations each with our batched client and times it; dumps everything with our client
// and with `ipvsadm -Sn`; flushes; loads the same rules with `ipvsadm -R` and times that; then
// prints both times and the ratios. Software emulation makes absolute times meaningless across
// runs: only the ratios inside one run are. It never passes or fails on the figures, but it does
// on correctness: after each load, our read and `ipvsadm -Sn` must both show exactly the rules
// loaded (line for line, sorted), else it exits 1 naming the first difference.
// It flushes the IPVS table: run it inside the VM only.
import Addresses
import Foundation
import IPVS
import Logging
import Netlink

/// Reports the system calls our client made since the last report.
struct SystemCallCounter {
    let socket: SystemNetlinkSocket
    var sends = 0
    var receives = 0

    mutating func take() -> String {
        defer { (sends, receives) = (socket.sendCalls, socket.receiveCalls) }
        return "\(socket.sendCalls - sends) sendto + \(socket.receiveCalls - receives) recvmmsg"
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("ipvs-bench: \(message)\n".utf8))
    exit(1)
}

func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Runs ipvsadm with `arguments`, optionally feeding `input`; returns its output.
func ipvsadm(_ arguments: [String], input: String? = nil) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/sbin/ipvsadm")
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    if let input {
        let path = "/tmp/ipvs-bench-rules"
        try input.write(toFile: path, atomically: true, encoding: .utf8)
        process.standardInput = FileHandle(forReadingAtPath: path)
    }
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { fail("ipvsadm \(arguments.joined(separator: " ")) exited \(process.terminationStatus)") }
    return String(decoding: data, as: UTF8.self)
}

guard ProcessInfo.processInfo.environment["GORB_IN_VM"] == "1" else {
    fail("this flushes the IPVS table: run it inside the VM (scripts/vm-run -- ipvs-bench)")
}
let arguments = CommandLine.arguments.dropFirst()
let serviceCount = arguments.first.flatMap { Int($0) } ?? 1000
let destinationCount = arguments.dropFirst().first.flatMap { Int($0) } ?? 10

var changes: [IPVSChange] = []
var rules: [String] = []
for index in 0..<serviceCount {
    let vip = IPAddress(ipv4: 0x0A00_0000 + UInt32(index))
    let key = IPVSService.Key.tcp(vip, 80)
    let service = IPVSService(key: key, scheduler: "wrr")
    changes.append(.addService(service))
    rules.append(service.ipvsadmSaveLine)
    for backend in 0..<destinationCount {
        let address = IPAddress(ipv4: 0xAC10_0000 + UInt32(index * destinationCount + backend))
        let destination = IPVSDestination(address: address, port: 8080, forwarding: .masquerade, weight: Int32(1 + backend % 5))
        changes.append(.addDestination(destination, service: key))
        rules.append(destination.ipvsadmSaveLine(service: key))
    }
}
let restoreFile = rules.joined(separator: "\n") + "\n"
let loadedLines = rules.sorted()

/// A table as `ipvsadm -Sn` lines, sorted (the kernel's dump order is hash order).
func saveLines(_ table: [IPVSService: [IPVSDestination]]) -> [String] {
    var lines: [String] = []
    for (service, destinations) in table {
        lines.append(service.ipvsadmSaveLine)
        for destination in destinations { lines.append(destination.ipvsadmSaveLine(service: service.key)) }
    }
    return lines.sorted()
}

/// Fails unless `lines` (sorted) are exactly the rules loaded.
func expectLoaded(_ lines: [String], _ what: String) {
    guard lines != loadedLines else { return }
    let index = zip(lines, loadedLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(lines.count, loadedLines.count)
    let got = index < lines.count ? lines[index] : "(end)"
    let want = index < loadedLines.count ? loadedLines[index] : "(end)"
    fail("\(what): \(lines.count) lines, not the \(loadedLines.count) loaded; first difference at sorted line \(index + 1): '\(got)', expected '\(want)'")
}
let expectedDestinations = serviceCount * destinationCount

do {
    var logger = Logger(label: "ipvs-bench")
    logger.logLevel = .warning
    let socket = try SystemNetlinkSocket()
    var counter = SystemCallCounter(socket: socket)
    let ipvs = try KernelIPVS(socket: socket, logger: logger)
    defer { ipvs.close() }
    try ipvs.flush()
    _ = counter.take()

    // 1. Our batched load.
    var start = now()
    let result = try ipvs.apply(changes)
    let ourLoad = now() - start
    guard result.succeeded else { fail("our load failed: \(result.failures.prefix(3).map(\.error))") }
    let loadCalls = counter.take()

    // 2. Full read: ours, then ipvsadm -Sn, on the same table.
    start = now()
    var table = try ipvs.table()
    let ourRead = now() - start
    let readCalls = counter.take()
    start = now()
    var saved = try ipvsadm(["-Sn"])
    let ipvsadmRead = now() - start
    let ourDestinations = table.values.map(\.count).reduce(0, +)
    var savedLines = saved.split(separator: "\n").count
    guard table.count == serviceCount, ourDestinations == expectedDestinations, savedLines == changes.count else {
        fail("after our load: \(table.count) services, \(ourDestinations) destinations, \(savedLines) ipvsadm lines")
    }
    expectLoaded(saveLines(table), "after our load, our read")
    expectLoaded(saved.split(separator: "\n").map(String.init).sorted(), "after our load, ipvsadm -Sn")

    // 3. ipvsadm -R on an empty table.
    try ipvs.flush()
    start = now()
    _ = try ipvsadm(["-R"], input: restoreFile)
    let ipvsadmLoad = now() - start
    table = try ipvs.table()
    saved = try ipvsadm(["-Sn"])
    savedLines = saved.split(separator: "\n").count
    guard table.count == serviceCount, table.values.map(\.count).reduce(0, +) == expectedDestinations, savedLines == changes.count else {
        fail("after ipvsadm -R: \(table.count) services, \(savedLines) ipvsadm lines")
    }
    expectLoaded(saveLines(table), "after ipvsadm -R, our read")
    expectLoaded(saved.split(separator: "\n").map(String.init).sorted(), "after ipvsadm -R, ipvsadm -Sn")
    try ipvs.flush()

    func ms(_ seconds: Double) -> String { String(format: "%9.1f ms", seconds * 1000) }
    print("ipvs-bench: \(serviceCount) services x \(destinationCount) destinations (IPv4, wrr, NAT): \(changes.count) changes")
    print("load   ours (batched netlink)  \(ms(ourLoad))   \(loadCalls)")
    print("load   ipvsadm -R              \(ms(ipvsadmLoad))")
    print("read   ours (dump all)         \(ms(ourRead))   \(readCalls)")
    print("read   ipvsadm -Sn             \(ms(ipvsadmRead))")
    print("check  after each load, our read and ipvsadm -Sn equal the \(loadedLines.count) rules loaded")
    print(String(format: "ratio  load ours/ipvsadm -R  = %.3f  (goal <= 0.5)", ourLoad / ipvsadmLoad))
    print(String(format: "ratio  read ours/ipvsadm -Sn = %.3f  (goal <= 1.0)", ourRead / ipvsadmRead))
} catch {
    fail("\(error)")
}
