import Addresses
import Foundation
import IPVS
import Synchronization

/// Persists ``Ownership`` in the state directory (`/var/lib/gorb/ownership.json`), so a restarted
/// daemon still knows what it created (invariant 6: nothing is lost).
///
/// Writes are atomic: a temporary file in the same directory is written and `fsync`ed, renamed over
/// the old one, and the directory is `fsync`ed. A crash at any point leaves either the old file or
/// the new one, never a torn one.
///
/// Reads are cached: the file is decoded again only when it changed on disk (another inode, size or
/// modification time, e.g. after a `gorb-reconcile apply` beside the daemon). A quiet resync then
/// costs one `stat`, not a JSON decode of the whole ownership table.
public struct StateStore: Sendable {
    public let directory: String
    private let cache = OwnershipCache()

    public init(directory: String) {
        self.directory = directory
    }

    public var ownershipPath: String { directory + "/ownership.json" }

    /// Why the state could not be read or written; the message names the file.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The saved ownership; empty when there is no file yet (a first start).
    public func loadOwnership() throws(Failure) -> Ownership {
        guard let identity = FileIdentity(path: ownershipPath) else { return Ownership() }
        if let cached = cache.value(for: identity) { return cached }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: ownershipPath))
            let ownership = try JSONDecoder().decode(OwnershipFile.self, from: data).ownership()
            cache.store(ownership, for: identity)
            return ownership
        } catch {
            throw Failure(description: "cannot read \(ownershipPath): \(error) (move it aside to start over; the daemon will then leave services it created before alone)")
        }
    }

    public func saveOwnership(_ ownership: Ownership) throws(Failure) {
        try writeAtomically(Data(OwnershipFile(ownership).json()), to: ownershipPath)
        if let identity = FileIdentity(path: ownershipPath) { cache.store(ownership, for: identity) }
    }
}

/// The JSON shape of the ownership file: versioned, with keys spelt out so an operator can read it.
struct OwnershipFile: Codable {
    struct ServiceRecord: Codable {
        var id: String
        var `protocol`: String?
        var address: String?
        var port: UInt16?
        var fwmark: UInt32?
        var family: String?
        var destinations: [DestinationRecord]
    }

    struct DestinationRecord: Codable {
        var id: String
        var address: String
        var port: UInt16
        var drainSeconds: Double
        var drainDeadline: Double?
    }

    var version: Int
    var services: [ServiceRecord]

    init(_ ownership: Ownership) {
        version = 1
        services = ownership.services.sorted { $0.key < $1.key }.map { key, owned in
            var record = ServiceRecord(id: owned.id, destinations: [])
            switch key {
            case .socket(let proto, let address, let port):
                record.protocol = "\(proto)".lowercased()
                record.address = "\(address)"
                record.port = port
            case .firewallMark(let mark, let family):
                record.fwmark = mark
                record.family = family == .ipv4 ? "ipv4" : "ipv6"
            }
            record.destinations = owned.destinations.sorted { $0.key < $1.key }.map { key, destination in
                let (seconds, atto) = destination.drain.components
                return DestinationRecord(
                    id: destination.id,
                    address: "\(key.address)",
                    port: key.port,
                    drainSeconds: Double(seconds) + Double(atto) / 1e18,
                    drainDeadline: destination.drainDeadline?.seconds
                )
            }
            return record
        }
    }

    func ownership() throws -> Ownership {
        guard version == 1 else { throw StateStore.Failure(description: "unknown state file version \(version)") }
        var ownership = Ownership()
        for record in services {
            let key: IPVSService.Key
            if let mark = record.fwmark {
                key = .firewallMark(mark, family: record.family == "ipv6" ? .ipv6 : .ipv4)
            } else if let text = record.address, let address = IPAddress(text), let port = record.port,
                let proto = ["tcp": TransportProtocol.tcp, "udp": .udp, "sctp": .sctp][record.protocol ?? ""]
            {
                key = .socket(proto, address, port: port)
            } else {
                throw StateStore.Failure(description: "service '\(record.id)' has no valid key")
            }
            var owned = OwnedService(id: record.id)
            for destination in record.destinations {
                guard let address = IPAddress(destination.address) else {
                    throw StateStore.Failure(description: "destination '\(destination.id)' has an invalid address")
                }
                owned.destinations[IPVSDestination.Key(address: address, port: destination.port)] = OwnedDestination(
                    id: destination.id,
                    drain: .milliseconds(Int64(destination.drainSeconds * 1000)),
                    drainDeadline: destination.drainDeadline.map { WallTime(seconds: $0) }
                )
            }
            ownership.services[key] = owned
        }
        return ownership
    }
}

/// What tells one version of a file from another without reading it.
struct FileIdentity: Hashable {
    var inode: UInt64
    var size: Int64
    var modified: timespec

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = info.st_mtim
    }

    static func == (lhs: FileIdentity, rhs: FileIdentity) -> Bool {
        lhs.inode == rhs.inode && lhs.size == rhs.size && lhs.modified.tv_sec == rhs.modified.tv_sec
            && lhs.modified.tv_nsec == rhs.modified.tv_nsec
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(inode)
        hasher.combine(size)
    }
}

/// The last ownership read or written, with the file version it belongs to.
final class OwnershipCache: Sendable {
    private let entry = Mutex<(identity: FileIdentity, ownership: Ownership)?>(nil)

    func value(for identity: FileIdentity) -> Ownership? {
        entry.withLock { $0?.identity == identity ? $0?.ownership : nil }
    }

    func store(_ ownership: Ownership, for identity: FileIdentity) {
        entry.withLock { $0 = (identity, ownership) }
    }
}
