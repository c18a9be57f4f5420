#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#endif
import Synchronization
import Addresses
public import IPVS

/// An in-memory IPVS table that behaves like the kernel's, for tests of code that drives
/// IPVS (the reconciler) without root or a kernel.
///
/// "Behaves like" is checked, not assumed: the conformance suite runs the same scenarios
/// against this fake and against ``KernelIPVS`` in a VM, with `ipvsadm -Sn` as the witness.
/// It reproduces the kernel's validation order and errnos (`ip_vs_genl_set_cmd`,
/// `ip_vs_add_service`, `ip_vs_add_dest`, ...):
/// - EEXIST for a service or destination that exists; ESRCH for a missing service (any
///   command but NEW_SERVICE, and `GET_SERVICE`); ENOENT for a missing destination (SET/DEL)
///   or an unknown scheduler or persistence engine (checked against ``schedulers`` and
///   ``persistenceEngines``, which should match the kernel being imitated);
/// - ERANGE for a negative weight or a lower threshold above the upper;
/// - EINVAL for names over 15 characters, an IPv6 persistence prefix outside 1-128, a
///   destination of the other family without tunnel forwarding, GUE without a port, a
///   non-unicast destination address, timeouts above `INT_MAX / HZ`;
/// - reads: `HASHED` never shows, a destination dump of a missing service is empty, timeouts
///   set to 0 stay unchanged, service timeouts round-trip through the kernel's `× HZ`.
public final class FakeIPVS: IPVS {
    /// Every scheduler in mainline Linux.
    public static let mainlineSchedulers: Set<String> = [
        "rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos",
    ]

    private struct Entry {
        var service: IPVSService
        var destinations: [IPVSDestination]
    }

    private struct State {
        var services: [IPVSService.Key: Entry] = [:]
        var order: [IPVSService.Key] = []
        var timeouts = IPVSTimeouts.kernelDefaults
    }

    /// Scheduler names this fake kernel "has modules for".
    public let schedulers: Set<String>
    /// Persistence engine names this fake kernel "has modules for".
    public let persistenceEngines: Set<String>
    /// The kernel's tick rate, which bounds timeouts (`CONFIG_HZ`; Debian uses 250).
    public let hz: UInt32
    private let state = Mutex(State())

    /// - Parameters:
    ///   - schedulers: the scheduler modules available (defaults to every mainline one; pass
    ///     the set of the kernel you imitate, e.g. without `twos` for Linux 6.1).
    ///   - persistenceEngines: the persistence engines available.
    ///   - hz: the tick rate of the imitated kernel.
    public init(schedulers: Set<String> = FakeIPVS.mainlineSchedulers, persistenceEngines: Set<String> = ["sip"], hz: UInt32 = 250) {
        self.schedulers = schedulers
        self.persistenceEngines = persistenceEngines
        self.hz = hz
    }

    public func info() throws(IPVSError) -> IPVSInfo {
        IPVSInfo(versionCode: 0x01_02_01, connectionTableSize: 4096)
    }

    public func services() throws(IPVSError) -> [IPVSService] {
        state.withLock { state in state.order.compactMap { state.services[$0]?.service } }
    }

    public func service(_ key: IPVSService.Key) throws(IPVSError) -> IPVSService {
        let found = state.withLock { $0.services[key]?.service }
        guard let found else {
            throw IPVSError.kernel(errno: ESRCH, operation: "get service " + key.ipvsadmArguments.joined(separator: " "), change: nil)
        }
        return found
    }

    public func destinations(of service: IPVSService.Key) throws(IPVSError) -> [IPVSDestination] {
        // Like the kernel: no error for a missing service, just nothing.
        state.withLock { $0.services[service]?.destinations ?? [] }
    }

    public func timeouts() throws(IPVSError) -> IPVSTimeouts {
        state.withLock { $0.timeouts }
    }

    public func apply(_ changes: [IPVSChange]) throws(IPVSError) -> IPVSBatchResult {
        let errors: [IPVSError?] = state.withLock { state in
            changes.map { change in
                apply(change, to: &state).map { IPVSError.kernel(errno: $0, operation: change.ipvsadmCommand, change: change) }
            }
        }
        return IPVSBatchResult(changes: changes, errors: errors)
    }

    /// Removes everything and restores the default timeouts (a fresh kernel).
    public func reset() {
        state.withLock { $0 = State() }
    }

    // MARK: Test support (not kernel behaviour)

    /// Sets a service's counters and rates as if traffic had passed: the fake forwards no packets,
    /// so tests of code that reports statistics give it some this way. Not part of the ``IPVS``
    /// protocol and never used by the conformance suite (the kernel has no such command).
    ///
    /// - Returns: false when the fake holds no such service.
    @discardableResult
    public func setStats(_ stats: IPVSStats, service key: IPVSService.Key) -> Bool {
        state.withLock { state in
            guard state.services[key] != nil else { return false }
            state.services[key]?.service.stats = stats
            return true
        }
    }

    /// Sets a destination's counters, rates and connection counts, as ``setStats(_:service:)``
    /// does for a service (test support only).
    ///
    /// - Returns: false when the fake holds no such destination.
    @discardableResult
    public func setStats(
        _ stats: IPVSStats,
        activeConnections: UInt32 = 0,
        inactiveConnections: UInt32 = 0,
        destination: IPVSDestination.Key,
        service key: IPVSService.Key
    ) -> Bool {
        state.withLock { state in
            guard let index = state.services[key]?.destinations.firstIndex(where: { $0.key == destination }) else { return false }
            state.services[key]?.destinations[index].stats = stats
            state.services[key]?.destinations[index].activeConnections = activeConnections
            state.services[key]?.destinations[index].inactiveConnections = inactiveConnections
            return true
        }
    }

