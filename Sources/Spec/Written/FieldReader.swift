public import YAMLBridge

/// Reads the fields of one mapping leniently: a field that fails to read is reported (with its
/// position and key path) and read as absent, so reading goes on and every error in a file is
/// found in one pass. It keeps the mapping's node so the checks that come after reading can find
/// positions.
struct FieldReader<Key: CodingKey> {
    private var mapping: MappingReader
    private(set) var invalid: Set<String> = []

    /// Checks the keys of `node` against `fields`; throws when `node` is not a mapping.
    init(_ node: Node, fields: FieldNames, in context: inout ReadContext) throws(ReadFailure) {
        mapping = try MappingReader(node, fields: fields, in: &context)
    }

    /// The value at `key`; `nil` when absent, `null`, or invalid (then already reported).
    mutating func read<T: NodeReadable>(_ key: Key, in context: inout ReadContext) -> T? {
        let name = key.stringValue
        guard let node = mapping.value(of: name), !node.isNull else { return nil }
        context.enter(name)
        defer { context.leave() }
        do {
            return try T(reading: node, in: &context)
        } catch {
            context.record(error)
            invalid.insert(name)
            return nil
        }
    }

    var source: SourceMarks { SourceMarks(node: mapping.node, invalid: invalid) }
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
