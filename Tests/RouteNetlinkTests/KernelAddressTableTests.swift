import Addresses
import Logging
import Netlink
import NetlinkTesting
import RouteNetlink
import Testing

/// The rtnetlink address client against a scripted socket that plays the kernel: the bytes of
/// each request, the decoding of dumps, and the errnos an operator must be told about.
@Suite struct KernelAddressTableTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    let vip4 = IPAddress("192.0.2.10")!
    let vip6 = IPAddress("2001:db8::10")!

    /// A kernel with interface `dummy0` (index 7) holding `addresses`; records what was asked.
    func kernel(_ addresses: [InterfaceAddress], refuse: Int32 = 0) -> ScriptedNetlinkSocket {
        ScriptedNetlinkSocket { request in
            switch request.header.type {
            case RouteMessageType.getLink:
                let attributes = try? NetlinkAttributes(request.payload.dropFirst(16))
                guard (try? attributes?[3]?.string()) == "dummy0" else { return [Reply.ack(request, errno: 19 /* ENODEV */)] }
                return [AddressCodec.kernelLinkMessage(index: 7, name: "dummy0"), Reply.ack(request)]
            case RouteMessageType.getAddress:
                // The kernel packs the dump's messages into one datagram, then NLMSG_DONE.
                return [addresses.flatMap { AddressCodec.kernelAddressMessage($0) }, Reply.done(request)]
            default:
                return [Reply.ack(request, errno: refuse)]
            }
        }
    }

    @Test func looksUpAnInterfaceByName() throws {
        let socket = kernel([])
        let table = KernelAddressTable(socket: socket, logger: logger)
        #expect(try table.interfaceIndex(named: "dummy0") == 7)
        let request = try #require(socket.sentMessages.first)
        #expect(request.header.type == RouteMessageType.getLink)
        #expect(request.header.flags.contains(.ack))
        #expect(throws: AddressTableError.noSuchInterface("nope0")) { try table.interfaceIndex(named: "nope0") }
    }

    @Test func dumpKeepsOnlyTheInterfacesAddresses() throws {
        let mine = InterfaceAddress(interfaceIndex: 7, address: vip4, prefixLength: 32, flags: AddressFlag.permanent)
        let mine6 = InterfaceAddress(interfaceIndex: 7, address: vip6, prefixLength: 128, flags: AddressFlag.permanent | AddressFlag.noDAD)
        let other = InterfaceAddress(interfaceIndex: 1, address: IPAddress("127.0.0.1")!, prefixLength: 8)
        let socket = kernel([other, mine, mine6, mine])
        let table = KernelAddressTable(socket: socket, logger: logger)
        #expect(try table.addresses(on: 7) == [mine, mine6])
        let request = try #require(socket.sentMessages.first)
        #expect(request.header.flags.contains(.dump))
        #expect(Array(request.payload) == [0, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func addSendsAHostAddressExclusively() throws {
        let socket = kernel([])
        let table = KernelAddressTable(socket: socket, logger: logger)
        try table.add(.host(vip6, on: 7))
        let request = try #require(socket.sentMessages.first)
        #expect(request.header.type == RouteMessageType.newAddress)
        #expect(request.header.flags.isSuperset(of: [.request, .ack, .create, .exclusive]))
        let payload = Array(request.payload)
        // ifaddrmsg: AF_INET6, /128, IFA_F_NODAD, scope universe, index 7 (little-endian host).
        #expect(Array(payload[0..<8]) == [10, 128, 0x02, 0, 7, 0, 0, 0])
        let attributes = try NetlinkAttributes(request.payload.dropFirst(8))
        #expect(attributes[2]?.bytes.elementsEqual(vip6.bytes) == true)
        #expect(attributes[1]?.bytes.elementsEqual(vip6.bytes) == true)
        #expect(try attributes[8]?.u32() == AddressFlag.noDAD)

        try table.add(.host(vip4, on: 7))
        let ipv4 = Array(try #require(socket.sentMessages.last).payload)
        #expect(Array(ipv4[0..<8]) == [2, 32, 0, 0, 7, 0, 0, 0])
    }

    @Test func removeSendsTheAddressAsHeld() throws {
        let socket = kernel([])
        let table = KernelAddressTable(socket: socket, logger: logger)
        let held = InterfaceAddress(interfaceIndex: 7, address: vip4, prefixLength: 24)
        try table.remove(held)
        let request = try #require(socket.sentMessages.first)
        #expect(request.header.type == RouteMessageType.deleteAddress)
        #expect(request.payload[request.payload.startIndex + 1] == 24)
    }

    @Test func errnosBecomeOperatorErrors() throws {
        let host = InterfaceAddress.host(vip4, on: 7)
        #expect(throws: AddressTableError.permissionDenied(operation: "add 192.0.2.10/32")) {
            try KernelAddressTable(socket: kernel([], refuse: 1 /* EPERM */), logger: logger).add(host)
        }
        #expect(throws: AddressTableError.exists(host)) {
            try KernelAddressTable(socket: kernel([], refuse: 17 /* EEXIST */), logger: logger).add(host)
        }
        #expect(throws: AddressTableError.notFound(host)) {
            try KernelAddressTable(socket: kernel([], refuse: 99 /* EADDRNOTAVAIL */), logger: logger).remove(host)
        }
        let denied = AddressTableError.permissionDenied(operation: "add 192.0.2.10/32")
        #expect(denied.description.contains("CAP_NET_ADMIN"))
        #expect(AddressTableError.noSuchInterface("vip0").description.contains("no interface named 'vip0'"))
    }

    @Test func malformedDumpIsAnErrorNotATrap() throws {
        let socket = ScriptedNetlinkSocket { request in
            var writer = NetlinkMessageWriter()
            writer.beginMessage(type: RouteMessageType.newAddress, flags: .multi, sequence: 0, portID: 0)
            writer.appendRaw([2, 32, 0, 0, 7, 0, 0, 0])
            writer.put(2, bytes: [192, 0, 2]) // an IPv4 address of three bytes
            writer.endMessage()
            return [writer.bytes, Reply.done(request)]
        }
        let table = KernelAddressTable(socket: socket, logger: logger)
        #expect {
            _ = try table.addresses(on: 7)
        } throws: { error in
            "\(error)".contains("3 bytes, expected 4")
        }
    }
}
