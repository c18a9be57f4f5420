public import YAMLBridge

/// A mapping of ids to objects that keeps the order the operator wrote them in (a Swift
/// `Dictionary` would not), with the position of each id.
public struct OrderedEntries<Value: Sendable & Hashable>: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var id: String
        public var value: Value
        public var mark: Mark?

        public init(id: String, value: Value, mark: Mark? = nil) {
            self.id = id
            self.value = value
            self.mark = mark
        }
    }

    public var entries: [Entry]

    public init(_ entries: [Entry] = []) {
        self.entries = entries
    }

    public subscript(id: String) -> Value? {
        get { entries.first { $0.id == id }?.value }
        set {
            if let index = entries.firstIndex(where: { $0.id == id }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append(Entry(id: id, value: newValue))
            }
        }
    }

    public var ids: [String] { entries.map(\.id) }
    public var count: Int { entries.count }
}

extension OrderedEntries: NodeReadable where Value: NodeReadable {
    /// Reads every entry of the mapping, in the order written; an entry whose value cannot be read
    /// is reported and left out, and reading goes on with the next.
    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        let pairs = try MappingReader.entries(of: node, in: &context)
        var entries: [Entry] = []
        entries.reserveCapacity(pairs.count)
        for pair in pairs {
            // The parser refuses a repeated key, so each id's pair is the one it names.
            guard case .scalar(let key) = pair.key.kind else { continue }
            context.enter(key.value)
            defer { context.leave() }
            do {
                entries.append(Entry(id: key.value, value: try Value(reading: pair.value, in: &context), mark: pair.key.mark))
            } catch {
                context.record(error)
            }
        }
        self.entries = entries
    }
}

extension OrderedEntries: Encodable where Value: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        for entry in entries {
            try container.encode(entry.value, forKey: AnyCodingKey(entry.id))
        }
    }
}

/// A coding key for ids chosen by the user.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
