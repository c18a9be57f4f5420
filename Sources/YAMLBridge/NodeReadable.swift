/// A type that reads itself straight from a ``Node``, reporting what is wrong through a
/// ``ReadContext``.
///
/// The one way input is read (the config file, REST API bodies, the saved overlay): no decoder or
/// container objects, no existential boxes, no dynamic casts, so reading every object of a big
/// configuration file stays cheap; and every problem comes with its key path and position.
public protocol NodeReadable {
    /// Reads the value from `node`.
    ///
    /// Problems inside the value that leave it usable (a bad field of an object, which is read as
    /// absent) are recorded in `context`, so reading goes on and finds every problem of a
    /// document; a value that cannot be made at all throws.
    init(reading node: Node, in context: inout ReadContext) throws(ReadFailure)
}

extension NodeReadable {
    /// Reads `node` as a whole document: the value (`nil` when it could not be made at all) and
    /// every problem found, sorted by position.
    public static func read(from node: Node) -> (value: Self?, diagnostics: [Diagnostic]) {
        var context = ReadContext()
        var value: Self?
        do {
            value = try Self(reading: node, in: &context)
        } catch {
            context.record(error)
        }
        return (value, Diagnostics(context.diagnostics).items)
    }
}
