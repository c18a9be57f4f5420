/// The global connection timeouts (`ipvsadm --set TCP TCPFIN UDP`), in seconds.
///
/// When setting, 0 means "leave this one unchanged" (the kernel's rule); a read never
/// returns 0. The kernel defaults are 900, 120 and 300 seconds.
public struct IPVSTimeouts: Sendable, Hashable, CustomStringConvertible {
    /// Established TCP connections.
    public var tcp: UInt32
    /// TCP connections after a FIN (FIN_WAIT).
    public var tcpFin: UInt32
    /// UDP "connections".
    public var udp: UInt32

    public init(tcp: UInt32, tcpFin: UInt32, udp: UInt32) {
        self.tcp = tcp
        self.tcpFin = tcpFin
        self.udp = udp
    }

    /// The kernel's defaults (900 s, 120 s, 300 s).
    public static let kernelDefaults = IPVSTimeouts(tcp: 900, tcpFin: 120, udp: 300)

    public var description: String { "tcp \(tcp)s, tcpfin \(tcpFin)s, udp \(udp)s" }
}
