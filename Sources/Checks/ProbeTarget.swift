public import Addresses
public import NIOCore
public import Spec

/// Where a probe goes: the backend's address and port, or the probe's `host`/`port` overrides.
public struct ProbeTarget: Sendable, Hashable {
    public var address: IPAddress
    public var port: UInt16

    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    /// The target of `probe` for `backend`: the probe's overrides win (GORB's `args.host` and
    /// `args.port`, which its tcp check ignored).
    public init(backend: Backend, probe: Probe) {
        var address = backend.address
        var port = backend.port
        switch probe {
        case .tcp(let tcp):
            address = tcp.host ?? address
            port = tcp.port ?? port
        case .http(let http):
            address = http.host ?? address
            port = http.port ?? port
        case .udp(let udp):
            address = udp.host ?? address
            port = udp.port ?? port
        case .dns(let dns):
            address = dns.host ?? address
            port = dns.port ?? port
        case .none, .exec:
            break
        }
        self.init(address: address, port: port)
    }

    /// The socket address, built from the address bytes (never from text, so IPv6 needs no
    /// brackets and no parsing: GORB joined host and port with a colon and broke IPv6).
    public func socketAddress() throws -> SocketAddress {
        var buffer = ByteBuffer()
        buffer.writeBytes(address.bytes)
        return try SocketAddress(packedIPAddress: buffer, port: Int(port))
    }

    /// `host:port` as a URL authority and `Host` header writes it: IPv6 in brackets.
    public var authority: String {
        address.family == .ipv6 ? "[\(address)]:\(port)" : "\(address):\(port)"
    }
}
