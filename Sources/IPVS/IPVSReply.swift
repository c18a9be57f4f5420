internal import CNetlink
public import Netlink
public import Addresses

/// One decoded message of a kernel reply to an IPVS request.
///
/// ``decode(datagram:familyID:serviceFamily:)`` is the complete reply decoder (netlink framing,
/// generic header, attributes, IPVS values) in one pure function: the client uses the same
/// pieces, and the fuzz tests and captured-fixture tests drive it directly.
public enum IPVSReply: Sendable, Hashable {
    /// A service (`NEW_SERVICE`, from a dump or `GET_SERVICE`).
    case service(IPVSService)
    /// A destination (`NEW_DEST`, from a destination dump).
    case destination(IPVSDestination)
    /// The answer to `GET_INFO` (`SET_INFO`).
    case info(IPVSInfo)
    /// The answer to `GET_CONFIG` (`SET_CONFIG`).
    case timeouts(IPVSTimeouts)
    /// An acknowledgement (errno 0) or an error for the request with this sequence number.
    case acknowledgement(sequence: UInt32, errno: Int32)
    /// The end of a dump.
    case done(sequence: UInt32)
    /// A message of the IPVS family with another command (kept so nothing is silently lost).
    case other(command: UInt8)

    /// Decodes every message of a datagram.
    ///
    /// - Parameters:
    ///   - familyID: the IPVS generic netlink family id (message type of IPVS messages).
    ///   - serviceFamily: the family to assume for destinations without `ADDR_FAMILY`.
    /// - Throws: ``NetlinkDecodingError`` for anything that is not a well-formed reply;
    ///   never traps, whatever the bytes.
    public static func decode(
        datagram: [UInt8],
        familyID: UInt16,
        serviceFamily: AddressFamily = .ipv4
    ) throws(NetlinkDecodingError) -> [IPVSReply] {
        var replies: [IPVSReply] = []
        for message in try NetlinkMessage.split(datagram: datagram[...]) {
            switch message.header.type {
            case NetlinkMessageType.error:
                let payload = try message.errorPayload()
                replies.append(.acknowledgement(sequence: message.header.sequence, errno: payload.errno))
            case NetlinkMessageType.done:
                replies.append(.done(sequence: message.header.sequence))
            case NetlinkMessageType.noop:
                continue
            case familyID:
                replies.append(try decode(message, serviceFamily: serviceFamily))
            default:
                throw NetlinkDecodingError("message type \(message.header.type) is neither control nor IPVS", at: 0)
            }
        }
        return replies
    }

    /// Decodes one IPVS family message.
    static func decode(_ message: NetlinkMessage, serviceFamily: AddressFamily) throws(NetlinkDecodingError) -> IPVSReply {
        let (command, attributes) = try IPVSCodec.split(message)
        switch Int(command) {
        case IPVS_CMD_NEW_SERVICE:
            guard let nest = attributes[UInt16(IPVS_CMD_ATTR_SERVICE)] else {
                throw NetlinkDecodingError("NEW_SERVICE without a service attribute", at: 4)
            }
            return .service(try IPVSCodec.service(nest.nested()))
        case IPVS_CMD_NEW_DEST:
            guard let nest = attributes[UInt16(IPVS_CMD_ATTR_DEST)] else {
                throw NetlinkDecodingError("NEW_DEST without a destination attribute", at: 4)
            }
            return .destination(try IPVSCodec.destination(nest.nested(), serviceFamily: serviceFamily))
        case IPVS_CMD_SET_INFO:
            return .info(try IPVSCodec.info(attributes))
        case IPVS_CMD_SET_CONFIG:
            return .timeouts(try IPVSCodec.timeouts(attributes))
        default:
            return .other(command: command)
        }
    }
}
