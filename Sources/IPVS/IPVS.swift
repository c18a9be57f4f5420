/// The IPVS table of one network namespace: read it, change it, one change or a batch.
///
/// Two implementations: ``KernelIPVS`` (generic netlink to the running kernel) and `FakeIPVS`
/// (in `IPVSTesting`: in memory, failing the same way the kernel does). The same conformance
/// suite runs against both, so code written against this protocol can be tested without a kernel.
///
/// The methods are synchronous. A netlink round trip is a few microseconds to a few
/// milliseconds and the kernel serialises IPVS commands on one mutex anyway, so there is
/// nothing to overlap; the daemon calls this from one actor, which keeps the calls ordered.
/// Implementations are `Sendable` and internally locked, so a stray concurrent call is safe,
/// merely serialised.
///
/// Every method throws ``IPVSError`` only.
public protocol IPVS: Sendable {
    /// The IPVS version and connection table size (`IPVS_CMD_GET_INFO`).
    func info() throws(IPVSError) -> IPVSInfo

    /// Every service (a dump), with stats. De-duplicated by key.
    func services() throws(IPVSError) -> [IPVSService]

    /// One service by key (`IPVS_CMD_GET_SERVICE`). ESRCH (``IPVSError/Code/serviceNotFound``)
    /// if absent.
    func service(_ key: IPVSService.Key) throws(IPVSError) -> IPVSService

    /// The destinations of a service (a dump), with connection counts and stats. Like the
    /// kernel, an empty list when the service does not exist. De-duplicated by key.
    func destinations(of service: IPVSService.Key) throws(IPVSError) -> [IPVSDestination]

    /// The global connection timeouts.
    func timeouts() throws(IPVSError) -> IPVSTimeouts

    /// Applies changes in order, as one batch, and reports each one's outcome.
    ///
    /// Every change is attempted even after one fails, because the kernel handles each
    /// message of a batch on its own: the result says exactly which changes failed and why.
    /// A change that depends on an earlier failed one (a destination of a service that could
    /// not be created) fails on its own with its own error.
    ///
    /// - Throws: only when the outcome is unknown (the transport failed); then re-read.
    func apply(_ changes: [IPVSChange]) throws(IPVSError) -> IPVSBatchResult
}

extension IPVS {
    /// Applies one change; throws its error.
    public func apply(_ change: IPVSChange) throws(IPVSError) {
        let result = try apply([change])
        if let failure = result.failures.first { throw failure.error }
    }

    /// Creates a service (`ipvsadm -A`).
    public func addService(_ service: IPVSService) throws(IPVSError) { try apply(.addService(service)) }
    /// Updates a service in place (`ipvsadm -E`).
    public func updateService(_ service: IPVSService) throws(IPVSError) { try apply(.updateService(service)) }
    /// Deletes a service with its destinations (`ipvsadm -D`).
    public func removeService(_ key: IPVSService.Key) throws(IPVSError) { try apply(.removeService(key)) }
    /// Adds a destination (`ipvsadm -a`).
    public func addDestination(_ destination: IPVSDestination, to service: IPVSService.Key) throws(IPVSError) {
        try apply(.addDestination(destination, service: service))
    }
    /// Updates a destination in place (`ipvsadm -e`).
    public func updateDestination(_ destination: IPVSDestination, in service: IPVSService.Key) throws(IPVSError) {
        try apply(.updateDestination(destination, service: service))
    }
    /// Removes a destination (`ipvsadm -d`).
    public func removeDestination(_ destination: IPVSDestination.Key, from service: IPVSService.Key) throws(IPVSError) {
        try apply(.removeDestination(destination, service: service))
    }
    /// Deletes every service (`ipvsadm -C`).
    public func flush() throws(IPVSError) { try apply(.flush) }
    /// Zeroes counters of one service or all (`ipvsadm -Z`).
    public func zero(_ service: IPVSService.Key? = nil) throws(IPVSError) { try apply(.zero(service)) }
    /// Sets the global timeouts; zero fields stay unchanged (`ipvsadm --set`).
    public func setTimeouts(_ timeouts: IPVSTimeouts) throws(IPVSError) { try apply(.setTimeouts(timeouts)) }

    /// Every service with its destinations: the whole table, for a reconciler's "actual".
    public func table() throws(IPVSError) -> [IPVSService: [IPVSDestination]] {
        var table: [IPVSService: [IPVSDestination]] = [:]
        for service in try services() {
            table[service] = try destinations(of: service.key)
        }
        return table
    }
}

/// The outcome of a batch: one entry per change, in order.
public struct IPVSBatchResult: Sendable, Hashable {
    /// `nil` where the change succeeded, its error where it failed; parallel to the changes.
    public var errors: [IPVSError?]
    /// The changes, as given.
    public var changes: [IPVSChange]

    public init(changes: [IPVSChange], errors: [IPVSError?]) {
        precondition(changes.count == errors.count, "one outcome per change")
        self.changes = changes
        self.errors = errors
    }

    /// One failed change.
    public struct Failure: Sendable, Hashable {
        /// The change's position in the batch.
        public var index: Int
        /// The change that failed.
        public var change: IPVSChange
        /// Why it failed.
        public var error: IPVSError
    }

    /// The changes that failed, in batch order.
    public var failures: [Failure] {
        errors.enumerated().compactMap { index, error in
            error.map { Failure(index: index, change: changes[index], error: $0) }
        }
    }

    /// True when every change succeeded.
    public var succeeded: Bool { errors.allSatisfy { $0 == nil } }
}
