/// The result of one probe: up or down, how long it took, and why it failed.
public struct ProbeOutcome: Sendable, Hashable {
    public var success: Bool
    /// From the start of the connect to the verdict.
    public var latency: Duration
    /// What went wrong, in words an operator can act on (`connection refused`, `status 503`).
    public var error: String?
    /// The probe could not be made for a reason of this host's (no file descriptor, no buffer
    /// memory): it says nothing about the backend and is not counted as a result. Counting it
    /// would take every backend down when the daemon runs out of descriptors.
    public var local: Bool

    public init(success: Bool, latency: Duration, error: String? = nil, local: Bool = false) {
        self.success = success
        self.latency = latency
        self.error = error
        self.local = local
    }

    public static func up(_ latency: Duration) -> ProbeOutcome { ProbeOutcome(success: true, latency: latency) }

    public static func down(_ error: String, latency: Duration) -> ProbeOutcome {
        ProbeOutcome(success: false, latency: latency, error: error)
    }

    /// A probe this host could not make (see ``local``).
    public static func notMade(_ error: String) -> ProbeOutcome {
        ProbeOutcome(success: false, latency: .zero, error: error, local: true)
    }
}
