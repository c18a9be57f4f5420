public import NIOCore
public import Spec

/// Runs one probe of a backend. The seam between scheduling and I/O: the monitor is tested with a
/// scripted prober and a virtual clock, the real one (``NIOProber``) against servers on loopback.
public protocol Prober: Sendable {
    /// Starts one probe on `eventLoop` and completes within `timeout` (plus scheduling slack),
    /// never with an error: every failure is a down ``ProbeOutcome`` with its reason.
    func probe(_ probe: Probe, backend: Backend, timeout: Duration, on eventLoop: any EventLoop) -> EventLoopFuture<ProbeOutcome>
}
