import Foundation
import Logging
import Testing
@testable import Netlink

/// The real socket against the host kernel, which has generic netlink (and, on the build
/// machines, no IPVS): the controller family resolves, unknown families are reported as such,
/// and a missing IPVS gives the operator the fix.
struct SystemNetlinkSocketTests {
    @Test func opensBindsAndSizesBuffers() throws {
        let socket = try SystemNetlinkSocket()
        defer { socket.close() }
        #expect(socket.portID != 0)
        #expect(socket.maximumSendSize >= 4096)
        #expect(socket.maximumRepliesInFlight >= 16)
    }

    @Test func resolvesTheControllerAndReportsUnknownFamilies() throws {
        let socket = try SystemNetlinkSocket()
        defer { socket.close() }
        let connection = NetlinkConnection(socket: socket, initialSequence: 77, logger: Logger(label: "test"))
        let controller = try connection.resolveFamily(named: "nlctrl")
        #expect(controller.id == 0x10)
        #expect(controller.name == "nlctrl")
        #expect(throws: NetlinkError.familyNotFound(name: "no-such-family")) {
            try connection.resolveFamily(named: "no-such-family")
        }
        // The connection still works after a refused request.
        #expect(try connection.resolveFamily(named: "nlctrl").id == 0x10)
    }

    @Test func closedSocketsRefuseWork() throws {
        let socket = try SystemNetlinkSocket()
        socket.close()
        socket.close()
        #expect(throws: NetlinkError.closed) { try socket.send([0]) }
        #expect(throws: NetlinkError.closed) { try socket.receive() }
    }

    /// On a kernel without IPVS (the build machines), opening the client fails with the exact
    /// error that tells the operator the fix. Where IPVS exists (the VM: Tests/vm/netlink-conformance.sh
    /// runs this too), the reads work and decode to sane values, or, without CAP_NET_ADMIN, are
    /// refused as such; with GORB_KERNEL_TESTS=1 (a throwaway namespace) a service and a
    /// destination are also written, read back field by field, and removed.
    @Test func kernelClientOnThisHost() throws {
        let ipvs: KernelIPVS
        do {
            ipvs = try KernelIPVS(logger: Logger(label: "test"))
        } catch {
            #expect(error.code == .ipvsUnavailable, "\(error)")
            #expect(error.description == "the kernel has no IPVS support: load the ip_vs module (modprobe ip_vs)")
            return
        }
        defer { ipvs.close() }
        let info: IPVSInfo
        do {
            info = try ipvs.info()
        } catch {
            #expect(error.code == .permissionDenied, "\(error)")
            #expect(geteuid() != 0, "root was refused: \(error)")
            return
        }
        #expect(info.versionCode >= 0x01_02_00, "\(info)")  // every kernel since 2.6 says 1.2.x
        #expect(info.connectionTableSize >= 256 && info.connectionTableSize.nonzeroBitCount == 1, "\(info)")
        let timeouts = try ipvs.timeouts()
        #expect(timeouts.tcp > 0 && timeouts.tcpFin > 0 && timeouts.udp > 0, "\(timeouts)")
        for service in try ipvs.services() {
            #expect(try ipvs.service(service.key).key == service.key)
            _ = try ipvs.destinations(of: service.key)
        }
        guard ProcessInfo.processInfo.environment["GORB_KERNEL_TESTS"] == "1" else { return }
        let key = IPVSService.Key.tcp(IPAddress("192.0.2.250")!, 8250)
        let service = IPVSService(key: key, scheduler: "wrr")
        let destination = IPVSDestination(address: IPAddress("198.51.100.250")!, port: 8080, forwarding: .masquerade, weight: 7)
        try ipvs.addService(service)
        defer { try? ipvs.removeService(key) }
        try ipvs.addDestination(destination, to: key)
        let read = try ipvs.service(key)
        #expect(read == service, "\(read)")
        #expect(read.stats == .zero)
        #expect(try ipvs.services().contains(service))
        let destinations = try ipvs.destinations(of: key)
        #expect(destinations == [destination], "\(destinations)")
        #expect(destinations.first?.stats == .zero)
        try ipvs.removeService(key)
        #expect(throws: IPVSError.self) { try ipvs.service(key) }
    }
}
