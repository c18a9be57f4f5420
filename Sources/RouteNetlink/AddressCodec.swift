import Addresses
public import Netlink

/// Encodes rtnetlink's address and link requests and decodes their answers.
///
/// An address message is `struct ifaddrmsg` then attributes:
/// ```
///  0        1          2       3       4
///  +--------+----------+-------+-------+---------------+
///  | family | prefixlen| flags | scope | index (u32)   |  IFA_LOCAL, IFA_ADDRESS, IFA_FLAGS ...
///  +--------+----------+-------+-------+---------------+
/// ```
/// A link message is `struct ifinfomsg` (16 bytes: family, pad, type, index, flags, change)
/// then attributes (`IFLA_IFNAME`).
public enum AddressCodec {
    static let addressHeaderSize = 8
    static let linkHeaderSize = 16

    private static func addressHeader(family: UInt8, prefixLength: UInt8, flags: UInt8, index: UInt32) -> [UInt8] {
        var bytes: [UInt8] = [family, prefixLength, flags, 0 /* RT_SCOPE_UNIVERSE */]
        bytes.appendNative(index)
        return bytes
    }

    private static func family(of address: IPAddress) -> UInt8 {
        address.family == .ipv6 ? SocketFamily.inet6 : SocketFamily.inet
    }

    /// The body of an address message for `address`: header, `IFA_LOCAL` and `IFA_ADDRESS`
    /// (both the address itself: no peer), `IFA_FLAGS`. `ip addr add` sends the same.
    private static func addressBody(_ address: InterfaceAddress) -> [UInt8] {
        var writer = NetlinkMessageWriter(reservingCapacity: 48)
        writer.appendRaw(addressHeader(family: family(of: address.address), prefixLength: address.prefixLength, flags: UInt8(truncatingIfNeeded: address.flags), index: address.interfaceIndex))
        writer.put(AddressAttribute.local, bytes: address.address.bytes)
        writer.put(AddressAttribute.address, bytes: address.address.bytes)
        writer.put(AddressAttribute.flags, u32: address.flags)
        return writer.bytes
    }

    /// `RTM_NEWADDR` with `NLM_F_CREATE | NLM_F_EXCL`: adds the address, or fails with `EEXIST`
    /// when it is already there (so an address someone else added is never taken over silently).
    public static func addRequest(_ address: InterfaceAddress) -> NetlinkConnection.Request {
        NetlinkConnection.Request(type: RouteMessageType.newAddress, flags: [.create, .exclusive], body: addressBody(address))
    }

    /// `RTM_DELADDR` for exactly this address and prefix length on this interface.
    public static func deleteRequest(_ address: InterfaceAddress) -> NetlinkConnection.Request {
        NetlinkConnection.Request(type: RouteMessageType.deleteAddress, flags: [], body: addressBody(address))
    }

    /// `RTM_GETADDR` dump of every address of every family (the kernel does not filter by
    /// interface unless strict checking is enabled; ``decodeAddress(_:)``'s callers do).
    public static func dumpRequest() -> NetlinkConnection.Request {
        NetlinkConnection.Request(type: RouteMessageType.getAddress, flags: [], body: addressHeader(family: SocketFamily.unspecified, prefixLength: 0, flags: 0, index: 0))
    }

    /// `RTM_GETLINK` by name (`IFLA_IFNAME`): the kernel answers one `RTM_NEWLINK`, or `ENODEV`.
    public static func linkRequest(name: String) -> NetlinkConnection.Request {
        var writer = NetlinkMessageWriter(reservingCapacity: 40)
        writer.appendRaw([UInt8](repeating: 0, count: linkHeaderSize))
        writer.put(LinkAttribute.name, string: name)
        return NetlinkConnection.Request(type: RouteMessageType.getLink, flags: [], body: writer.bytes)
    }

