#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
public import YAMLBridge

/// Parses `text`, failing the test (with the diagnostic) when it does not parse.
func tree(_ text: String, limits: ParseLimits = .standard, sourceLocation: SourceLocation = #_sourceLocation) -> Node? {
    do {
        return try YAMLParser.parse(text, limits: limits)
    } catch {
        Issue.record("unexpected parse error: \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// The diagnostic that parsing `bytes` throws, or `nil` (and a test failure) when it parses.
func parseError(
    _ bytes: [UInt8],
    limits: ParseLimits = .standard,
    sourceLocation: SourceLocation = #_sourceLocation
) -> Diagnostic? {
    do {
        let node = try YAMLParser.parse(bytes, limits: limits)
        Issue.record("expected a parse error, parsed \(String(describing: node))", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

func parseError(
    _ text: String,
    limits: ParseLimits = .standard,
    sourceLocation: SourceLocation = #_sourceLocation
) -> Diagnostic? {
    parseError(Array(text.utf8), limits: limits, sourceLocation: sourceLocation)
}

/// Parses and reads `text` as `T`; parse errors and read errors both come back as diagnostics.
func decode<T: NodeReadable>(_ type: T.Type, _ text: String) -> Result<T, Diagnostics> {
    let node: Node
    do {
        guard let parsed = try YAMLParser.parse(text) else {
            return .failure(Diagnostics([Diagnostic(mark: nil, message: "no document")]))
        }
        node = parsed
    } catch {
        return .failure(Diagnostics([error]))
    }
    let (value, diagnostics) = T.read(from: node)
    guard diagnostics.isEmpty, let value else { return .failure(Diagnostics(diagnostics)) }
    return .success(value)
}

/// The rendered errors of reading `text` as `T` (empty when it reads), each as
/// `LINE:COL: error: PATH: MESSAGE`.
func decodeErrors<T: NodeReadable>(_ type: T.Type, _ text: String) -> [String] {
    switch decode(type, text) {
    case .success: []
    case .failure(let diagnostics): diagnostics.items.map(\.description)
    }
}

/// The value read from `text`, or the first error rendered, so a table can expect either.
func decodeOutcome<T: NodeReadable>(_ type: T.Type, _ text: String) -> String {
    switch decode(type, text) {
    case .success(let value): "ok: \(value)"
    case .failure(let diagnostics): diagnostics.items.first?.description ?? "no error"
    }
}

/// A one-field document (`value: …`) so scalar errors carry a path.
struct Box<T: NodeReadable>: NodeReadable {
    var value: T
    init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        _ = try MappingReader(node, fields: FieldNames(["value"]), in: &context)
        value = try node.required("value", in: &context)
    }
}

/// A backend as several tests read it: required, optional and checked-range fields.
struct Backend: NodeReadable, Equatable {
    var host: String
    var port: UInt16
    var weight: Int32?

    init(host: String, port: UInt16, weight: Int32?) {
        self.host = host
        self.port = port
        self.weight = weight
    }

    init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        _ = try MappingReader(node, fields: FieldNames(["host", "port", "weight"]), in: &context)
        host = try node.required("host", in: &context)
        port = try node.required("port", in: &context)
        weight = try node.optional("weight", in: &context)
    }
}

/// A mapping of keys the user chose, for the tests' documents: keys that are not plain strings
/// are reported, and the first value that cannot be read stops the mapping.
extension Dictionary: NodeReadable where Key: LosslessStringConvertible, Value: NodeReadable {
    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        self.init()
        for pair in try MappingReader.entries(of: node, in: &context) {
            guard let text = pair.key.scalar?.value else { continue }
            guard let key = Key(text) else { throw ReadFailure(pair.key, expected: "a key of type \(Key.self)").at(context.path) }
            context.enter(text)
            defer { context.leave() }
            do {
                self[key] = try Value(reading: pair.value, in: &context)
            } catch {
                throw error.at(context.path)
            }
        }
    }
}

/// A value that may be null, for lists such as `[a, ~, b]`.
extension Optional: NodeReadable where Wrapped: NodeReadable {
    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        self = node.isNull ? nil : try Wrapped(reading: node, in: &context)
    }
}

extension ReadContext {
    /// Runs `body`; a failure is recorded and reading goes on with `nil`, so one bad field does
    /// not hide the next.
    mutating func collecting<T>(_ body: (inout ReadContext) throws(ReadFailure) -> T) -> T? {
        do {
            return try body(&self)
        } catch {
            record(error)
            return nil
        }
    }
}

extension Node {
    /// The scalar text, for short expectations.
    var text: String? { scalar?.value }
    /// The keys of a mapping, in document order.
    var keys: [String] { pairs?.compactMap { $0.key.scalar?.value } ?? [] }
}

/// Peak resident memory of this process in MiB (Linux `VmHWM`), to print next to heavy tests.
func peakMemoryMiB() -> Int? {
    guard let status = try? String(contentsOfFileAtPath: "/proc/self/status") else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let digits = line.filter(\.isNumber)
        return Int(digits).map { $0 / 1024 }
    }
    return nil
}

extension String {
    /// Reads a small text file without Foundation.
    init(contentsOfFileAtPath path: String) throws {
        struct ReadError: Error {}
        var bytes: [UInt8] = []
        guard let file = fopen(path, "r") else { throw ReadError() }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        self = String(decoding: bytes, as: UTF8.self)
    }
}
