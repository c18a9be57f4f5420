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
        let decoder = TreeDecoder(node: node, codingPath: [], session: session)
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
            if let index = key as? IndexKey { .index(index.index) } else { .key(key.stringValue) }
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
struct TreeDecoder: Decoder {
    let node: Node
    let codingPath: [any CodingKey]
    let session: DecodingSession
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard let pairs = node.pairs else {
            throw mismatch(expected: "a mapping")
        }
        let container = KeyedContainer<Key>(decoder: self, pairs: pairs)
        container.reportUnknownKeys()
        return KeyedDecodingContainer(container)
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard let items = node.items else {
            throw mismatch(expected: "a list")
        }
        return UnkeyedContainer(decoder: self, items: items)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueContainer(decoder: self)
    }

    func child(_ node: Node, key: any CodingKey) -> TreeDecoder {
        TreeDecoder(node: node, codingPath: codingPath + [key], session: session)
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
