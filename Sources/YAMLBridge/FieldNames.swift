/// The keys a ``NodeReadable`` type reads from a mapping, in the order it reads them; any other
/// key of the mapping is reported as unknown. Made once per type (a `static let`), not per object.
public struct FieldNames: Sendable {
    /// The names, in reading order.
    public let names: [String]
    /// The UTF-8 length of each name: most keys are told apart by it without comparing strings.
    private let lengths: [Int]

    public init(_ names: [String]) {
        self.names = names
        self.lengths = names.map(\.utf8.count)
    }

    /// The names of `keys`, in declaration order (which is the order to read them in).
    public init<Key: CodingKey & CaseIterable>(_ keys: Key.Type) {
        self.init(keys.allCases.map(\.stringValue))
    }

    /// The index of `name` among the names.
    func index(of name: String) -> Int? {
        let length = name.utf8.count
        for index in lengths.indices where lengths[index] == length && names[index] == name {
            return index
        }
        return nil
    }
}
