import Foundation
import Logging
import Testing
@testable import Netlink

/// The real socket against the host kernel, which has generic netlink: the controller family
/// resolves and unknown families are reported as such (the IPVS client on this kernel is
/// IPVSTests' KernelClientTests).
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
}
