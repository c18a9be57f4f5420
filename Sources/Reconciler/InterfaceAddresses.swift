#if canImport(Glibc)
import Glibc
#endif
public import Addresses

/// Looks up the address of an interface, for services without `host` (GORB's `-i`).
public protocol InterfaceAddresses: Sendable {
    /// The interface's first address, IPv4 preferred (GORB took whichever came first; an IPv4 VIP
    /// is what nearly every operator means by "the interface's address").
    func firstAddress(of interface: String) throws(InterfaceAddressError) -> IPAddress
}

/// Why an interface has no usable address.
public struct InterfaceAddressError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// The running system's interfaces (`getifaddrs`).
public struct SystemInterfaces: InterfaceAddresses {
    public init() {}

    public func firstAddress(of interface: String) throws(InterfaceAddressError) -> IPAddress {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else {
            throw InterfaceAddressError("cannot list interfaces: \(String(cString: strerror(errno)))")
        }
        defer { freeifaddrs(list) }
        var found = false
        var v4: IPAddress?
        var v6: IPAddress?
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard String(cString: entry.pointee.ifa_name) == interface else { continue }
            found = true
            guard let address = entry.pointee.ifa_addr else { continue }
            switch Int32(address.pointee.sa_family) {
            case AF_INET where v4 == nil:
                v4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                    IPAddress(ipv4: UInt32(bigEndian: pointer.pointee.sin_addr.s_addr))
                }
            case AF_INET6 where v6 == nil:
                let bytes = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
                }
                // Link-local addresses need a zone and cannot be a VIP.
                if !(bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80) { v6 = IPAddress(bytes: bytes) }
            default:
                break
            }
        }
        if let address = v4 ?? v6 { return address }
        throw InterfaceAddressError(found ? "interface \(interface) has no address" : "no interface named \(interface)")
    }
}

/// A fixed table of interface addresses, for tests and for `plan` against a fake kernel.
public struct StaticInterfaces: InterfaceAddresses {
    public var addresses: [String: IPAddress]

    public init(_ addresses: [String: IPAddress]) {
        self.addresses = addresses
    }

    public func firstAddress(of interface: String) throws(InterfaceAddressError) -> IPAddress {
        guard let address = addresses[interface] else { throw InterfaceAddressError("no interface named \(interface)") }
        return address
    }
}
