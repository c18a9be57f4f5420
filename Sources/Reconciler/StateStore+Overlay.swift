import Foundation
public import Spec
import YAMLBridge

/// The REST API's overrides on disk (`overrides.json` in the state directory), written the same
/// atomic way as the ownership file, so a restart keeps every override and a crash mid-write
/// leaves the old list or the new one, never a torn one.
extension StateStore {
    public var overlayPath: String { directory + "/overrides.json" }

    /// The saved overlay; empty when there is none yet.
    ///
    /// - Throws: when the file exists but cannot be read. The daemon then refuses to start rather
    ///   than drop an operator's overrides (a drained backend would take traffic again).
    public func loadOverlay() throws(Failure) -> Overlay {
        guard FileManager.default.fileExists(atPath: overlayPath) else { return Overlay() }
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: overlayPath)))
        } catch {
            throw Failure(description: "cannot read \(overlayPath): \(error)")
        }
        do {
            guard let root = try YAMLParser.parse(bytes) else { return Overlay() }
            return Overlay(try NodeDecoder().decode(OverlayFile.self, from: root).overrides)
        } catch {
            throw Failure(description: "cannot read \(overlayPath): \(error) (fix or move it aside; moving it aside forgets every REST API override)")
        }
    }

    public func saveOverlay(_ overlay: Overlay) throws(Failure) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try writeAtomically(try encoder.encode(OverlayFile(version: 1, overrides: overlay.overrides)), to: overlayPath)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "cannot write \(overlayPath): \(error)")
        }
    }
}

/// The JSON shape of the overlay file: versioned, readable.
struct OverlayFile: Codable {
    var version: Int
    var overrides: [Override]
}
