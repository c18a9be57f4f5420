import Foundation
import Spec

extension StateStore {
    /// Writes a state file the one atomic way every state file is written (``AtomicFile``), so
    /// a crash leaves the old file or the new one.
    func writeAtomically(_ data: Data, to path: String) throws(Failure) {
        do {
            try AtomicFile.write(Array(data), to: path, in: directory)
        } catch {
            throw Failure(description: error.description)
        }
    }
}
