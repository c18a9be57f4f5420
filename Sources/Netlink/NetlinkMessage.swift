internal import CNetlink

/// One netlink message received from the kernel: its header and its payload (the bytes after
/// the header, without padding). The payload shares storage with the datagram it came from.
public struct NetlinkMessage: Sendable, Hashable {
    public var header: NetlinkMessageHeader
    public var payload: ArraySlice<UInt8>

    public init(header: NetlinkMessageHeader, payload: ArraySlice<UInt8>) {
        self.header = header
        self.payload = payload
    }

    /// Splits a datagram into its messages. The kernel packs several messages into one
    /// datagram during dumps; each starts on a 4-byte boundary.
    ///
    /// - Throws: ``NetlinkDecodingError`` if a header is cut short, a length is smaller than
    ///   the header or runs past the datagram, or bytes that cannot be a message are left over.
    public static func split(datagram: ArraySlice<UInt8>) throws(NetlinkDecodingError) -> [NetlinkMessage] {
        var messages: [NetlinkMessage] = []
        var offset = 0
        let total = datagram.count
        while offset < total {
            let remaining = total - offset
            guard remaining >= NetlinkMessageHeader.size else {
                throw NetlinkDecodingError("\(remaining) trailing bytes are too short for a netlink header", at: offset)
            }
            let header = NetlinkMessageHeader(unchecked: datagram, at: offset)
            let length = Int(header.length)
            guard length >= NetlinkMessageHeader.size else {
                throw NetlinkDecodingError("message length \(length) is smaller than its header", at: offset)
            }
            guard length <= remaining else {
                throw NetlinkDecodingError("message length \(length) runs past the datagram (\(remaining) bytes left)", at: offset)
            }
            let base = datagram.startIndex + offset
            messages.append(NetlinkMessage(header: header, payload: datagram[(base + NetlinkMessageHeader.size)..<(base + length)]))
            offset += min(Int(CNetlink_NLMSG_ALIGN(UInt32(length))), remaining)
        }
        return messages
    }

    /// The error code of an `NLMSG_ERROR` message (0 for an acknowledgement, otherwise a
    /// positive errno), the header of the request it answers, and the kernel's extended-ACK
    /// text if present.
    public func errorPayload() throws(NetlinkDecodingError) -> (errno: Int32, request: NetlinkMessageHeader, message: String?) {
        // struct nlmsgerr { int error; struct nlmsghdr msg; } then, if NLM_F_ACK_TLVS, attributes.
        guard payload.count >= 4 + NetlinkMessageHeader.size else {
            throw NetlinkDecodingError("NLMSG_ERROR payload of \(payload.count) bytes is shorter than struct nlmsgerr", at: 0)
        }
        let code = payload.loadNative(at: 0, as: Int32.self)
        let request = NetlinkMessageHeader(unchecked: payload, at: 4)
        var message: String?
        if header.flags.contains(.acknowledgementTLVs) {
            // Without NLM_F_CAPPED the kernel echoes the whole failed request before the TLVs.
            var tlvStart = 4 + NetlinkMessageHeader.size
            if !header.flags.contains(.capped) && code != 0 {
                tlvStart = 4 + Int(CNetlink_NLMSG_ALIGN(UInt32(min(Int(request.length), payload.count))))
            }
            if tlvStart < payload.count {
                let attributes = try NetlinkAttributes(payload[(payload.startIndex + tlvStart)...])
                if let text = attributes[UInt16(NLMSGERR_ATTR_MSG.rawValue)] {
                    message = try text.string()
                }
            }
        }
        if code > 0 {
            throw NetlinkDecodingError("NLMSG_ERROR carries a positive error code \(code)", at: 0)
        }
        return (code == Int32.min ? Int32.max : -code, request, message)
    }
}
