extension Decoder {
    /// The position of the key `name` in the mapping being decoded, when decoding from a ``Node``.
    ///
    /// Errors about a whole object ("service 'web' needs a port") read best pointing at the line
    /// that names it, which is the key, not the object's first field.
    public func sourceMark(ofKey name: String) -> Mark? {
        guard let decoder = self as? TreeDecoder, case .mapping(let pairs) = decoder.node.kind else { return nil }
        // Asked for each id of a big mapping in turn (every service): found through an index the
        // session keeps, not a linear search each time.
        return decoder.session.position(of: name, in: pairs, at: decoder.node.mark).map { pairs[$0].key.mark }
    }
}
