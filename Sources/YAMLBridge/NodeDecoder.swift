/// Decodes `Decodable` types from a ``Node`` tree, with errors that name the key path and the
/// source position of the offending value.
///
/// Beyond a plain `Decoder`, two things make it fit for configuration files:
/// - **Unknown keys are errors.** When a type's `CodingKeys` are `CaseIterable`, any key in the
///   mapping that is not one of them is reported with a "did you mean" hint, so a typo can never
///   silently drop a setting.
/// - **Every error, not just the first.** A type may wrap the decoding of a field in
///   ``Swift/Decoder/collectingErrors(_:)``; an error there is recorded and decoding goes on, so one
///   pass reports everything wrong with a file.
public struct NodeDecoder: Sendable {
    public init() {}

    /// Decodes `type` from `node`.
    ///
    /// - Throws: ``Diagnostics`` holding every problem found, sorted by position.
    public func decode<T: Decodable>(_ type: T.Type, from node: Node) throws(Diagnostics) -> T {
        let session = DecodingSession(root: node)
        let decoder = TreeDecoder(root: node, session: session)
        let value: T
        do {
            value = try T(from: decoder)
        } catch {
            session.record(error)
            throw Diagnostics(session.diagnostics)
        }
        if !session.diagnostics.isEmpty { throw Diagnostics(session.diagnostics) }
        return value
    }
}

extension Decoder {
    /// Runs `body`; when this is a ``NodeDecoder`` and `body` throws, records the error and returns
    /// `nil` so the caller can go on and find further errors. Other decoders rethrow.
    public func collectingErrors<T>(_ body: () throws -> T) throws -> T? {
        guard let decoder = self as? TreeDecoder else { return try body() }
        do {
            return try body()
        } catch {
            decoder.session.record(error, at: decoder)
            return nil
        }
    }

    /// The source position of the value being decoded, when decoding from a ``Node``.
    public var sourceMark: Mark? { (self as? TreeDecoder)?.node.mark }

    /// The node being decoded, when decoding from a ``Node``. Types that need positions only on
    /// the error path keep this (a cheap, shared value) and look marks up lazily, instead of
    /// asking for a position per field on the hot path.
    public var sourceNode: Node? { (self as? TreeDecoder)?.node }

    /// Records a problem found by a type's own checks (a range, a format) at this decoder's value
    /// and lets decoding go on; other decoders throw it.
    public func report(_ message: String) throws {
        guard let decoder = self as? TreeDecoder else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: message))
        }
        decoder.session.diagnostics.append(
            Diagnostic(mark: decoder.node.mark, path: PathComponent.from(codingPath), message: message)
        )
    }
}

/// Carries a node's position inside a `DecodingError`, so the error can be rendered with it.
struct MarkedProblem: Error {
    var mark: Mark
}

/// The state one `decode` call shares among its nested decoders: the root (to find marks) and the
/// errors collected so far. Confined to the decoding call.
final class DecodingSession {
    let root: Node
    var diagnostics: [Diagnostic] = []
    /// The key names of each coding-key type met so far, `nil` for types that are not
    /// `CaseIterable` (whose unknown keys are not errors). The dynamic conformance check and
    /// `allCases` are far dearer than this lookup, and a config decodes thousands of objects of a
    /// handful of types: a short list compared by pointer beats hashing here.
    private var knownKeys: [(type: ObjectIdentifier, names: [String]?)] = []
    /// The key index of the last big mapping asked about by ``Swift/Decoder/sourceMark(ofKey:)``.
    private var keyIndexCache: (mark: Mark, count: Int, index: [String: Int])?

    init(root: Node) {
        self.root = root
    }

    /// Records `error`. `decoder` is where it was caught: an error that carries no position of its
    /// own (a type's own error, a ``Diagnostic`` without a mark) is placed at that decoder's value,
    /// the nearest place known, rather than at the document root.
    func record(_ error: any Error, at decoder: TreeDecoder? = nil) {
        switch error {
        case var diagnostic as Diagnostic:
            if diagnostic.mark == nil, let decoder {
                diagnostic.mark = decoder.node.mark
                if diagnostic.path.isEmpty { diagnostic.path = PathComponent.from(decoder.codingPath) }
            }
            diagnostics.append(diagnostic)
        case let many as Diagnostics:
            diagnostics.append(contentsOf: many.items)
        case let decoding as DecodingError:
            diagnostics.append(diagnostic(for: decoding))
        default:
            diagnostics.append(
                Diagnostic(
                    mark: decoder?.node.mark ?? root.mark,
                    path: decoder.map { PathComponent.from($0.codingPath) } ?? [],
                    message: "\(error)"
                )
            )
        }
    }

