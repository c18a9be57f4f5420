// ipvs-capture: records the kernel's raw replies to every kind of IPVS request, as fixtures
// for the host-side decoder tests (Tests/IPVSTests/Fixtures).
//
// Run inside the IPVS VM, with a writable output directory:
//   swift build --product ipvs-capture
//   scripts/vm-run --out /work/main/Tests/IPVSTests/Fixtures -- .build/debug/ipvs-capture
// Each fixture is a text file: one received datagram per line, in hex. It flushes the VM's
// IPVS table; never run it on a real host.
import Addresses
import Foundation
import IPVS
import Logging
import Netlink

/// Wraps the real socket and keeps a copy of every datagram received.
final class RecordingSocket: NetlinkSocket {
    let inner: SystemNetlinkSocket
    var received: [[UInt8]] = []

    init(_ inner: SystemNetlinkSocket) { self.inner = inner }

    var portID: UInt32 { inner.portID }
    var maximumSendSize: Int { inner.maximumSendSize }
    var maximumRepliesInFlight: Int { inner.maximumRepliesInFlight }
    func send(_ datagram: [UInt8]) throws(NetlinkError) { try inner.send(datagram) }
    func receive() throws(NetlinkError) -> [UInt8] {
        let datagram = try inner.receive()
        received.append(datagram)
        return datagram
    }
    func close() { inner.close() }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("ipvs-capture: \(message)\n".utf8))
    exit(1)
}

guard ProcessInfo.processInfo.environment["GORB_IN_VM"] == "1" else {
    fail("this flushes the IPVS table: run it inside the VM (scripts/vm-run --out DIR -- ipvs-capture)")
}
guard let outDirectory = ProcessInfo.processInfo.environment["GORB_VM_OUT"] ?? CommandLine.arguments.dropFirst().first else {
    fail("no output directory: pass one, or run under scripts/vm-run --out DIR")
}

do {
    let socket = RecordingSocket(try SystemNetlinkSocket())
    let ipvs = try KernelIPVS(socket: socket, logger: Logger(label: "ipvs-capture"))
    defer { ipvs.close() }
    var fixtures: [(String, [[UInt8]])] = []
    func capture(_ name: String, _ body: () throws -> Void) rethrows {
        socket.received = []
        try body()
        fixtures.append((name, socket.received))
    }
    fixtures.append(("family-ipvs", socket.received))

    try ipvs.flush()
    try ipvs.setTimeouts(.kernelDefaults)
    let web = IPVSService.Key.tcp(IPAddress("10.0.0.1")!, 80)
    let setup: [IPVSChange] = [
        .addService(IPVSService(key: web, scheduler: "wrr", flags: .persistent, timeout: 300, persistencePrefixLength: 24)),
        .addService(IPVSService(key: .udp(IPAddress("2001:db8::1")!, 53), scheduler: "sh", flags: [.scheduler1, .scheduler2])),
        .addService(IPVSService(key: .firewallMark(17, family: .ipv4), scheduler: "lc")),
        .addService(IPVSService(key: .firewallMark(18, family: .ipv6), scheduler: "mh", flags: [.onePacket, .persistent], timeout: 60, persistencePrefixLength: 64)),
        .addService(IPVSService(key: .sctp(IPAddress("10.0.0.4")!, 9), scheduler: "none")),
        .addDestination(IPVSDestination(address: IPAddress("10.0.1.1")!, port: 8080, weight: 100, upperThreshold: 1000, lowerThreshold: 10), service: web),
        .addDestination(IPVSDestination(address: IPAddress("10.0.1.2")!, port: 80, forwarding: .directRoute, weight: 0), service: web),
        .addDestination(IPVSDestination(address: IPAddress("10.0.1.4")!, port: 80, forwarding: .tunnel, weight: 5, tunnelType: .gue, tunnelPort: 6080, tunnelFlags: .checksum), service: web),
        .addDestination(IPVSDestination(address: IPAddress("2001:db8::9")!, port: 80, forwarding: .tunnel, weight: 3, tunnelType: .gre, tunnelFlags: .remoteChecksum), service: web),
    ]
    try capture("batch-acks") {
        let result = try ipvs.apply(setup)
        guard result.succeeded else { fail("setup failed: \(result.failures.map(\.error))") }
    }
    try capture("batch-errors") {
        _ = try ipvs.apply([
            .addService(IPVSService(key: web, scheduler: "wrr")),  // EEXIST
            .removeService(.tcp(IPAddress("10.9.9.9")!, 1)),  // ESRCH
            .addService(IPVSService(key: .tcp(IPAddress("10.0.0.2")!, 80), scheduler: "nosuch")),  // ENOENT
            .addDestination(IPVSDestination(address: IPAddress("10.0.1.9")!, port: 1, weight: -1), service: web),  // ERANGE
            .removeDestination(IPVSDestination.Key(address: IPAddress("10.0.1.9")!, port: 1), service: web),  // ENOENT
            .addDestination(IPVSDestination(address: IPAddress("224.0.0.1")!, port: 1), service: web),  // EINVAL
        ])
    }
    try capture("info") { _ = try ipvs.info() }
    try capture("timeouts") { _ = try ipvs.timeouts() }
    try capture("services-dump") { _ = try ipvs.services() }
    try capture("destinations-dump") { _ = try ipvs.destinations(of: web) }
    try capture("destinations-dump-missing-service") { _ = try ipvs.destinations(of: .tcp(IPAddress("10.9.9.9")!, 1)) }
    try capture("get-service") { _ = try ipvs.service(web) }
    capture("get-service-missing") { _ = try? ipvs.service(.tcp(IPAddress("10.9.9.9")!, 1)) }
    // A dump that needs several datagrams.
    var many: [IPVSChange] = []
    for index in 0..<200 {
        many.append(.addService(IPVSService(key: .tcp(IPAddress(ipv4: 0x0A05_0000 + UInt32(index)), 443), scheduler: "rr")))
    }
    guard try ipvs.apply(many).succeeded else { fail("bulk setup failed") }
    try capture("services-dump-multipart") { _ = try ipvs.services() }
    try ipvs.flush()

    for (name, datagrams) in fixtures {
        let text = datagrams.map { $0.map { String(format: "%02x", $0) }.joined() }.joined(separator: "\n") + "\n"
        try text.write(toFile: "\(outDirectory)/\(name).hex", atomically: true, encoding: .utf8)
        print("ipvs-capture: \(name): \(datagrams.count) datagram(s), \(datagrams.map(\.count).reduce(0, +)) bytes")
    }
} catch {
    fail("\(error)")
}
