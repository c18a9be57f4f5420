package import Netlink

/// Builders for kernel-style replies in tests.
package enum Reply {
    /// An `NLMSG_ERROR` (errno 0 = ACK) answering `request`, capped (no echoed payload).
    package static func ack(_ request: NetlinkMessage, errno: Int32 = 0) -> [UInt8] {
        var writer = NetlinkMessageWriter()
        writer.beginMessage(type: NetlinkMessageType.error, flags: .capped, sequence: request.header.sequence, portID: request.header.portID)
        writer.appendRaw(withUnsafeBytes(of: -errno) { Array($0) })
        var header = [UInt8]()
        request.header.append(to: &header)
        writer.appendRaw(header)
        writer.endMessage()
        return writer.bytes
    }

    /// `NLMSG_DONE` with a zero status.
    package static func done(_ request: NetlinkMessage) -> [UInt8] {
        var writer = NetlinkMessageWriter()
        writer.beginMessage(type: NetlinkMessageType.done, flags: .multi, sequence: request.header.sequence, portID: request.header.portID)
        writer.appendRaw([0, 0, 0, 0])
        writer.endMessage()
        return writer.bytes
    }

    /// A generic netlink message of `family` with `command`, attributes written by `body`.
    package static func generic(
        family: UInt16,
        command: UInt8,
        flags: NetlinkMessageFlags = [],
        _ body: (inout NetlinkMessageWriter) -> Void
    ) -> [UInt8] {
        var writer = NetlinkMessageWriter()
        writer.beginMessage(type: family, flags: flags, sequence: 0, portID: 0)
        writer.appendGenericHeader(command: command, version: 1)
        body(&writer)
        writer.endMessage()
        return writer.bytes
    }
}
