import Glibc
import Logging
import Synchronization

/// swift-log's `StreamLogHandler` line format (`2026-12-02T13:04:02+0000 info gorb-reconcile:
/// key=value … [Module] message`), written at a fraction of its cost.
///
/// A cold start applies and logs a change per object, 11,000 lines at 1,000 services x 10
/// backends; `StreamLogHandler` calls `localtime` (which re-checks the time zone file) and locks
/// and flushes the stream per line, and that made up 90% of the first pass. This formats the
/// timestamp once per second and writes each line with one `write(2)`, so lines from different
/// threads never interleave.
struct TextLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init(label: String) {
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let explicit = event.metadata { merged.merge(explicit) { $1 } }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        var line = LogTimestamp.current()
        line += " \(event.level)"
        if !label.isEmpty { line += " " + label }
        line += ":"
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) { line += " \(key)=\(value)" }
        line += " [\(event.source)] \(event.message)\n"
        var bytes = line
        bytes.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return  // nowhere left to report it
                }
                offset += written
            }
        }
    }
}

/// Local time as `%Y-%m-%dT%H:%M:%S%z`, formatted at most once per second.
enum LogTimestamp {
    private static let cache = Mutex<(second: time_t, text: String)>((-1, ""))

    static func current() -> String {
        let now = time(nil)
        return cache.withLock { cached in
            if cached.second != now {
                var seconds = now
                var local = tm()
                var buffer = [UInt8](repeating: 0, count: 64)
                let length = localtime_r(&seconds, &local) == nil ? 0 : buffer.withUnsafeMutableBufferPointer { pointer in
                    pointer.withMemoryRebound(to: CChar.self) { strftime($0.baseAddress, $0.count, "%Y-%m-%dT%H:%M:%S%z", &local) }
                }
                if length > 0 {
                    cached = (now, String(decoding: buffer[..<length], as: UTF8.self))
                } else {
                    cached = (now, "<unknown>")
                }
            }
            return cached.text
        }
    }
}
