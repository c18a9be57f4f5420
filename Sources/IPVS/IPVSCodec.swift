internal import CNetlink
import Netlink
import Addresses

/// The IPVS generic netlink wire format: request bodies out, model values in.
///
/// Byte-order rules (the traps of this family): ports and the IPv4 persistence netmask are
/// big-endian; the IPv6 "netmask" is a host-order prefix length; everything else is host
/// order. Addresses go out as 4 or 16 bytes and come back as 16 (`union nf_inet_addr`).
/// Nests carry no `NLA_F_NESTED` in either direction.
enum IPVSCodec {
    /// `IPVS_GENL_VERSION`.
    static let version = UInt8(IPVS_GENL_VERSION)

    static func command(_ command: Int) -> UInt8 { UInt8(command) }
    static func attribute(_ value: Int) -> UInt16 { UInt16(value) }

    // MARK: Netmask

    /// The IPv4 mask (host-order value, `0xFFFFFF00` for /24) of a prefix length.
    static func ipv4Mask(prefixLength: UInt8) -> UInt32 {
        let length = min(Int(prefixLength), 32)
        return length == 0 ? 0 : UInt32.max << UInt32(32 - length)
    }

    /// The prefix length of an IPv4 mask: the count of leading one bits (a non-contiguous
    /// mask, which no tool writes, reads as its leading run).
    static func prefixLength(ipv4Mask mask: UInt32) -> UInt8 {
        UInt8((~mask).leadingZeroBitCount)
    }

    // MARK: Encoding

    /// A request body: the generic header, then attributes written by `body`.
    static func request(_ command: Int, _ body: (inout NetlinkMessageWriter) -> Void = { _ in }) -> [UInt8] {
        var writer = NetlinkMessageWriter(reservingCapacity: 128)
        writer.appendGenericHeader(command: UInt8(command), version: version)
        body(&writer)
        return writer.bytes
    }

    /// `IPVS_CMD_ATTR_SERVICE` with the identifying fields only (for DEL, GET, dest commands).
    static func putServiceKey(_ key: IPVSService.Key, into writer: inout NetlinkMessageWriter) {
        let nest = writer.beginNest(attribute(IPVS_CMD_ATTR_SERVICE))
        putKeyFields(key, into: &writer)
        writer.endNest(nest)
    }

    private static func putKeyFields(_ key: IPVSService.Key, into writer: inout NetlinkMessageWriter) {
        writer.put(attribute(IPVS_SVC_ATTR_AF), u16: key.family.rawValue)
        switch key {
        case .socket(let proto, let address, let port):
            writer.put(attribute(IPVS_SVC_ATTR_PROTOCOL), u16: proto.rawValue)
            writer.put(attribute(IPVS_SVC_ATTR_ADDR), bytes: address.bytes)
            writer.put(attribute(IPVS_SVC_ATTR_PORT), be16: port)
        case .firewallMark(let mark, _):
            writer.put(attribute(IPVS_SVC_ATTR_FWMARK), u32: mark)
        }
    }

    /// `IPVS_CMD_ATTR_SERVICE` with the full specification NEW and SET require: scheduler,
    /// flags with an all-ones mask (the kernel keeps `HASHED` itself), timeout, netmask and
    /// the optional persistence engine.
    static func putService(_ service: IPVSService, into writer: inout NetlinkMessageWriter) {
        let nest = writer.beginNest(attribute(IPVS_CMD_ATTR_SERVICE))
        putKeyFields(service.key, into: &writer)
        writer.put(attribute(IPVS_SVC_ATTR_SCHED_NAME), string: service.scheduler)
        if let engine = service.persistenceEngine, !engine.isEmpty {
            writer.put(attribute(IPVS_SVC_ATTR_PE_NAME), string: engine)
        }
        var flags = [UInt8]()
        flags.appendNative(service.flags.subtracting(.hashed).rawValue)
        flags.appendNative(UInt32.max)
        writer.put(attribute(IPVS_SVC_ATTR_FLAGS), bytes: flags)
        writer.put(attribute(IPVS_SVC_ATTR_TIMEOUT), u32: service.timeout)
        switch service.key.family {
        case .ipv4:
            writer.put(attribute(IPVS_SVC_ATTR_NETMASK), be32: ipv4Mask(prefixLength: service.persistencePrefixLength))
        case .ipv6:
            writer.put(attribute(IPVS_SVC_ATTR_NETMASK), u32: UInt32(service.persistencePrefixLength))
        }
        writer.endNest(nest)
    }

