/// The validated desired state: every default applied, every rule checked, every address parsed.
///
/// This is what the reconciler diffs against the kernel. It is produced only by
/// ``Config/parse(bytes:file:interface:)`` or ``ConfigFile/resolve(interface:)``, so holding one
/// means the file was valid.
public struct Config: Sendable, Hashable {
    public var settings: Settings
    /// Services in the order the file lists them.
    public var services: [Service]
    /// The `defaults` section as written, kept for objects the REST API adds later.
    public var defaults: DefaultsOptions

    public init(settings: Settings = Settings(), services: [Service] = [], defaults: DefaultsOptions = DefaultsOptions()) {
        self.settings = settings
        self.services = services
        self.defaults = defaults
    }

    public var backendCount: Int { services.reduce(0) { $0 + $1.backends.count } }

    public subscript(serviceID id: String) -> Service? { services.first { $0.id == id } }
}

/// Daemon-wide settings, resolved.
public struct Settings: Sendable, Hashable {
    public var interface: String?
    public var resync: Duration
    public var prune: PruneMode
    public var timeouts: KernelTimeouts
    /// `settings.consul`; `nil` when the file does not configure Consul.
    public var consul: ConsulSettings?
    /// The fleet store the overlay lives in; `nil`: the state directory (``EtcdSettings``).
    public var store: EtcdSettings?
    /// Where the VIPs are kept as addresses; `nil`: the daemon leaves addresses alone.
    public var vips: VIPSettings?
    /// Announcing the VIPs over BGP through BIRD; `nil`: nothing is announced.
    public var bgp: BGPSettings?

    public init(interface: String? = nil, resync: Duration = .seconds(30), prune: PruneMode = .owned, timeouts: KernelTimeouts = KernelTimeouts(), bgp: BGPSettings? = nil) {
        self.interface = interface
        self.resync = resync
        self.prune = prune
        self.timeouts = timeouts
        self.bgp = bgp
    }

    /// Why `resync` (as written: `text`) is not a resync period, or `nil` if it is: one rule for
    /// `settings.resync` and `run --resync`. Under a second, the full re-read of the kernel would
    /// run back to back.
    public static func resyncProblem(_ resync: Duration, written text: String) -> String? {
        resync < .seconds(1) ? "resync must be at least 1s, found \(text)" : nil
    }
}

/// The kernel's IPVS connection timeouts in seconds; `nil` leaves the kernel's value alone.
public struct KernelTimeouts: Sendable, Hashable {
    public var tcp: UInt32?
    public var tcpfin: UInt32?
    public var udp: UInt32?

    public init(tcp: UInt32? = nil, tcpfin: UInt32? = nil, udp: UInt32? = nil) {
        self.tcp = tcp
        self.tcpfin = tcpfin
        self.udp = udp
    }

    public var isEmpty: Bool { tcp == nil && tcpfin == nil && udp == nil }
}
