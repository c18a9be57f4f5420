/// The fixed words of the file format. Each enum's raw values are exactly what the file accepts
/// (case-insensitively, as GORB did for protocol and forwarding method).

/// An IPVS scheduler, named as the kernel module suffix (`ip_vs_wrr` → `wrr`).
public enum Scheduler: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos
    public var description: String { rawValue }

    /// The flags this scheduler gives a meaning to, beside the generic `flag-1..3`.
    public var specificFlags: Set<ServiceFlag> {
        switch self {
        case .sh: [.shFallback, .shPort]
        case .mh: [.mhFallback, .mhPort]
        default: []
        }
    }
}

/// A service scheduler flag. `sh-*` and `mh-*` are the scheduler-specific names of the kernel's
/// generic SCHED1/SCHED2 bits, which `flag-1..3` set directly (GORB's names).
public enum ServiceFlag: String, Sendable, Hashable, CaseIterable, CustomStringConvertible, Comparable {
    case shFallback = "sh-fallback"
    case shPort = "sh-port"
    case mhFallback = "mh-fallback"
    case mhPort = "mh-port"
    case flag1 = "flag-1"
    case flag2 = "flag-2"
    case flag3 = "flag-3"

    public var description: String { rawValue }

    /// The kernel bit (IP_VS_SVC_F_SCHED1/2/3).
    public var bit: UInt32 {
        switch self {
        case .shFallback, .mhFallback, .flag1: 0x08
        case .shPort, .mhPort, .flag2: 0x10
        case .flag3: 0x20
        }
    }

    public static func < (lhs: ServiceFlag, rhs: ServiceFlag) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// How IPVS forwards packets to a backend.
public enum ForwardingMethod: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Masquerading (NAT): replies must return through the director.
    case nat
    /// IP-in-IP (or GUE/GRE) tunnelling; the only method that allows a backend of another family.
    case tunnel
    /// Direct routing ("gatewaying"): the backend answers the client directly.
    case dr

    public var description: String { rawValue }

    /// The spellings accepted in a file: GORB's (`nat`, `tunnel`, `ipip`, `dr`) and ipvsadm's
    /// (`masq`, `gate`, `route`).
    public static func parse(_ text: String) -> ForwardingMethod? {
        switch text.lowercased() {
        case "nat", "masq", "masquerade": .nat
        case "tunnel", "ipip", "tun": .tunnel
        case "dr", "gate", "route", "direct": .dr
        default: nil
        }
    }

    static let spellings = ["nat", "masq", "tunnel", "ipip", "dr", "gate", "route"]
}

/// The encapsulation of a tunnelled backend.
public enum TunnelType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case ipip, gue, gre
    public var description: String { rawValue }
}

/// Checksum handling for GUE/GRE tunnels.
public enum TunnelChecksum: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case none = "nocsum"
    case checksum = "csum"
    case remote = "remcsum"
    public var description: String { rawValue }
}

/// Which IPVS services the file owns (and so may delete).
public enum PruneMode: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Only services the file or the API created; anything made by hand is left alone.
    case owned
    /// The whole table: anything not in the file is removed.
    case all
    public var description: String { rawValue }
}

/// The kind of health probe.
/// How a backend that the kernel does not hold yet starts (`pulse.initial`): `up` at its full
/// weight until a check says otherwise (GORB's behaviour), or `down` at weight 0 until `rise`
/// checks pass (keepalived's long-asked-for choice): no traffic before the first proof of life.
public enum InitialHealth: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case up, down
    public var description: String { rawValue }
}

public enum PulseType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case tcp, http, https, udp, dns, exec, none
    public var description: String { rawValue }
}