    /// `IPVS_CMD_ATTR_DEST`: address, port and family; with `full`, everything NEW and SET
    /// require (forwarding, weight, thresholds) plus the tunnel settings.
    static func putDestination(_ destination: IPVSDestination, full: Bool, into writer: inout NetlinkMessageWriter) {
        let nest = writer.beginNest(attribute(IPVS_CMD_ATTR_DEST))
        writer.put(attribute(IPVS_DEST_ATTR_ADDR), bytes: destination.address.bytes)
        writer.put(attribute(IPVS_DEST_ATTR_PORT), be16: destination.port)
        writer.put(attribute(IPVS_DEST_ATTR_ADDR_FAMILY), u16: destination.address.family.rawValue)
        if full {
            writer.put(attribute(IPVS_DEST_ATTR_FWD_METHOD), u32: destination.forwarding.rawValue)
            writer.put(attribute(IPVS_DEST_ATTR_WEIGHT), u32: UInt32(bitPattern: destination.weight))
            writer.put(attribute(IPVS_DEST_ATTR_U_THRESH), u32: destination.upperThreshold)
            writer.put(attribute(IPVS_DEST_ATTR_L_THRESH), u32: destination.lowerThreshold)
            writer.put(attribute(IPVS_DEST_ATTR_TUN_TYPE), u8: destination.tunnelType.rawValue)
            writer.put(attribute(IPVS_DEST_ATTR_TUN_PORT), be16: destination.tunnelPort)
            writer.put(attribute(IPVS_DEST_ATTR_TUN_FLAGS), u16: destination.tunnelFlags.rawValue)
        }
        writer.endNest(nest)
    }

    /// The request body of a change.
    static func body(of change: IPVSChange) -> [UInt8] {
        switch change {
        case .addService(let service):
            return request(IPVS_CMD_NEW_SERVICE) { putService(service, into: &$0) }
        case .updateService(let service):
            return request(IPVS_CMD_SET_SERVICE) { putService(service, into: &$0) }
        case .removeService(let key):
            return request(IPVS_CMD_DEL_SERVICE) { putServiceKey(key, into: &$0) }
        case .addDestination(let destination, let service):
            return request(IPVS_CMD_NEW_DEST) {
                putServiceKey(service, into: &$0)
                putDestination(destination, full: true, into: &$0)
            }
        case .updateDestination(let destination, let service):
            return request(IPVS_CMD_SET_DEST) {
                putServiceKey(service, into: &$0)
                putDestination(destination, full: true, into: &$0)
            }
        case .removeDestination(let key, let service):
            return request(IPVS_CMD_DEL_DEST) {
                putServiceKey(service, into: &$0)
                putDestination(IPVSDestination(address: key.address, port: key.port), full: false, into: &$0)
            }
        case .flush:
            return request(IPVS_CMD_FLUSH)
        case .zero(let key):
            return request(IPVS_CMD_ZERO) { writer in
                if let key { putServiceKey(key, into: &writer) }
            }
        case .setTimeouts(let timeouts):
            return request(IPVS_CMD_SET_CONFIG) {
                $0.put(attribute(IPVS_CMD_ATTR_TIMEOUT_TCP), u32: timeouts.tcp)
                $0.put(attribute(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN), u32: timeouts.tcpFin)
                $0.put(attribute(IPVS_CMD_ATTR_TIMEOUT_UDP), u32: timeouts.udp)
            }
        }
    }

    // MARK: Decoding

    /// The generic header's command and the top-level attributes of an IPVS message.
    static func split(_ message: NetlinkMessage) throws(NetlinkDecodingError) -> (command: UInt8, attributes: NetlinkAttributes) {
        guard message.payload.count >= 4 else {
            throw NetlinkDecodingError("IPVS message of \(message.payload.count) bytes is shorter than its generic header", at: 0)
        }
        let command = message.payload[message.payload.startIndex]
        return (command, try NetlinkAttributes(message.payload.dropFirst(4)))
    }

    private static func family(_ payload: NetlinkAttributePayload?) throws(NetlinkDecodingError) -> AddressFamily {
        guard let payload else { throw NetlinkDecodingError("missing address family", at: 0) }
        let raw = try payload.u16()
        guard let family = AddressFamily(rawValue: raw) else {
            throw NetlinkDecodingError("unknown address family \(raw)", at: 0)
        }
        return family
    }

