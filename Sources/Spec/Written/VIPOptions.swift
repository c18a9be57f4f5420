public import YAMLBridge

/// `settings.vips:`, where the daemon keeps each service's VIP as an address (issue 13).
public struct VIPOptions: Sendable, Hashable, Encodable, NodeReadable {
    /// The interface the VIPs are added to (`lo` or a dummy interface).
    public var interface: String?
    public var source = SourceMarks()

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case interface
    }
    static let fieldNames = FieldNames(CodingKeys.self)

    public init(interface: String? = nil) {
        self.interface = interface
    }

    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        var reader = try FieldReader<CodingKeys>(node, fields: Self.fieldNames, in: &context)
        interface = reader.read(.interface, in: &context)
        source = reader.source
    }
}
