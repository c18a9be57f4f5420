/// One mapping as a ``NodeReadable`` type reads its fields: every key checked against the type's
/// ``FieldNames`` (a key that is not a plain string, or not a field, is reported, with a "did you
/// mean" hint), and in that same pass each field's pair found, so reading a field is a lookup.
public struct MappingReader {
    /// Types with up to this many fields keep their pairs' positions in ``positions``.
    private static var positionSlots: Int { 16 }

    /// The mapping.
    public let node: Node
    private let pairs: [Pair]
    private let fields: FieldNames
    /// The position of each field's pair, by the field's index in `fields`; -1: absent.
    private var positions = SIMD16<Int32>(repeating: -1)
    /// The field expected next: a type reads its fields in the order it lists them.
    private var next = 0

    /// Checks the keys of `node` against `fields`, recording every bad key in `context`.
    ///
    /// - Throws: when `node` is not a mapping.
    public init(_ node: Node, fields: FieldNames, in context: inout ReadContext) throws(ReadFailure) {
        guard case .mapping(let pairs) = node.kind else { throw ReadFailure(node, expected: "a mapping") }
        self.node = node
        self.pairs = pairs
        self.fields = fields
        // The keys are looked at in place: a copy of each key node would retain its text and tag.
        for position in pairs.indices {
            guard case .scalar(let scalar) = pairs[position].key.kind else {
                context.report(KeyDiagnostics.notAString(pairs[position].key, in: context.path))
                continue
            }
            // A null key is refused, but found by its text all the same.
            let isNull = pairs[position].key.isNull
            if isNull { context.report(KeyDiagnostics.notAString(pairs[position].key, in: context.path)) }
            if let field = fields.index(of: scalar.value) {
                if field < Self.positionSlots, positions[field] < 0 { positions[field] = Int32(truncatingIfNeeded: position) }
            } else if !isNull {
                context.report(KeyDiagnostics.unknown(scalar.value, known: fields.names, at: pairs[position].key.mark, in: context.path))
            }
        }
    }

    /// The value of the field `name`; `nil` when the mapping does not have it.
    public mutating func value(of name: String) -> Node? {
        var field = next
        if field >= fields.names.count || fields.names[field] != name {
            guard let found = fields.index(of: name) else { return search(name) }
            field = found
        }
        next = field + 1
        guard field < Self.positionSlots else { return search(name) }
        let position = positions[field]
        return position < 0 ? nil : pairs[Int(position)].value
    }

    /// The value of the first pair whose key is `name`, for a field past the position slots or
    /// not among `fields`: lengths are compared first, which rejects most keys without comparing
    /// strings.
    private func search(_ name: String) -> Node? {
        let length = name.utf8.count
        for pair in pairs {
            if case .scalar(let scalar) = pair.key.kind, scalar.value.utf8.count == length, scalar.value == name {
                return pair.value
            }
        }
        return nil
    }

    /// The pairs of `node`, a mapping whose keys are ids the user chose (services by name): any
    /// string is a good key, and only keys that are not plain strings are reported.
    ///
    /// - Throws: when `node` is not a mapping.
    public static func entries(of node: Node, in context: inout ReadContext) throws(ReadFailure) -> [Pair] {
        guard case .mapping(let pairs) = node.kind else { throw ReadFailure(node, expected: "a mapping") }
        for pair in pairs where pair.key.scalar == nil || pair.key.isNull {
            context.report(KeyDiagnostics.notAString(pair.key, in: context.path))
        }
        return pairs
    }
}
