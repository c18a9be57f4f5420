/// Fields of a mapping read one by one, for types whose mapping may hold keys they do not know
/// (a saved state file that a newer release may extend): no key check, and the first field that
/// cannot be read stops the reading, with its key path.
extension Node {
    /// The field `name` of this mapping, read as `T`.
    ///
    /// - Throws: "missing required key" at the mapping when it has no such key; the field's own
    ///   failure, placed at its path, when it cannot be read.
    public func required<T: NodeReadable>(_ name: String, in context: inout ReadContext) throws(ReadFailure) -> T {
        guard let value = self[name] else {
            throw ReadFailure(mark: mark, message: "missing required key '\(name)'").at(context.path)
        }
        return try field(name, value, in: &context)
    }

    /// The field `name` of this mapping, read as `T`; `nil` when absent or null.
    public func optional<T: NodeReadable>(_ name: String, in context: inout ReadContext) throws(ReadFailure) -> T? {
        guard let value = self[name], !value.isNull else { return nil }
        return try field(name, value, in: &context)
    }

    private func field<T: NodeReadable>(_ name: String, _ value: Node, in context: inout ReadContext) throws(ReadFailure) -> T {
        context.enter(name)
        defer { context.leave() }
        do {
            return try T(reading: value, in: &context)
        } catch {
            throw error.at(context.path)
        }
    }
}
