public import YAMLBridge

/// Reads the fields of one mapping leniently: a field that fails to decode is reported (with its
/// position) and read as absent, so decoding goes on and every error in a file is found in one
/// pass. It also remembers where each field was, for the checks that come after decoding.
struct FieldReader<Key: CodingKey> {
    let decoder: any Decoder
    let container: KeyedDecodingContainer<Key>
    private(set) var marks: [String: Mark] = [:]
    private(set) var invalid: Set<String> = []

    init(_ decoder: any Decoder, keyedBy: Key.Type) throws {
        self.decoder = decoder
        self.container = try decoder.container(keyedBy: Key.self)
        if let mark = decoder.sourceMark { marks[""] = mark }
    }

    /// The value at `key`; `nil` when absent, `null`, or invalid (then already reported).
    mutating func read<T: Decodable>(_ key: Key, as type: T.Type = T.self) throws -> T? {
        guard container.contains(key) else { return nil }
        if let mark = try? container.superDecoder(forKey: key).sourceMark { marks[key.stringValue] = mark }
        let outcome = try decoder.collectingErrors { try container.decodeIfPresent(T.self, forKey: key) }
        guard let decoded = outcome else {
            invalid.insert(key.stringValue)
            return nil
        }
        return decoded
    }

    var source: SourceMarks { SourceMarks(object: marks[""], fields: marks, invalid: invalid) }
}

/// Where an object and its fields were written, and which fields failed to decode (so later checks
/// do not report them a second time as "missing").
///
/// Positions are metadata, not meaning: all `SourceMarks` compare equal and hash alike, so two
/// options written on different lines (or in YAML and in JSON) are equal when their values are.
public struct SourceMarks: Sendable, Hashable {
    public static func == (lhs: SourceMarks, rhs: SourceMarks) -> Bool { true }
    public func hash(into hasher: inout Hasher) {}

    public var object: Mark?
    public var fields: [String: Mark]
    public var invalid: Set<String>

    public init(object: Mark? = nil, fields: [String: Mark] = [:], invalid: Set<String> = []) {
        self.object = object
        self.fields = fields
        self.invalid = invalid
    }

    /// The mark of `field`, falling back to the object's.
    public subscript(field: String) -> Mark? { fields[field] ?? object }
}