    private func diagnostic(for error: DecodingError) -> Diagnostic {
        let context: DecodingError.Context
        var message: String
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            context = c
            message = c.debugDescription
        case .keyNotFound(let key, let c):
            context = c
            message = c.debugDescription.isEmpty ? "missing required key '\(key.stringValue)'" : c.debugDescription
        @unknown default:
            return Diagnostic(mark: root.mark, message: "\(error)")
        }
        let mark = (context.underlyingError as? MarkedProblem)?.mark ?? node(at: context.codingPath)?.mark
        if message.isEmpty { message = "invalid value" }
        return Diagnostic(mark: mark, path: PathComponent.from(context.codingPath), message: message)
    }

    func knownKeys<Key: CodingKey>(of type: Key.Type) -> [String]? {
        let id = ObjectIdentifier(type)
        for entry in knownKeys where entry.type == id { return entry.names }
        var names: [String]?
        if let iterable = type as? any CaseIterable.Type { names = Self.names(of: iterable) }
        knownKeys.append((id, names))
        return names
    }

    private static func names<T: CaseIterable>(of type: T.Type) -> [String] {
        type.allCases.compactMap { ($0 as? any CodingKey)?.stringValue }
    }

    /// The position of the first pair whose key is `name`, in the mapping `pairs` found at `mark`.
    ///
    /// Asked once per key of a big mapping (one position per service id), a linear search would be
    /// O(n²): past ``KeyedContainer/linearSearchLimit`` pairs an index is built and kept for the
    /// next question about the same mapping. Marks identify a mapping within one document; the
    /// count and the found key are checked too, so a coincidence can only cost a rebuild.
    func position(of name: String, in pairs: [Pair], at mark: Mark) -> Int? {
        guard pairs.count > KeyedContainer<AnyKey>.linearSearchLimit else {
            return KeyedContainer<AnyKey>.linearPosition(of: name, in: pairs)
        }
        if let cache = keyIndexCache, cache.mark == mark, cache.count == pairs.count {
            guard let position = cache.index[name] else { return nil }
            if pairs[position].key.scalar?.value == name { return position }
        }
        let index = KeyedContainer<AnyKey>.buildIndex(pairs)
        keyIndexCache = (mark, pairs.count, index)
        return index[name]
    }

    /// The deepest node that a coding path reaches.
    func node(at path: [any CodingKey]) -> Node? {
        var current = root
        for key in path {
            if let index = (key as? IndexKey)?.intValue, let items = current.items, items.indices.contains(index) {
                current = items[index]
            } else if let value = current[key.stringValue] {
                current = value
            } else {
                break
            }
        }
        return current
    }
}

extension PathComponent {
    static func from(_ codingPath: [any CodingKey]) -> [PathComponent] {
        codingPath.map { key in
            if let index = key as? IndexKey { return .index(index.index) }
            return .key(key.stringValue)
        }
    }
}

/// The coding key of a sequence element.
struct IndexKey: CodingKey {
    var index: Int
    var stringValue: String { "[\(index)]" }
    var intValue: Int? { index }
    init(_ index: Int) { self.index = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.index = intValue }
}

/// The `Decoder` over one node.
///
/// A class, not a struct: one is made for every value decoded and then copied into containers and
/// cast from `any Decoder` (by ``Swift/Decoder/collectingErrors(_:)``); as a class each of those
/// is a retain rather than a copy of several fields. The coding path is the chain of parents, built
/// into an array only when asked for (on the error path), instead of an array copied into every
/// child.
final class TreeDecoder: Decoder {
    let node: Node
    let session: DecodingSession
    /// The decoder of the enclosing mapping or list; `nil` at the root.
    let parent: TreeDecoder?
    /// The key of this node in its parent; `nil` at the root.
    let key: (any CodingKey)?

    init(root: Node, session: DecodingSession) {
        self.node = root
        self.session = session
        self.parent = nil
        self.key = nil
    }

    init(node: Node, parent: TreeDecoder, key: any CodingKey) {
        self.node = node
        self.session = parent.session
        self.parent = parent
        self.key = key
    }

    /// Built for every error, and types that probe with `try?` (a value that may be a boolean or a
    /// duration) make errors on valid input too: one array, filled from the leaf and reversed in
    /// place.
    var codingPath: [any CodingKey] {
        guard key != nil else { return [] }
        var keys: [any CodingKey] = []
        keys.reserveCapacity(8)
        var current: TreeDecoder? = self
        while let decoder = current, let key = decoder.key {
            keys.append(key)
            current = decoder.parent
        }
        keys.reverse()
        return keys
    }

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func child(_ node: Node, key: any CodingKey) -> TreeDecoder {
        TreeDecoder(node: node, parent: self, key: key)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .mapping(let pairs) = node.kind else {
            throw mismatch(expected: "a mapping")
        }
        let container = KeyedContainer<Key>(decoder: self, pairs: pairs)
        container.reportUnknownKeys()
        return KeyedDecodingContainer(container)
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .sequence(let items) = node.kind else {
            throw mismatch(expected: "a list")
        }
        return UnkeyedContainer(decoder: self, items: items)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueContainer(decoder: self)
    }

    func mismatch(expected: String) -> DecodingError {
        DecodingError.typeMismatch(
            Any.self,
            .init(
                codingPath: codingPath,
                debugDescription: "expected \(expected), found \(node.kindDescription)",
                underlyingError: MarkedProblem(mark: node.mark)
            )
        )
    }
}
