#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import YAMLBridge

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

/// Parses and decodes `text` as `T`; parse errors and decode errors both come back as diagnostics.
func decode<T: Decodable>(_ type: T.Type, _ text: String) -> Result<T, Diagnostics> {
    do {
        guard let node = try YAMLParser.parse(text) else {
            return .failure(Diagnostics([Diagnostic(mark: nil, message: "no document")]))
        }
        return .success(try NodeDecoder().decode(type, from: node))
    } catch let error as Diagnostic {
        return .failure(Diagnostics([error]))
    } catch let error as Diagnostics {
        return .failure(error)
    } catch {
        return .failure(Diagnostics([Diagnostic(mark: nil, message: "unexpected error \(error)")]))
    }
}

/// The rendered errors of decoding `text` as `T` (empty when it decodes), each as
/// `LINE:COL: error: PATH: MESSAGE`.
func decodeErrors<T: Decodable>(_ type: T.Type, _ text: String) -> [String] {
    switch decode(type, text) {
    case .success: []
    case .failure(let diagnostics): diagnostics.items.map(\.description)
    }
}

/// The value decoded from `text`, or the first error rendered, so a table can expect either.
func decodeOutcome<T: Decodable>(_ type: T.Type, _ text: String) -> String {
    switch decode(type, text) {
    case .success(let value): "ok: \(value)"
    case .failure(let diagnostics): diagnostics.items.first?.description ?? "no error"
    }
}

/// A one-field document (`value: …`) so scalar errors carry a path.
struct Box<T: Decodable>: Decodable {
    var value: T
    enum CodingKeys: String, CodingKey, CaseIterable { case value }
}

/// A backend as several tests decode it: required, optional and checked-range fields.
struct Backend: Decodable, Equatable {
    var host: String
    var port: UInt16
    var weight: Int32?
    enum CodingKeys: String, CodingKey, CaseIterable { case host, port, weight }
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
