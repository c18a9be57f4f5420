/// A mapping seen through a type's coding keys; keeps document order for `allKeys`.
struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: TreeDecoder
    let pairs: [Pair]
    private let index: [String: Int]

    init(decoder: TreeDecoder, pairs: [Pair]) {
        self.decoder = decoder
        self.pairs = pairs
        var index: [String: Int] = [:]
        for (position, pair) in pairs.enumerated() {
            if let name = pair.key.scalar?.value, index[name] == nil { index[name] = position }
        }
        self.index = index
    }

    var codingPath: [any CodingKey] { decoder.codingPath }

    var allKeys: [Key] {
        pairs.compactMap { pair in pair.key.scalar.flatMap { Key(stringValue: $0.value) } }
    }

    func contains(_ key: Key) -> Bool { index[key.stringValue] != nil }

    /// Reports keys that the type does not know, when its keys are `CaseIterable`, and keys that
    /// are not scalars at all.
    func reportUnknownKeys() {
        for pair in pairs where pair.key.scalar == nil || pair.key.isNull {
            decoder.session.diagnostics.append(
                Diagnostic(
                    mark: pair.key.mark,
                    path: PathComponent.from(codingPath),
                    message: "a key must be a plain string, found \(pair.key.kindDescription)"
                )
            )
        }
        guard let iterable = Key.self as? any CaseIterable.Type else { return }
        let known = Self.names(of: iterable)
        for pair in pairs {
            guard let name = pair.key.scalar?.value, !pair.key.isNull, !known.contains(name) else { continue }
            var message = "unknown key '\(name)'"
            if let suggestion = Suggestion.closest(to: name, among: known) {
                message += " (did you mean '\(suggestion)'?)"
            } else {
                message += " (expected one of: \(known.sorted().joined(separator: ", ")))"
            }
            decoder.session.diagnostics.append(
                Diagnostic(mark: pair.key.mark, path: PathComponent.from(codingPath + [AnyKey(name)]), message: message)
            )
        }
    }

    private static func names<T: CaseIterable>(of type: T.Type) -> [String] {
        type.allCases.compactMap { ($0 as? any CodingKey)?.stringValue }
    }

    private func value(for key: Key) throws -> Node {
        guard let position = index[key.stringValue] else {
            throw DecodingError.keyNotFound(
                key,
                .init(
                    codingPath: codingPath,
                    debugDescription: "missing required key '\(key.stringValue)'",
                    underlyingError: MarkedProblem(mark: decoder.node.mark)
                )
            )
        }
        return pairs[position].value
    }

    private func child(_ key: Key) throws -> TreeDecoder {
        decoder.child(try value(for: key), key: key)
    }

    func decodeNil(forKey key: Key) throws -> Bool { try value(for: key).isNull }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try child(key).decodeBool() }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try child(key).decodeString() }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try child(key).decodeFloat(Double.self) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try child(key).decodeFloat(Float.self) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try child(key).decodeInteger(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try child(key).decodeInteger(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try child(key).decodeInteger(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try child(key).decodeInteger(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try child(key).decodeInteger(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try child(key).decodeInteger(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try child(key).decodeInteger(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try child(key).decodeInteger(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try child(key).decodeInteger(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try child(key).decodeInteger(type) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try T(from: try child(key))
    }

    /// `decodeIfPresent` treats a present `null` like an absent key, as YAML users expect.
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        return try decode(type, forKey: key)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try child(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try child(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { decoder }

    func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
}

/// A coding key made from any string (for paths of keys the type does not declare).
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