    private static func address(_ payload: NetlinkAttributePayload?, family: AddressFamily) throws(NetlinkDecodingError) -> IPAddress {
        guard let bytes = payload?.bytes else { throw NetlinkDecodingError("missing address", at: 0) }
        let width = family == .ipv4 ? 4 : 16
        guard bytes.count == width || bytes.count == 16 else {
            throw NetlinkDecodingError("\(family == .ipv4 ? "IPv4" : "IPv6") address of \(bytes.count) bytes", at: 0)
        }
        guard let address = IPAddress(bytes: bytes.prefix(width)) else {
            throw NetlinkDecodingError("unreadable address", at: 0)
        }
        return address
    }

    /// An unsigned counter written as u32 (`STATS`) or u64 (`STATS64`).
    private static func counter(_ payload: NetlinkAttributePayload?) throws(NetlinkDecodingError) -> UInt64 {
        guard let payload else { return 0 }
        switch payload.bytes.count {
        case 4: return UInt64(try payload.u32())
        default: return try payload.u64()
        }
    }

    static func stats(_ attributes: NetlinkAttributes) throws(NetlinkDecodingError) -> IPVSStats {
        var stats = IPVSStats()
        stats.connections = try counter(attributes[attribute(IPVS_STATS_ATTR_CONNS)])
        stats.inPackets = try counter(attributes[attribute(IPVS_STATS_ATTR_INPKTS)])
        stats.outPackets = try counter(attributes[attribute(IPVS_STATS_ATTR_OUTPKTS)])
        stats.inBytes = try counter(attributes[attribute(IPVS_STATS_ATTR_INBYTES)])
        stats.outBytes = try counter(attributes[attribute(IPVS_STATS_ATTR_OUTBYTES)])
        stats.connectionsPerSecond = try counter(attributes[attribute(IPVS_STATS_ATTR_CPS)])
        stats.inPacketsPerSecond = try counter(attributes[attribute(IPVS_STATS_ATTR_INPPS)])
        stats.outPacketsPerSecond = try counter(attributes[attribute(IPVS_STATS_ATTR_OUTPPS)])
        stats.inBytesPerSecond = try counter(attributes[attribute(IPVS_STATS_ATTR_INBPS)])
        stats.outBytesPerSecond = try counter(attributes[attribute(IPVS_STATS_ATTR_OUTBPS)])
        return stats
    }

    /// The stats of a service or destination: `STATS64` when present (kernel ≥ 4.1), else the
    /// 32-bit `STATS`.
    private static func stats(_ attributes: NetlinkAttributes, stats64: Int, stats32: Int) throws(NetlinkDecodingError) -> IPVSStats {
        if let nest = attributes[attribute(stats64)] { return try stats(nest.nested()) }
        if let nest = attributes[attribute(stats32)] { return try stats(nest.nested()) }
        return .zero
    }

    /// A service from the attributes of an `IPVS_CMD_ATTR_SERVICE` nest.
    static func service(_ attributes: NetlinkAttributes) throws(NetlinkDecodingError) -> IPVSService {
        let family = try family(attributes[attribute(IPVS_SVC_ATTR_AF)])
        let key: IPVSService.Key
        if let mark = attributes[attribute(IPVS_SVC_ATTR_FWMARK)], try mark.u32() != 0 {
            key = .firewallMark(try mark.u32(), family: family)
        } else {
            guard let proto = attributes[attribute(IPVS_SVC_ATTR_PROTOCOL)],
                let port = attributes[attribute(IPVS_SVC_ATTR_PORT)]
            else { throw NetlinkDecodingError("service without a firewall mark or protocol and port", at: 0) }
            key = .socket(
                TransportProtocol(rawValue: try proto.u16()),
                try address(attributes[attribute(IPVS_SVC_ATTR_ADDR)], family: family),
                port: try port.be16()
            )
        }
        guard let scheduler = attributes[attribute(IPVS_SVC_ATTR_SCHED_NAME)] else {
            throw NetlinkDecodingError("service without a scheduler name", at: 0)
        }
        var flags: UInt32 = 0
        if let raw = attributes[attribute(IPVS_SVC_ATTR_FLAGS)] {
            guard raw.bytes.count == 8 else {
                throw NetlinkDecodingError("service flags of \(raw.bytes.count) bytes (expected struct ip_vs_flags, 8)", at: 0)
            }
            flags = raw.bytes.loadNative(at: 0, as: UInt32.self)
        }
        var prefix = UInt8(family.bitWidth)
        if let netmask = attributes[attribute(IPVS_SVC_ATTR_NETMASK)] {
            switch family {
            case .ipv4:
                prefix = prefixLength(ipv4Mask: try netmask.be32())
            case .ipv6:
                let length = try netmask.u32()
                guard length <= 128 else { throw NetlinkDecodingError("IPv6 persistence prefix length \(length) exceeds 128", at: 0) }
                prefix = UInt8(length)
            }
        }
        let engine = try attributes[attribute(IPVS_SVC_ATTR_PE_NAME)]?.string()
        var service = IPVSService(
            key: key,
            scheduler: try scheduler.string(),
            flags: IPVSServiceFlags(rawValue: flags),
            timeout: try attributes[attribute(IPVS_SVC_ATTR_TIMEOUT)]?.u32() ?? 0,
            persistencePrefixLength: prefix,
            persistenceEngine: engine?.isEmpty == true ? nil : engine
        )
        service.stats = try stats(attributes, stats64: IPVS_SVC_ATTR_STATS64, stats32: IPVS_SVC_ATTR_STATS)
        return service
    }

