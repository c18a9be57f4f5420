import Foundation
import Reconciler
import Testing

/// One writer at a time: the daemon's lock on its state directory.
@Suite struct StateLockTests {
    func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("state-lock-\(UUID().uuidString.prefix(8))").path
    }

    @Test func noFileNoDaemon() {
        #expect(!StateLock.isHeld(directory: temporaryDirectory()))
    }

    @Test func heldThenReleased() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var lock: StateLock? = try StateLock.acquire(directory: directory)
        #expect(lock?.path == directory + "/lock")
        #expect(StateLock.isHeld(directory: directory))
        // A second writer is refused, with the reason.
        #expect {
            _ = try StateLock.acquire(directory: directory)
        } throws: { error in
            guard case .held = error as? StateLock.Failure else { return false }
            return true
        }
        lock = nil
        // The file stays behind, but an unheld file blocks nobody.
        #expect(FileManager.default.fileExists(atPath: directory + "/lock"))
        #expect(!StateLock.isHeld(directory: directory))
        let again = try StateLock.acquire(directory: directory)
        #expect(StateLock.isHeld(directory: directory))
        withExtendedLifetime(again) {}
    }
}
