import Foundation
import Reconciler
import Spec
import YAMLBridge

/// The last overlay this host saw in etcd, kept in the state directory (`fleet-overlay.json`,
/// written atomically), so a daemon that starts while etcd is unreachable serves the fleet's last
/// known overrides, never the file alone (which would put drained backends back in service).
///
/// Only what etcd committed is ever written here; a change etcd did not take leaves no trace.
/// The prefix is kept with it: a copy made under another prefix is not this fleet's.
struct FleetOverlayCopy: Sendable {
    let path: String
    let directory: String

    init(directory: String) {
        self.directory = directory
        path = directory + "/fleet-overlay.json"
    }

    struct Contents: Encodable, NodeReadable {
        var version: Int
        var prefix: String
        var revision: Int64
        var overrides: [Override]

        init(version: Int, prefix: String, revision: Int64, overrides: [Override]) {
            self.version = version
            self.prefix = prefix
            self.revision = revision
            self.overrides = overrides
        }

        init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
            _ = try MappingReader.entries(of: node, in: &context)
            version = try node.required("version", in: &context)
            prefix = try node.required("prefix", in: &context)
            revision = try node.required("revision", in: &context)
            overrides = try node.required("overrides", in: &context)
        }
    }

    /// The copy for `prefix`; `nil` when there is none (or it was made for another prefix).
    ///
    /// - Throws: when it exists and cannot be read: the daemon refuses to start rather than
    ///   forget a drain.
    func load(prefix: String) throws(EtcdError) -> StoredOverlay? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            guard let root = try YAMLParser.parse(bytes) else { return nil }
            let (contents, problems) = Contents.read(from: root)
            guard let contents, problems.isEmpty else { throw Diagnostics(problems) }
            guard contents.prefix == prefix else { return nil }
            return StoredOverlay(Overlay(contents.overrides), revision: contents.revision)
        } catch {
            throw .refused("cannot read \(path): \(error) (fix or move it aside; the daemon then waits for etcd to learn the fleet's overrides)")
        }
    }

    func save(_ stored: StoredOverlay, prefix: String) throws(AtomicFile.Failure) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let contents = Contents(version: 1, prefix: prefix, revision: stored.revision, overrides: stored.overlay.overrides)
        guard let json = try? encoder.encode(contents) else { return }
        try AtomicFile.write(Array(json), to: path, in: directory)
    }
}
