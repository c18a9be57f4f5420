internal import CNetlink

/// A generic netlink family as the controller (`nlctrl`) describes it: the dynamic message
/// type id every request to the family must use, plus its version and attribute range.
public struct GenericNetlinkFamily: Sendable, Hashable {
    /// The message type for this family's requests, assigned by the kernel at registration.
    public var id: UInt16
    /// The family's name (`"IPVS"`).
    public var name: String
    /// The family's interface version.
    public var version: UInt32
    /// The highest top-level attribute the family accepts.
    public var maximumAttribute: UInt32

    public init(id: UInt16, name: String, version: UInt32, maximumAttribute: UInt32) {
        self.id = id
        self.name = name
        self.version = version
        self.maximumAttribute = maximumAttribute
    }

    /// The `CTRL_CMD_GETFAMILY` request for `name`.
    static func lookupRequest(name: String) -> NetlinkConnection.Request {
        var writer = NetlinkMessageWriter()
        writer.appendGenericHeader(command: UInt8(CTRL_CMD_GETFAMILY), version: 1)
        writer.put(UInt16(CTRL_ATTR_FAMILY_NAME), string: name)
        return NetlinkConnection.Request(type: UInt16(GENL_ID_CTRL), flags: [], body: writer.bytes)
    }

    /// Decodes the controller's `CTRL_CMD_NEWFAMILY` answer.
    static func decode(_ message: NetlinkMessage) throws(NetlinkDecodingError) -> GenericNetlinkFamily {
        guard message.payload.count >= 4 else {
            throw NetlinkDecodingError("generic netlink message shorter than its 4-byte header", at: 0)
        }
        let attributes = try NetlinkAttributes(message.payload.dropFirst(4))
        guard let id = attributes[UInt16(CTRL_ATTR_FAMILY_ID)] else {
            throw NetlinkDecodingError("family reply without CTRL_ATTR_FAMILY_ID", at: 4)
        }
        return GenericNetlinkFamily(
            id: try id.u16(),
            name: try attributes[UInt16(CTRL_ATTR_FAMILY_NAME)]?.string() ?? "",
            version: try attributes[UInt16(CTRL_ATTR_VERSION)]?.u32() ?? 0,
            maximumAttribute: try attributes[UInt16(CTRL_ATTR_MAXATTR)]?.u32() ?? 0
        )
    }
}

extension NetlinkConnection {
    /// Resolves a generic netlink family by name (`CTRL_CMD_GETFAMILY`).
    ///
    /// - Throws: ``NetlinkError/familyNotFound(name:)`` when the kernel does not know the
    ///   family (the controller answers `ENOENT`): the feature is not built or not loaded.
    public func resolveFamily(named name: String) throws(NetlinkError) -> GenericNetlinkFamily {
        let replies: [NetlinkMessage]
        do {
            replies = try execute(GenericNetlinkFamily.lookupRequest(name: name))
        } catch {
            if case .kernel(let errno, _, _) = error, errno == 2 /* ENOENT */ {
                throw .familyNotFound(name: name)
            }
            throw error
        }
        guard let reply = replies.first else { throw .familyNotFound(name: name) }
        do {
            return try GenericNetlinkFamily.decode(reply)
        } catch {
            throw .malformed(error)
        }
    }
}
