/// A mapping seen through a type's coding keys; keeps document order for `allKeys`.
///
/// Built for every object decoded, so it is kept cheap: a key is found by a linear scan of the
/// pairs (config objects have a handful of keys, and comparing short strings beats hashing them),
/// with a hash index only for big mappings; `decodeIfPresent` finds its key once, not three times
/// as the standard library's default (`contains`, `decodeNil`, `decode`) would. A class, because
/// `KeyedDecodingContainer` copies it out of its box for every call.
final class KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    /// Mappings up to this many pairs are searched linearly.
    static var linearSearchLimit: Int { 16 }

    let decoder: TreeDecoder
    let pairs: [Pair]
    /// Key → first position, for mappings bigger than ``linearSearchLimit``.
    private let index: [String: Int]?
    /// The last key looked up and where it was: callers commonly ask `contains`, then for the
    /// value's decoder, then `decodeIfPresent`, all for the same key.
    private var lastLookup: (name: String, position: Int?)?

    init(decoder: TreeDecoder, pairs: [Pair]) {
        self.decoder = decoder
        self.pairs = pairs
        self.index = pairs.count > Self.linearSearchLimit ? Self.buildIndex(pairs) : nil
    }

    static func buildIndex(_ pairs: [Pair]) -> [String: Int] {
        var index: [String: Int] = [:]
        index.reserveCapacity(pairs.count)
        for (position, pair) in pairs.enumerated() {
            if case .scalar(let scalar) = pair.key.kind, index[scalar.value] == nil { index[scalar.value] = position }
        }
        return index
    }

    static func linearPosition(of name: String, in pairs: [Pair]) -> Int? {
        let length = name.utf8.count
        for position in pairs.indices {
            // Comparing lengths first rejects most keys without a string comparison.
            if case .scalar(let scalar) = pairs[position].key.kind, scalar.value.utf8.count == length, scalar.value == name {
                return position
            }
        }
        return nil
    }

    private func position(of key: Key) -> Int? {
        let name = key.stringValue
        if let lastLookup, lastLookup.name == name { return lastLookup.position }
        let position = index.map { $0[name] } ?? Self.linearPosition(of: name, in: pairs)
        lastLookup = (name, position)
        return position
    }

    var codingPath: [any CodingKey] { decoder.codingPath }

    var allKeys: [Key] {
        pairs.compactMap { pair in pair.key.scalar.flatMap { Key(stringValue: $0.value) } }
    }

    func contains(_ key: Key) -> Bool { position(of: key) != nil }

    /// Reports keys that are not scalars at all, and keys that the type does not know when its keys
    /// are `CaseIterable`.
    ///
    /// The names of a `CaseIterable` key type are listed once per decode (by the session), not once
    /// per object.
    func reportUnknownKeys() {
        let known = decoder.session.knownKeys(of: Key.self)
        for pair in pairs {
            guard case .scalar(let scalar) = pair.key.kind, !pair.key.isNull else {
                decoder.session.diagnostics.append(KeyDiagnostics.notAString(pair.key, in: PathComponent.from(codingPath)))
                continue
            }
            guard let known, !Self.contains(scalar.value, in: known) else { continue }
            decoder.session.diagnostics.append(
                KeyDiagnostics.unknown(scalar.value, known: known, at: pair.key.mark, in: PathComponent.from(codingPath))
            )
        }
    }

    private static func contains(_ name: String, in known: [String]) -> Bool {
        let length = name.utf8.count
        for candidate in known where candidate.utf8.count == length && candidate == name { return true }
        return false
    }

    private func value(for key: Key) throws -> Node {
        guard let position = position(of: key) else {
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

    private func child(_ node: Node, _ key: Key) -> TreeDecoder {
        TreeDecoder(node: node, parent: decoder, key: key)
    }

    private func child(_ key: Key) throws -> TreeDecoder {
        child(try value(for: key), key)
    }

    /// The value at `key` decoded by `body`; `nil` when the key is absent or its value is null
    /// (`decodeIfPresent` treats a present `null` like an absent key, as YAML users expect).
    private func optional<T>(_ key: Key, _ body: (TreeDecoder) throws -> T) throws -> T? {
        guard let position = position(of: key) else { return nil }
        let value = pairs[position].value
        if value.isNull { return nil }
        return try body(child(value, key))
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

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try optional(key) { try $0.decodeBool() } }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try optional(key) { try $0.decodeString() } }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try optional(key) { try $0.decodeFloat(type) } }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try optional(key) { try $0.decodeFloat(type) } }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try optional(key) { try $0.decodeInteger(type) } }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try optional(key) { try $0.decodeInteger(type) } }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try optional(key) { try $0.decodeInteger(type) } }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try optional(key) { try $0.decodeInteger(type) } }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try optional(key) { try $0.decodeInteger(type) } }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try optional(key) { try $0.decodeInteger(type) } }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try optional(key) { try $0.decodeInteger(type) } }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try optional(key) { try $0.decodeInteger(type) } }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try optional(key) { try $0.decodeInteger(type) } }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try optional(key) { try $0.decodeInteger(type) } }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try optional(key) { try T(from: $0) }
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
