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
        let (host, port) = probe.target
        self.init(address: host ?? backend.address, port: port ?? backend.port)
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