    /// One address of a dump; `nil` for a message that is not an IPv4 or IPv6 address.
    ///
    /// - Throws: ``NetlinkDecodingError`` when the message is cut short or its address has the
    ///   wrong length for its family.
    public static func decodeAddress(_ message: NetlinkMessage) throws(NetlinkDecodingError) -> InterfaceAddress? {
        guard message.header.type == RouteMessageType.newAddress else { return nil }
        let payload = message.payload
        guard payload.count >= addressHeaderSize else {
            throw NetlinkDecodingError("RTM_NEWADDR payload of \(payload.count) bytes is shorter than struct ifaddrmsg", at: 0)
        }
        let family = payload[payload.startIndex]
        guard family == SocketFamily.inet || family == SocketFamily.inet6 else { return nil }
        let prefixLength = payload[payload.startIndex + 1]
        let headerFlags = payload[payload.startIndex + 2]
        let index = payload.loadNative(at: 4, as: UInt32.self)
        let attributes = try NetlinkAttributes(payload[(payload.startIndex + addressHeaderSize)...])
        // IPv4 names its own address IFA_LOCAL (IFA_ADDRESS is the peer); IPv6 sends only IFA_ADDRESS.
        guard let raw = attributes[AddressAttribute.local] ?? attributes[AddressAttribute.address] else {
            throw NetlinkDecodingError("RTM_NEWADDR without IFA_LOCAL or IFA_ADDRESS", at: addressHeaderSize)
        }
        let expected = family == SocketFamily.inet ? 4 : 16
        guard raw.bytes.count == expected, let address = IPAddress(bytes: raw.bytes) else {
            throw NetlinkDecodingError("an address of family \(family) has \(raw.bytes.count) bytes, expected \(expected)", at: addressHeaderSize)
        }
        let flags = try attributes[AddressAttribute.flags]?.u32() ?? UInt32(headerFlags)
        return InterfaceAddress(interfaceIndex: index, address: address, prefixLength: prefixLength, flags: flags)
    }

    /// The interface index of an `RTM_NEWLINK` answer.
    public static func decodeLinkIndex(_ message: NetlinkMessage) throws(NetlinkDecodingError) -> UInt32 {
        guard message.header.type == RouteMessageType.newLink else {
            throw NetlinkDecodingError("expected RTM_NEWLINK, got message type \(message.header.type)", at: 0)
        }
        guard message.payload.count >= linkHeaderSize else {
            throw NetlinkDecodingError("RTM_NEWLINK payload of \(message.payload.count) bytes is shorter than struct ifinfomsg", at: 0)
        }
        return UInt32(bitPattern: message.payload.loadNative(at: 4, as: Int32.self))
    }

    /// An address as the kernel sends it in a dump (`RTM_NEWADDR`, IPv4 with `IFA_LOCAL` and
    /// `IFA_ADDRESS`, IPv6 with `IFA_ADDRESS` only): for scripted sockets in tests.
    public static func kernelAddressMessage(_ address: InterfaceAddress, flags: NetlinkMessageFlags = .multi) -> [UInt8] {
        var writer = NetlinkMessageWriter()
        writer.beginMessage(type: RouteMessageType.newAddress, flags: flags, sequence: 0, portID: 0)
        writer.appendRaw(addressHeader(family: family(of: address.address), prefixLength: address.prefixLength, flags: UInt8(truncatingIfNeeded: address.flags), index: address.interfaceIndex))
        if address.address.family == .ipv4 { writer.put(AddressAttribute.local, bytes: address.address.bytes) }
        writer.put(AddressAttribute.address, bytes: address.address.bytes)
        writer.put(AddressAttribute.flags, u32: address.flags)
        writer.endMessage()
        return writer.bytes
    }

    /// An `RTM_NEWLINK` answer carrying `index` and `name`: for scripted sockets in tests.
    public static func kernelLinkMessage(index: UInt32, name: String) -> [UInt8] {
        var writer = NetlinkMessageWriter()
        writer.beginMessage(type: RouteMessageType.newLink, flags: [], sequence: 0, portID: 0)
        var header = [UInt8](repeating: 0, count: 4)
        header.appendNative(Int32(bitPattern: index))
        header.append(contentsOf: [UInt8](repeating: 0, count: 8))
        writer.appendRaw(header)
        writer.put(LinkAttribute.name, string: name)
        writer.endMessage()
        return writer.bytes
    }
}
