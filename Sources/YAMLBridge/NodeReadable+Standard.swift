/// The standard library's scalars and lists read themselves (through the conversions of
/// `Node+Scalars`), so a ``NodeReadable`` type's fields can be read generically.
extension String: NodeReadable {
    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) { self = try node.readString() }
}

extension Bool: NodeReadable {
    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) { self = try node.readBool() }
}

extension Double: NodeReadable {
    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) { self = try node.readFloat(Double.self) }
}

extension Float: NodeReadable {
    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) { self = try node.readFloat(Float.self) }
}

extension Int: NodeReadable {
    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) { self = try node.readInteger(Int.self) }
}

extension Int8: NodeReadable {
    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) { self = try node.readInteger(Int8.self) }
}

extension Int16: NodeReadable {
    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) { self = try node.readInteger(Int16.self) }
}

extension Int32: NodeReadable {
    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) { self = try node.readInteger(Int32.self) }
}

extension Int64: NodeReadable {
    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) { self = try node.readInteger(Int64.self) }
}

extension UInt: NodeReadable {
    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) { self = try node.readInteger(UInt.self) }
}

extension UInt8: NodeReadable {
    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) { self = try node.readInteger(UInt8.self) }
}

extension UInt16: NodeReadable {
    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) { self = try node.readInteger(UInt16.self) }
}

extension UInt32: NodeReadable {
    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) { self = try node.readInteger(UInt32.self) }
}

extension UInt64: NodeReadable {
    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) { self = try node.readInteger(UInt64.self) }
}

/// A list: each item read in turn, with its index on the path; the first item that cannot be
/// read fails the list (as decoding a Swift array does).
extension Array: NodeReadable where Element: NodeReadable {
    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        guard case .sequence(let items) = node.kind else { throw ReadFailure(node, expected: "a list") }
        var elements: [Element] = []
        elements.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            context.enter(index: index)
            defer { context.leave() }
            do {
                elements.append(try Element(reading: item, in: &context))
            } catch {
                throw error.at(context.path)
            }
        }
        self = elements
    }
}
