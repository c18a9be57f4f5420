#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import YAMLBridge

/// The REST API's overrides on disk (`overrides.json` in the state directory): read through the
/// same parser and readers as the config file, written atomically (``AtomicFile``), so a restart
/// keeps every override and a crash mid-write leaves the old list or the new one.
///
/// The JSON it writes (sorted keys, pretty-printed, `version: 1`) is the format every earlier
/// release wrote, so files saved before still load, and files saved now load in them.
public struct OverlayFile: Sendable {
    /// Why the file could not be read or written; the message names the file.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public let path: String
    /// The state directory holding it (created on the first save).
    public let directory: String

    public init(path: String, in directory: String) {
        self.path = path
        self.directory = directory
    }

    /// The saved overlay; empty when there is none yet.
    ///
    /// - Throws: when the file exists but cannot be read. The daemon then refuses to start rather
    ///   than drop an operator's overrides (a drained backend would take traffic again).
    public func load() throws(Failure) -> Overlay {
        guard FileManager.default.fileExists(atPath: path) else { return Overlay() }
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw Failure(description: "cannot read \(path): \(error)")
        }
        do {
            guard let root = try YAMLParser.parse(bytes) else { return Overlay() }
            let (saved, problems) = Contents.read(from: root)
            guard problems.isEmpty, let saved else { throw Diagnostics(problems) }
            return Overlay(saved.overrides)
        } catch {
            throw Failure(description: "cannot read \(path): \(error) (fix or move it aside; moving it aside forgets every REST API override)")
        }
    }

    public func save(_ overlay: Overlay) throws(Failure) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json: Data
        do {
            json = try encoder.encode(Contents(version: 1, overrides: overlay.overrides))
        } catch {
            throw Failure(description: "cannot write \(path): \(error)")
        }
        do {
            try AtomicFile.write(Array(json), to: path, in: directory)
        } catch {
            throw Failure(description: error.description)
        }
    }

    /// The file's shape: versioned, readable.
    struct Contents: Encodable, NodeReadable {
        var version: Int
        var overrides: [Override]

        init(version: Int, overrides: [Override]) {
            self.version = version
            self.overrides = overrides
        }

        /// Keys other than these are ignored, as they always were: a newer release may add some.
        init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
            // Keys that are not plain strings are reported, and reading goes on.
            _ = try MappingReader.entries(of: node, in: &context)
            version = try node.required("version", in: &context)
            overrides = try node.required("overrides", in: &context)
        }
    }
}