    /// A destination from the attributes of an `IPVS_CMD_ATTR_DEST` nest; `serviceFamily` is
    /// the family to assume when the kernel omits `ADDR_FAMILY` (before Linux 3.18).
    static func destination(_ attributes: NetlinkAttributes, serviceFamily: AddressFamily) throws(NetlinkDecodingError) -> IPVSDestination {
        let familyAttribute = attributes[attribute(IPVS_DEST_ATTR_ADDR_FAMILY)]
        let family = familyAttribute == nil ? serviceFamily : try family(familyAttribute)
        guard let port = attributes[attribute(IPVS_DEST_ATTR_PORT)] else {
            throw NetlinkDecodingError("destination without a port", at: 0)
        }
        var destination = IPVSDestination(
            address: try address(attributes[attribute(IPVS_DEST_ATTR_ADDR)], family: family),
            port: try port.be16(),
            forwarding: IPVSForwarding(rawValue: try attributes[attribute(IPVS_DEST_ATTR_FWD_METHOD)]?.u32() ?? 0),
            weight: Int32(bitPattern: try attributes[attribute(IPVS_DEST_ATTR_WEIGHT)]?.u32() ?? 0),
            upperThreshold: try attributes[attribute(IPVS_DEST_ATTR_U_THRESH)]?.u32() ?? 0,
            lowerThreshold: try attributes[attribute(IPVS_DEST_ATTR_L_THRESH)]?.u32() ?? 0,
            tunnelType: IPVSTunnelType(rawValue: try attributes[attribute(IPVS_DEST_ATTR_TUN_TYPE)]?.u8() ?? 0),
            tunnelPort: try attributes[attribute(IPVS_DEST_ATTR_TUN_PORT)]?.be16() ?? 0,
            tunnelFlags: IPVSTunnelFlags(rawValue: try attributes[attribute(IPVS_DEST_ATTR_TUN_FLAGS)]?.u16() ?? 0)
        )
        destination.activeConnections = try attributes[attribute(IPVS_DEST_ATTR_ACTIVE_CONNS)]?.u32() ?? 0
        destination.inactiveConnections = try attributes[attribute(IPVS_DEST_ATTR_INACT_CONNS)]?.u32() ?? 0
        destination.persistentConnections = try attributes[attribute(IPVS_DEST_ATTR_PERSIST_CONNS)]?.u32() ?? 0
        destination.stats = try stats(attributes, stats64: IPVS_DEST_ATTR_STATS64, stats32: IPVS_DEST_ATTR_STATS)
        return destination
    }

    static func info(_ attributes: NetlinkAttributes) throws(NetlinkDecodingError) -> IPVSInfo {
        guard let version = attributes[attribute(IPVS_INFO_ATTR_VERSION)],
            let size = attributes[attribute(IPVS_INFO_ATTR_CONN_TAB_SIZE)]
        else { throw NetlinkDecodingError("GET_INFO reply without version or table size", at: 0) }
        return IPVSInfo(versionCode: try version.u32(), connectionTableSize: try size.u32())
    }

    static func timeouts(_ attributes: NetlinkAttributes) throws(NetlinkDecodingError) -> IPVSTimeouts {
        IPVSTimeouts(
            tcp: try attributes[attribute(IPVS_CMD_ATTR_TIMEOUT_TCP)]?.u32() ?? 0,
            tcpFin: try attributes[attribute(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN)]?.u32() ?? 0,
            udp: try attributes[attribute(IPVS_CMD_ATTR_TIMEOUT_UDP)]?.u32() ?? 0
        )
    }
}
