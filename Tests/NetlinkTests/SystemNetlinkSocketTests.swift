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

    /// On a kernel without IPVS (the build machines), opening the client says how to fix it;
    /// where IPVS exists, it works or asks for CAP_NET_ADMIN.
    @Test func kernelClientOnThisHost() {
        do {
            let ipvs = try KernelIPVS(logger: Logger(label: "test"))
            defer { ipvs.close() }
            _ = try ipvs.timeouts()
        } catch {
            #expect([.ipvsUnavailable, .permissionDenied].contains(error.code), "\(error)")
            if error.code == .ipvsUnavailable {
                #expect(error.description == "the kernel has no IPVS support: load the ip_vs module (modprobe ip_vs)")
            }
        }
    }
}
