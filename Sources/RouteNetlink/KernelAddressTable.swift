#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#endif
public import Logging
public import Netlink

/// The kernel's interface addresses over rtnetlink (`NETLINK_ROUTE`), through the project's own
/// netlink transport: `RTM_GETLINK` to find an interface, an `RTM_GETADDR` dump to read its
/// addresses, `RTM_NEWADDR`/`RTM_DELADDR` to change them.
///
/// Not thread-safe: one owner (the VIP keeper) at a time.
public final class KernelAddressTable: AddressTable {
    private let connection: NetlinkConnection

    /// Over a socket made by the caller (a scripted one in tests); closed by ``close()``.
    public init(socket: any NetlinkSocket, logger: Logger) {
        connection = NetlinkConnection(socket: socket, initialSequence: UInt32(truncatingIfNeeded: Int(clock()) &+ Int(getpid()) << 12), logger: logger)
    }

    /// Opens an rtnetlink socket. Replies are small (a dump of a host's addresses), so the
    /// buffers stay modest; a kernel that does not answer within 5 s is an error, not a hang.
    public convenience init(logger: Logger) throws(AddressTableError) {
        let socket: SystemNetlinkSocket
        do {
            socket = try SystemNetlinkSocket(protocol: SystemNetlinkSocket.route, bufferSize: 1 << 20, receiveTimeoutSeconds: 5)
        } catch {
            throw .netlink(operation: "open an rtnetlink socket", NetlinkFailure(error.description))
        }
        self.init(socket: socket, logger: logger)
    }

    public func close() { connection.socket.close() }

    /// Maps the errnos an operator can act on to their own cases.
    private func failure(_ error: NetlinkError, _ operation: String, address: InterfaceAddress? = nil) -> AddressTableError {
        if case .kernel(let code, _, _) = error {
            switch code {
            case EPERM, EACCES: return .permissionDenied(operation: operation)
            case EEXIST: if let address { return .exists(address) }
            case EADDRNOTAVAIL: if let address { return .notFound(address) }
            default: break
            }
        }
        return .netlink(operation: operation, NetlinkFailure(error.description))
    }

    public func interfaceIndex(named name: String) throws(AddressTableError) -> UInt32 {
        let replies: [NetlinkMessage]
        do {
            replies = try connection.execute(AddressCodec.linkRequest(name: name))
        } catch {
            if case .kernel(let code, _, _) = error, code == ENODEV { throw .noSuchInterface(name) }
            throw failure(error, "look up interface '\(name)'")
        }
        guard let reply = replies.first(where: { $0.header.type == RouteMessageType.newLink }) else {
            throw .netlink(operation: "look up interface '\(name)'", NetlinkFailure("the kernel answered RTM_GETLINK without RTM_NEWLINK"))
        }
        do {
            return try AddressCodec.decodeLinkIndex(reply)
        } catch {
            throw .netlink(operation: "look up interface '\(name)'", NetlinkFailure("malformed RTM_NEWLINK: \(error)"))
        }
    }

    public func addresses(on interfaceIndex: UInt32) throws(AddressTableError) -> [InterfaceAddress] {
        let operation = "read the addresses of interface \(interfaceIndex)"
        let messages: [NetlinkMessage]
        do {
            messages = try connection.dump(AddressCodec.dumpRequest())
        } catch {
            throw failure(error, operation)
        }
        var found: [InterfaceAddress] = []
        var seen = Set<InterfaceAddress>()
        for message in messages {
            let decoded: InterfaceAddress?
            do {
                decoded = try AddressCodec.decodeAddress(message)
            } catch {
                throw .netlink(operation: operation, NetlinkFailure("malformed RTM_NEWADDR: \(error)"))
            }
            // A dump is not a snapshot: an address can appear twice when the table changes meanwhile.
            if let decoded, decoded.interfaceIndex == interfaceIndex, seen.insert(decoded).inserted {
                found.append(decoded)
            }
        }
        return found
    }

    public func add(_ address: InterfaceAddress) throws(AddressTableError) {
        do {
            _ = try connection.execute(AddressCodec.addRequest(address))
        } catch {
            throw failure(error, "add \(address)", address: address)
        }
    }

    public func remove(_ address: InterfaceAddress) throws(AddressTableError) {
        do {
            _ = try connection.execute(AddressCodec.deleteRequest(address))
        } catch {
            throw failure(error, "remove \(address)", address: address)
        }
    }
}
