/// `settings.bgp`, resolved: where BIRD listens, the routes file it includes, and the timings of
/// withdrawing. Present only when the file has a `bgp` section: without it nothing is announced.
public struct BGPSettings: Sendable, Hashable {
    public static let defaultBIRDSocket = "/run/bird/bird.ctl"
    public static let defaultRoutesFile = "/etc/bird/gorb/vips.conf"

    /// BIRD's control socket (`birdc -s`).
    public var birdSocket: String
    /// The file of `route VIP/32 blackhole;` lines, included by an `ipv4` static protocol in
    /// `bird.conf`.
    public var routesFile: String
    /// The file of `route VIP/128 blackhole;` lines, included by an `ipv6` static protocol.
    public var routesFileIPv6: String
    /// On a clean stop: withdraw, wait this long for the routers to move the flows, then exit.
    public var withdrawGrace: Duration
    /// A VIP that health withdrew is not announced again before this long: a flapping backend
    /// cannot flap the route faster than once per hold-down. Withdrawals are never delayed.
    public var holdDown: Duration

    public init(
        birdSocket: String = BGPSettings.defaultBIRDSocket,
        routesFile: String = BGPSettings.defaultRoutesFile,
        routesFileIPv6: String? = nil,
        withdrawGrace: Duration = .seconds(5),
        holdDown: Duration = .seconds(10)
    ) {
        self.birdSocket = birdSocket
        self.routesFile = routesFile
        self.routesFileIPv6 = routesFileIPv6 ?? Self.ipv6File(beside: routesFile)
        self.withdrawGrace = withdrawGrace
        self.holdDown = holdDown
    }

    /// `/etc/bird/gorb-vips.conf` → `/etc/bird/gorb-vips-ipv6.conf`.
    public static func ipv6File(beside file: String) -> String {
        file.hasSuffix(".conf") ? String(file.dropLast(5)) + "-ipv6.conf" : file + "-ipv6"
    }
}
