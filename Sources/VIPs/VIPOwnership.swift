import Foundation
public import Addresses
import Spec

/// The addresses this daemon added, per interface: the only ones it may remove. Kept in the
/// state directory (`vips.json`) beside the IPVS ownership, so a restart neither removes an
/// address it adopted nor forgets one it added.
public struct VIPOwnership: Sendable, Hashable {
    public var interfaces: [String: Set<IPAddress>]

    public init(interfaces: [String: Set<IPAddress>] = [:]) {
        self.interfaces = interfaces
    }

    public subscript(interface: String) -> Set<IPAddress> {
        get { interfaces[interface] ?? [] }
        set { interfaces[interface] = newValue.isEmpty ? nil : newValue }
    }
}

/// Reads and writes ``VIPOwnership`` atomically (``AtomicFile``: a crash leaves the old file or
/// the new one).
public struct VIPOwnershipStore: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public var path: String { directory + "/vips.json" }

    /// Why the file could not be read or written; the message names it.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The JSON shape: versioned, readable by an operator.
    private struct File: Codable {
        struct Interface: Codable {
            var name: String
            var addresses: [String]
        }

        var version: Int
        var interfaces: [Interface]
    }

    /// The saved ownership; empty when there is no file yet.
    public func load() throws(Failure) -> VIPOwnership {
        guard FileManager.default.fileExists(atPath: path) else { return VIPOwnership() }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw Failure(description: "cannot read \(path): \(error) (move it aside to start over; the daemon then adopts the VIPs it finds instead of owning them)")
        }
        guard file.version == 1 else { throw Failure(description: "cannot read \(path): unknown version \(file.version)") }
        var ownership = VIPOwnership()
        for interface in file.interfaces {
            var addresses = Set<IPAddress>()
            for text in interface.addresses {
                guard let address = IPAddress(text) else { throw Failure(description: "cannot read \(path): '\(text)' is not an address") }
                addresses.insert(address)
            }
            ownership[interface.name] = addresses
        }
        return ownership
    }

    public func save(_ ownership: VIPOwnership) throws(Failure) {
        let file = File(version: 1, interfaces: ownership.interfaces.keys.sorted().map { name in
            File.Interface(name: name, addresses: ownership[name].sorted().map(\.description))
        })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try AtomicFile.write(Array(try encoder.encode(file)), to: path, in: directory)
        } catch let failure as AtomicFile.Failure {
            throw Failure(description: failure.description)
        } catch {
            throw Failure(description: "cannot write \(path): \(error)")
        }
    }
}
