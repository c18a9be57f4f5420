/// PATCH semantics for the REST API: a patch carries only the fields the client sent, and each of
/// them replaces the object's field; fields not sent are kept. This is what GORB's PATCH lacked
/// (it read a missing weight as 0 and silently drained the backend). Nested objects (`pulse`,
/// `pulse.args`, `tunnel`, `thresholds`) are patched field by field too, like JSON merge patch
/// (RFC 7386), so `{"pulse": {"interval": "5s"}}` changes the interval and nothing else.
extension ServiceOptions {
    public func patched(by patch: ServiceOptions) -> ServiceOptions {
        var merged = self
        merged.host = patch.host ?? host
        merged.port = patch.port ?? port
        merged.protocol = patch.protocol ?? `protocol`
        merged.fwmark = patch.fwmark ?? fwmark
        merged.family = patch.family ?? family
        merged.method = patch.method ?? method
        merged.persistent = patch.persistent ?? persistent
        merged.netmask = patch.netmask ?? netmask
        merged.persistenceEngine = patch.persistenceEngine ?? persistenceEngine
        merged.onePacket = patch.onePacket ?? onePacket
        merged.flags = patch.flags ?? flags
        merged.pulse = Self.patch(pulse, patch.pulse)
        merged.quorum = patch.quorum ?? quorum
        if let patchBackends = patch.backends {
            // Backends named in the patch are patched (or added); the others are kept.
            var backends = backends ?? OrderedEntries()
            for entry in patchBackends.entries {
                backends[entry.id] = backends[entry.id]?.patched(by: entry.value) ?? entry.value
            }
            merged.backends = backends
        }
        return merged
    }

    static func patch(_ base: PulseOptions?, _ patch: PulseOptions?) -> PulseOptions? {
        guard let patch else { return base }
        return base?.patched(by: patch) ?? patch
    }

    /// The fields a patch sets, for messages and `GET /overrides`.
    public var presentFields: [String] {
        let present: [(CodingKeys, Bool)] = [
            (.host, host != nil), (.port, port != nil), (.protocol, `protocol` != nil), (.fwmark, fwmark != nil),
            (.family, family != nil), (.method, method != nil), (.persistent, persistent != nil),
            (.netmask, netmask != nil), (.persistenceEngine, persistenceEngine != nil), (.onePacket, onePacket != nil),
            (.flags, flags != nil), (.pulse, pulse != nil), (.quorum, quorum != nil), (.backends, backends != nil),
        ]
        return present.filter(\.1).map(\.0.stringValue)
    }
}

extension BackendOptions {
    public func patched(by patch: BackendOptions) -> BackendOptions {
        var merged = self
        merged.host = patch.host ?? host
        merged.port = patch.port ?? port
        merged.weight = patch.weight ?? weight
        merged.method = patch.method ?? method
        merged.tunnel = patch.tunnel.map { tunnel?.patched(by: $0) ?? $0 } ?? tunnel
        merged.thresholds = patch.thresholds.map { thresholds?.patched(by: $0) ?? $0 } ?? thresholds
        merged.drain = patch.drain ?? drain
        merged.pulse = ServiceOptions.patch(pulse, patch.pulse)
        merged.vsid = patch.vsid ?? vsid
        merged.fallback = patch.fallback ?? fallback
        return merged
    }

    /// The fields a patch sets, for messages and `GET /overrides`.
    public var presentFields: [String] {
        let present: [(CodingKeys, Bool)] = [
            (.host, host != nil), (.port, port != nil), (.weight, weight != nil), (.method, method != nil),
            (.tunnel, tunnel != nil), (.thresholds, thresholds != nil), (.drain, drain != nil), (.pulse, pulse != nil),
            (.vsid, vsid != nil), (.fallback, fallback != nil),
        ]
        return present.filter(\.1).map(\.0.stringValue)
    }
}

extension PulseOptions {
    public func patched(by patch: PulseOptions) -> PulseOptions {
        var merged = self
        merged.type = patch.type ?? type
        merged.interval = patch.interval ?? interval
        merged.timeout = patch.timeout ?? timeout
        merged.rise = patch.rise ?? rise
        merged.fall = patch.fall ?? fall
        merged.ramp = patch.ramp ?? ramp
        merged.inhibit = patch.inhibit ?? inhibit
        merged.initial = patch.initial ?? initial
        if let patchArgs = patch.args {
            // A new probe type starts from fresh args: an http `path` means nothing to tcp.
            let typeChanged = patch.type.map { $0.lowercased() != (type ?? Defaults.pulseType.rawValue).lowercased() } ?? false
            merged.args = typeChanged ? patchArgs : patchArgs.inheriting(from: args)
        } else if let patchType = patch.type, patchType.lowercased() != (type ?? Defaults.pulseType.rawValue).lowercased() {
            merged.args = nil
        }
        return merged
    }
}

extension TunnelOptions {
    public func patched(by patch: TunnelOptions) -> TunnelOptions {
        TunnelOptions(type: patch.type ?? type, port: patch.port ?? port, checksum: patch.checksum ?? checksum)
    }
}

extension ThresholdOptions {
    public func patched(by patch: ThresholdOptions) -> ThresholdOptions {
        ThresholdOptions(upper: patch.upper ?? upper, lower: patch.lower ?? lower)
    }
}
