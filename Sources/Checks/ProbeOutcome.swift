/// The result of one probe: up or down, how long it took, and why it failed.
public struct ProbeOutcome: Sendable, Hashable {
    public var success: Bool
    /// From the start of the connect to the verdict.
    public var latency: Duration
    /// What went wrong, in words an operator can act on (`connection refused`, `status 503`).
    public var error: String?

    public init(success: Bool, latency: Duration, error: String? = nil) {
        self.success = success
        self.latency = latency
        self.error = error
    }

    public static func up(_ latency: Duration) -> ProbeOutcome { ProbeOutcome(success: true, latency: latency) }

    public static func down(_ error: String, latency: Duration) -> ProbeOutcome {
        ProbeOutcome(success: false, latency: latency, error: error)
    }
}
