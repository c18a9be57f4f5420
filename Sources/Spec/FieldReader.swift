public import YAMLBridge

/// Reads the fields of one mapping leniently: a field that fails to decode is reported (with its
/// position) and read as absent, so decoding goes on and every error in a file is found in one
/// pass. It keeps the mapping's node so the checks that come after decoding can find positions.
struct FieldReader<Key: CodingKey> {
    let decoder: any Decoder
    let container: KeyedDecodingContainer<Key>
    private(set) var invalid: Set<String> = []

    init(_ decoder: any Decoder, keyedBy: Key.Type) throws {
        self.decoder = decoder
        self.container = try decoder.container(keyedBy: Key.self)
    }

    /// The value at `key`; `nil` when absent, `null`, or invalid (then already reported).
    mutating func read<T: Decodable>(_ key: Key, as type: T.Type = T.self) throws -> T? {
        let outcome = try decoder.collectingErrors { try container.decodeIfPresent(T.self, forKey: key) }
        guard let decoded = outcome else {
            invalid.insert(key.stringValue)
            return nil
        }
        return decoded
    }

    var source: SourceMarks { SourceMarks(node: decoder.sourceNode, invalid: invalid) }
}

/// Where an object and its fields were written, and which fields failed to decode (so later checks
/// do not report them a second time as "missing").
///
/// It holds the object's node (a shared value, no copy) and finds a field's position only when a
/// check asks for it, which is only on the error path.
///
/// Positions are metadata, not meaning: all `SourceMarks` compare equal and hash alike, so two
/// options written on different lines (or in YAML and in JSON) are equal when their values are.
public struct SourceMarks: Sendable, Hashable {
    public static func == (lhs: SourceMarks, rhs: SourceMarks) -> Bool { true }
    public func hash(into hasher: inout Hasher) {}

    /// The object's node, when it was decoded from a document.
    public var node: Node?
    public var invalid: Set<String>

    public init(node: Node? = nil, invalid: Set<String> = []) {
        self.node = node
        self.invalid = invalid
    }

    /// The position of the object.
    public var object: Mark? { node?.mark }

    /// The position of `field`'s value, falling back to the object's.
    public subscript(field: String) -> Mark? { node?[field]?.mark ?? node?.mark }
}
