#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a state file so that a crash at any moment leaves the old file or the new one, never a
/// torn one (invariant 6: nothing is lost): a temporary file in the same directory is written and
/// `fsync`ed, renamed over the old one, and the directory is `fsync`ed.
///
/// One implementation for every file the daemon keeps (the overlay here, ownership in
/// `Reconciler`), so they all survive a power cut the same way.
public enum AtomicFile {
    /// Why a file could not be written; the message names the file and the system's reason.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Replaces the file at `path` (in `directory`, created when missing) with `bytes`.
    ///
    /// A write killed before its rename leaves `PATH.tmp-PID` behind, which no reader looks at.
    public static func write(_ bytes: [UInt8], to path: String, in directory: String) throws(Failure) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw Failure(description: "cannot write \(path): \(error)")
        }
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure(description: "cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var ok = bytes.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw Failure(description: "cannot write \(path): \(reason)")
        }
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }
}
