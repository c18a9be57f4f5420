extension NodeDecoder {
    /// Decodes `type` and returns whatever could be decoded together with every diagnostic, instead
    /// of throwing. A caller that runs further checks on the result (a validator) uses this to
    /// report decoding and validation problems of one input together.
    ///
    /// - Returns: the value (with fields that failed left absent, when the type collects errors),
    ///   or `nil` if the value could not be built at all; and the diagnostics, sorted by position.
    public func decodeCollecting<T: Decodable>(_ type: T.Type, from node: Node) -> (value: T?, diagnostics: [Diagnostic]) {
        let session = DecodingSession(root: node)
        let decoder = TreeDecoder(root: node, session: session)
        var value: T?
        do {
            value = try T(from: decoder)
        } catch {
            session.record(error)
        }
        return (value, Diagnostics(session.diagnostics).items)
    }
}
