/// The addresses of the host's interfaces: what the VIP keeper reads and changes.
///
/// ``KernelAddressTable`` is the kernel's (rtnetlink); ``MemoryAddressTable`` is an in-memory one
/// for tests and `run --fake-kernel`. Used by one owner at a time, so not `Sendable`.
public protocol AddressTable: AnyObject {
    /// The index of the interface called `name`.
    ///
    /// - Throws: ``AddressTableError/noSuchInterface(_:)`` when there is none.
    func interfaceIndex(named name: String) throws(AddressTableError) -> UInt32
    /// Every IPv4 and IPv6 address on the interface with this index.
    func addresses(on interfaceIndex: UInt32) throws(AddressTableError) -> [InterfaceAddress]
    /// Adds an address.
    ///
    /// - Throws: ``AddressTableError/exists(_:)`` when it is already there.
    func add(_ address: InterfaceAddress) throws(AddressTableError)
    /// Removes an address.
    ///
    /// - Throws: ``AddressTableError/notFound(_:)`` when it is not there.
    func remove(_ address: InterfaceAddress) throws(AddressTableError)
    /// Releases the kernel socket, if any.
    func close()
}

/// Why the address table refused, in operator language; the raw netlink facts are kept.
public enum AddressTableError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No interface has this name (a typo, or a dummy interface not created yet).
    case noSuchInterface(String)
    /// The kernel refused for lack of privilege (`EPERM`: `CAP_NET_ADMIN` is needed to change addresses).
    case permissionDenied(operation: String)
    /// The address is already on the interface (`EEXIST`).
    case exists(InterfaceAddress)
    /// The address is not on the interface (`EADDRNOTAVAIL`).
    case notFound(InterfaceAddress)
    /// Any other failure of the netlink exchange.
    case netlink(operation: String, NetlinkFailure)

    public var description: String {
        switch self {
        case .noSuchInterface(let name):
            return "no interface named '\(name)' (create it, e.g. `ip link add \(name) type dummy`, or name another in settings.vips.interface)"
        case .permissionDenied(let operation):
            return "\(operation): permission denied (changing addresses needs CAP_NET_ADMIN)"
        case .exists(let address):
            return "\(address) is already on the interface"
        case .notFound(let address):
            return "\(address) is not on the interface"
        case .netlink(let operation, let failure):
            return "\(operation): \(failure)"
        }
    }
}

/// A netlink failure as text (``NetlinkError`` lives in the transport; this keeps the table's
/// error `Hashable` and free of transport types).
public struct NetlinkFailure: Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
