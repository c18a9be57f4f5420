/// `settings.bgp`, resolved: where BIRD listens, the routes file it includes, and the timings of
/// withdrawing. Present only when the file has a `bgp` section: without it nothing is announced.
public struct BGPSettings: Sendable, Hashable {
    public static let defaultBIRDSocket = "/run/bird/bird.ctl"
    public static let defaultRoutesFile = "/etc/bird/gorb-vips.conf"

    /// BIRD's control socket (`birdc -s`).
    public var birdSocket: String
    /// The file of `route VIP/32 blackhole;` lines, included by a static protocol in `bird.conf`.
    public var routesFile: String
    /// On a clean stop: withdraw, wait this long for the routers to move the flows, then exit.
    public var withdrawGrace: Duration
    /// A VIP that health withdrew is not announced again before this long: a flapping backend
    /// cannot flap the route faster than once per hold-down. Withdrawals are never delayed.
    public var holdDown: Duration

    public init(
        birdSocket: String = BGPSettings.defaultBIRDSocket,
        routesFile: String = BGPSettings.defaultRoutesFile,
        withdrawGrace: Duration = .seconds(5),
        holdDown: Duration = .seconds(10)
    ) {
        self.birdSocket = birdSocket
        self.routesFile = routesFile
        self.withdrawGrace = withdrawGrace
        self.holdDown = holdDown
    }
}
