import Hummingbird
import NIOCore
import Spec
import YAMLBridge

/// A PUT or PATCH body: the object's fields (ServiceOptions or BackendOptions, the file's schema)
/// plus an optional `ttl`. Read by the file's own readers, so a body gets the same checks and
/// the same messages as the file: unknown keys with a "did you mean", numbers or digit strings
/// for pulse args, every error at once with its JSON path and position.
struct ChangeRequest<Options: NodeReadable & Sendable>: Sendable {
    var options: Options
    /// How long the change lasts; `nil`: until removed.
    var ttl: Duration?
    /// The body had no fields at all (a PATCH with nothing to change).
    var isEmpty: Bool

    /// The largest body taken: far beyond any real service, small enough to refuse abuse.
    static var limit: Int { 1 << 20 }

    static func read(_ request: Request, ttlQuery: String?) async throws -> ChangeRequest {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIFailure(.contentTooLarge, "the body is larger than 1 MiB")
        }
        // Any other error (the connection closed, the body did not arrive in time: see
        // RequestDeadlineHandler) goes up as it is: the body is incomplete and is not read.
        return try parse(Array(buffer.readableBytesView), ttlQuery: ttlQuery)
    }

    static func parse(_ bytes: [UInt8], ttlQuery: String?) throws(APIFailure) -> ChangeRequest {
        let parsed: Node?
        do {
            parsed = try YAMLParser.parse(bytes, limits: .standard)
        } catch {
            throw APIFailure(.badRequest, "the body is not valid JSON: \(error.message) (line \(error.mark?.line ?? 1), column \(error.mark?.column ?? 1))")
        }
        guard var root = parsed else {
            return try decode(Node(.mapping([]), mark: Mark(line: 1, column: 1)), ttlText: ttlQuery, empty: true)
        }
        guard var pairs = root.pairs else {
            throw APIFailure(.badRequest, "the body must be a JSON object, found \(root.kindDescription)")
        }
        var ttlText = ttlQuery
        if let index = pairs.firstIndex(where: { $0.key.scalar?.value == "ttl" }) {
            guard let text = pairs[index].value.scalar?.value else {
                throw APIFailure(.badRequest, "ttl: expected a duration such as \"30m\", found \(pairs[index].value.kindDescription)")
            }
            ttlText = text
            pairs.remove(at: index)
        }
        root.kind = .mapping(pairs)
        return try decode(root, ttlText: ttlText, empty: pairs.isEmpty)
    }

    private static func decode(_ root: Node, ttlText: String?, empty: Bool) throws(APIFailure) -> ChangeRequest {
        var ttl: Duration?
        if let ttlText {
            guard let duration = DurationText.parse(ttlText), duration > .zero else {
                throw APIFailure(.badRequest, "ttl: expected a positive duration such as \"30m\" or \"1h30m\", found '\(ttlText)'")
            }
            ttl = duration
        }
        let (options, problems) = Options.read(from: root)
        guard problems.isEmpty, let options else { throw APIFailure(.badRequest, problems.map(Self.message)) }
        return ChangeRequest(options: options, ttl: ttl, isEmpty: empty)
    }

    /// `weight: expected an integer, found "x" (line 1, column 12)`.
    static func message(_ item: Diagnostic) -> String {
        let path = item.pathDescription
        let position = item.mark.map { " (line \($0.line), column \($0.column))" } ?? ""
        return (path.isEmpty ? "" : "\(path): ") + item.message + position
    }
}
