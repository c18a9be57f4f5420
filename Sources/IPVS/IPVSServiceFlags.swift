/// Service flags (`IP_VS_SVC_F_*`).
///
/// ``hashed`` is kernel bookkeeping: the kernel sets it on every service it has in its table.
/// Reads strip it and writes ignore it, so a service read back equals the one written.
public struct IPVSServiceFlags: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Persistent service: a client sticks to one destination for the service timeout.
    public static let persistent = IPVSServiceFlags(rawValue: 0x1)
    /// Kernel-internal "in the hash table" marker; never part of a configuration.
    public static let hashed = IPVSServiceFlags(rawValue: 0x2)
    /// One-packet scheduling (each UDP datagram scheduled on its own).
    public static let onePacket = IPVSServiceFlags(rawValue: 0x4)
    /// Scheduler flag 1: `sh-fallback` for `sh`, `mh-fallback` for `mh`.
    public static let scheduler1 = IPVSServiceFlags(rawValue: 0x8)
    /// Scheduler flag 2: `sh-port` for `sh`, `mh-port` for `mh`.
    public static let scheduler2 = IPVSServiceFlags(rawValue: 0x10)
    /// Scheduler flag 3 (unused by mainline schedulers).
    public static let scheduler3 = IPVSServiceFlags(rawValue: 0x20)

    /// Every flag a configuration can carry (all but ``hashed``).
    public static let configurable: IPVSServiceFlags = [.persistent, .onePacket, .scheduler1, .scheduler2, .scheduler3]

    public var description: String {
        var names: [String] = []
        if contains(.persistent) { names.append("persistent") }
        if contains(.hashed) { names.append("hashed") }
        if contains(.onePacket) { names.append("one-packet") }
        if contains(.scheduler1) { names.append("sched1") }
        if contains(.scheduler2) { names.append("sched2") }
        if contains(.scheduler3) { names.append("sched3") }
        let unknown = rawValue & ~0x3F
        if unknown != 0 { names.append("0x" + String(unknown, radix: 16)) }
        return "[" + names.joined(separator: ", ") + "]"
    }
}
