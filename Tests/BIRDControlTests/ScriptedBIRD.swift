import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A unix socket that plays BIRD from a script: it accepts one connection and, step by step,
/// sends text, reads a command line (recorded), pauses or hangs up.
final class ScriptedBIRD: Sendable {
    enum Step: Sendable {
        /// Sends these bytes as they are (lines end with `\n` in the script).
        case say(String)
        /// Reads one line from the client and records it.
        case read
        case pause(milliseconds: Int)
        /// Closes the connection.
        case hangUp
    }

    let path: String
    private let listener: Int32
    private let received = Mutex<[String]>([])
    private let finished = Mutex(false)

    init(_ script: [Step]) {
        path = NSTemporaryDirectory() + "bird-\(UUID().uuidString.prefix(8)).ctl"
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        listen(listener, 1)
        Thread.detachNewThread { [self] in
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { return }
            var pending: [UInt8] = []
            play: for step in script {
                switch step {
                case .say(let text):
                    let bytes = Array(text.utf8)
                    _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                case .read:
                    while !pending.contains(0x0A) {
                        var chunk = [UInt8](repeating: 0, count: 512)
                        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                        if count <= 0 { break play }
                        pending += chunk[..<count]
                    }
                    let newline = pending.firstIndex(of: 0x0A)!
                    let line = String(decoding: pending[..<newline], as: UTF8.self)
                    pending.removeSubrange(...newline)
                    received.withLock { $0.append(line) }
                case .pause(let milliseconds):
                    usleep(UInt32(milliseconds * 1000))
                case .hangUp:
                    break play
                }
            }
            close(fd)
            finished.withLock { $0 = true }
        }
    }

    deinit {
        close(listener)
        unlink(path)
    }

    /// The command lines the client sent.
    var commands: [String] { received.withLock { $0 } }
}
