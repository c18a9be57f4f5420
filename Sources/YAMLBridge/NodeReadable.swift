/// A type that reads itself straight from a ``Node``, reporting what is wrong through a
/// ``ReadContext``.
///
/// The fast way for a type that is decoded often (every object of a big configuration file): no
/// decoder or container objects, no existential boxes, no dynamic casts; the diagnostics are the
/// ones ``NodeDecoder`` gives, word for word, because both use the same conversions and key checks.
/// A type that reads itself also decodes through ``NodeDecoder`` (a `Decodable` type may contain
/// it): its `init(from:)` hands the node over to ``init(reading:in:)``.
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

extension NodeReadable where Self: Decodable {
    /// Decodes through ``init(reading:in:)`` when the decoder is a ``NodeDecoder``'s; the problems
    /// the reader records join the decoder's, with the decoder's key path in front.
    ///
    /// A type that reads itself from a node is decoded from nothing else: other decoders have
    /// neither nodes nor positions, and get an error that says so.
    public init(from decoder: any Decoder) throws {
        guard let tree = decoder as? TreeDecoder else {
            throw DecodingError.typeMismatch(
                Self.self,
                .init(codingPath: decoder.codingPath, debugDescription: "\(Self.self) is decoded only from a YAMLBridge Node (use NodeDecoder)")
            )
        }
        var context = ReadContext(path: PathComponent.from(tree.codingPath))
        defer { tree.session.diagnostics += context.diagnostics }
        do {
            self = try Self(reading: tree.node, in: &context)
        } catch {
            throw context.diagnostic(for: error)
        }
    }
}
