import Foundation
import Spec

/// Host maintenance on disk (`maintenance.json` in the state directory), so a host taken out of
/// the tier stays out across a restart: a daemon restarted during maintenance must not announce.
extension StateStore {
    public var maintenancePath: String { directory + "/maintenance.json" }

    /// The saved maintenance; off when there is no file yet.
    ///
    /// - Throws: when the file exists but cannot be read: the daemon then refuses to start rather
    ///   than announce a host the operator took out.
    public func loadMaintenance() throws(Failure) -> Maintenance {
        guard FileManager.default.fileExists(atPath: maintenancePath) else { return Maintenance() }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: maintenancePath))
            return try JSONDecoder().decode(Maintenance.self, from: data)
        } catch {
            throw Failure(description: "cannot read \(maintenancePath): \(error) (fix or remove it; removing it ends maintenance)")
        }
    }

    public func saveMaintenance(_ maintenance: Maintenance) throws(Failure) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do {
            data = try encoder.encode(maintenance)
        } catch {
            throw Failure(description: "cannot encode maintenance: \(error)")
        }
        try writeAtomically(data, to: maintenancePath)
    }
}
