import Addresses
import Foundation
import IPVS
import Logging
import Testing

/// The real IPVS client against the host kernel: without IPVS (the build machines) it says how
/// to get it; in the VM it reads and writes the kernel's table.
struct KernelClientTests {
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
