import Dispatch
import Foundation
import Glibc

/// systemd's end of the protocol, for tests: a real unix datagram socket bound in a temporary
/// directory (or an abstract name), read with a timeout.
final class FakeNotifySocket: @unchecked Sendable {
    let fd: Int32
    /// What to put in `NOTIFY_SOCKET`.
    let address: String
    private let directory: String?

    init(abstract: Bool = false) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var name: [UInt8]
        if abstract {
            let label = "gorb-notify-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            address = "@" + label
            name = [0] + Array(label.utf8)
            directory = nil
        } else {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            directory = dir
            address = dir + "/notify.sock"
            name = Array(address.utf8) + [0]
        }
        var sun = sockaddr_un()
        sun.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &sun.sun_path) { $0.copyBytes(from: name) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + name.count - (abstract ? 0 : 1))
        let bound = withUnsafePointer(to: &sun) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    /// The next datagram, or nil after `timeout`.
    func receive(timeout: Double = 5) -> String? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(timeout * 1000)) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }

    /// The next datagram, awaited on a dispatch thread: a blocking `poll` on the cooperative
    /// pool would starve the very tasks that send it.
    func next(timeout: Double = 5) async -> String? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.receive(timeout: timeout)) }
        }
    }

    /// Every datagram that arrives within `window`.
    func drain(window: Double) -> [String] {
        var messages: [String] = []
        while let message = receive(timeout: window) { messages.append(message) }
        return messages
    }

    deinit {
        close(fd)
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }
}
