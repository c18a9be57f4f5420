extension Decoder {
    /// The position of the key `name` in the mapping being decoded, when decoding from a ``Node``.
    ///
    /// Errors about a whole object ("service 'web' needs a port") read best pointing at the line
    /// that names it, which is the key, not the object's first field.
    public func sourceMark(ofKey name: String) -> Mark? {
        guard let decoder = self as? TreeDecoder else { return nil }
        return decoder.node.pairs?.first { $0.key.scalar?.value == name }?.key.mark
    }
}
