#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a whole file with plain POSIX calls (the config path and the state files), keeping
/// Foundation out of the core modules.
enum FileBytes {
    struct ReadError: Error, CustomStringConvertible {
        var description: String
    }

    /// The largest file read: far beyond any real configuration, small enough to refuse a mistake
    /// such as pointing `--config` at a disk image.
    static let limit = 64 << 20

    static func read(_ path: String) throws(ReadError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ReadError(description: "cannot open the file: \(describe(errno))") }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(description: "cannot read the file: \(describe(errno))")
            }
            if count == 0 { break }
            result.append(contentsOf: chunk[0..<count])
            if result.count > limit {
                throw ReadError(description: "the file is larger than \(limit >> 20) MiB; is it the right file?")
            }
        }
        return result
    }

    private static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