    // MARK: The kernel's rules

    /// `NLA_NUL_STRING` with `len = 15`: longer names fail attribute validation.
    private static func nameTooLong(_ name: String?) -> Bool { (name?.utf8.count ?? 0) > 15 }

    /// Applies one change; returns the errno the kernel would return, or nil.
    private func apply(_ change: IPVSChange, to state: inout State) -> Int32? {
        switch change {
        case .flush:
            state.services = [:]
            state.order = []
            return nil
        case .setTimeouts(let timeouts):
            let limit = UInt32(Int32.max) / hz
            if timeouts.tcp > limit || timeouts.tcpFin > limit || timeouts.udp > limit { return EINVAL }
            if timeouts.tcp != 0 { state.timeouts.tcp = timeouts.tcp }
            if timeouts.tcpFin != 0 { state.timeouts.tcpFin = timeouts.tcpFin }
            if timeouts.udp != 0 { state.timeouts.udp = timeouts.udp }
            return nil
        case .zero(nil):
            for key in state.order { zeroStats(of: key, in: &state) }
            return nil
        case .zero(let key?):
            guard state.services[key] != nil else { return ESRCH }
            zeroStats(of: key, in: &state)
            return nil
        case .addService(let service):
            if Self.nameTooLong(service.scheduler) || Self.nameTooLong(service.persistenceEngine) { return EINVAL }
            if state.services[service.key] != nil { return EEXIST }
            if let error = checkSettings(service) { return error }
            state.services[service.key] = Entry(service: stored(service), destinations: [])
            state.order.append(service.key)
            return nil
        case .updateService(let service):
            if Self.nameTooLong(service.scheduler) || Self.nameTooLong(service.persistenceEngine) { return EINVAL }
            guard var entry = state.services[service.key] else { return ESRCH }
            if let error = checkSettings(service) { return error }
            let stats = entry.service.stats
            entry.service = stored(service)
            entry.service.stats = stats
            state.services[service.key] = entry
            return nil
        case .removeService(let key):
            guard state.services.removeValue(forKey: key) != nil else { return ESRCH }
            state.order.removeAll { $0 == key }
            return nil
        case .addDestination(let destination, let key):
            guard var entry = state.services[key] else { return ESRCH }
            if let error = checkDestination(destination, service: key) { return error }
            if entry.destinations.contains(where: { $0.key == destination.key }) { return EEXIST }
            if !destination.address.isUnicastForIPVS { return EINVAL }
            entry.destinations.insert(destination, at: 0)  // the kernel adds at the head: dumps list newest first
            state.services[key] = entry
            return nil
        case .updateDestination(let destination, let key):
            guard var entry = state.services[key] else { return ESRCH }
            if let error = checkDestination(destination, service: key) { return error }
            guard let index = entry.destinations.firstIndex(where: { $0.key == destination.key }) else { return ENOENT }
            var updated = destination
            updated.activeConnections = entry.destinations[index].activeConnections
            updated.inactiveConnections = entry.destinations[index].inactiveConnections
            updated.persistentConnections = entry.destinations[index].persistentConnections
            updated.stats = entry.destinations[index].stats
            entry.destinations[index] = updated
            state.services[key] = entry
            return nil
        case .removeDestination(let destination, let key):
            guard var entry = state.services[key] else { return ESRCH }
            guard let index = entry.destinations.firstIndex(where: { $0.key == destination }) else { return ENOENT }
            entry.destinations.remove(at: index)
            state.services[key] = entry
            return nil
        }
    }

    /// `ip_vs_add_service` / `ip_vs_edit_service` checks, in the kernel's order.
    private func checkSettings(_ service: IPVSService) -> Int32? {
        if service.scheduler != "none" && !schedulers.contains(service.scheduler) { return ENOENT }
        if let engine = service.persistenceEngine, !engine.isEmpty, !persistenceEngines.contains(engine) { return ENOENT }
        if service.key.family == .ipv6 && !(1...128).contains(service.persistencePrefixLength) { return EINVAL }
        return nil
    }

    /// What the kernel keeps of a service: no HASHED flag, the netmask as the wire carries it,
    /// and the timeout after its round trip through jiffies (`× HZ` in 32 bits, then `/ HZ`).
    private func stored(_ service: IPVSService) -> IPVSService {
        var copy = service
        copy.flags.remove(.hashed)
        if service.key.family == .ipv4 { copy.persistencePrefixLength = min(service.persistencePrefixLength, 32) }
        copy.timeout = UInt32(truncatingIfNeeded: UInt64(service.timeout) * UInt64(hz)) / hz
        if copy.persistenceEngine?.isEmpty == true { copy.persistenceEngine = nil }
        copy.stats = .zero
        return copy
    }

    /// `ip_vs_genl_set_cmd` family check, then `ip_vs_add_dest` / `ip_vs_edit_dest` checks.
    private func checkDestination(_ destination: IPVSDestination, service: IPVSService.Key) -> Int32? {
        if destination.address.family != service.family && destination.forwarding != .tunnel { return EINVAL }
        if destination.weight < 0 { return ERANGE }
        if destination.lowerThreshold > destination.upperThreshold { return ERANGE }
        if destination.tunnelType == .gue && destination.tunnelPort == 0 { return EINVAL }
        return nil
    }

    private func zeroStats(of key: IPVSService.Key, in state: inout State) {
        guard var entry = state.services[key] else { return }
        entry.service.stats = .zero
        for index in entry.destinations.indices { entry.destinations[index].stats = .zero }
        state.services[key] = entry
    }
}
