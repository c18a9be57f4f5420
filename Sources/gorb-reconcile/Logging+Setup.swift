import ArgumentParser
import Foundation
import Logging

/// `--log-level` values.
enum LogLevelOption: String, ExpressibleByArgument, CaseIterable {
    case trace, debug, info, notice, warning, error, critical

    var level: Logger.Level { Logger.Level(rawValue: rawValue) ?? .info }
}

/// `--log-format` values.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Bootstraps swift-log once, for the whole process (only the executable does this; the library
/// modules take a `Logger`).
enum LogSetup {
    static func bootstrap(_ options: KernelOptions) -> Logger {
        let level = options.logLevel.level
        switch options.logFormat {
        case .text:
            LoggingSystem.bootstrap { label in
                var handler = TextLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
        case .json:
            LoggingSystem.bootstrap { label in
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
        }
        return Logger(label: "gorb-reconcile")
    }
}

/// One JSON object per line on standard error: `{"ts": …, "level": …, "msg": …, …metadata}`.
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var object: [String: String] = [
            "ts": ISO8601DateFormatter().string(from: Date()),
            "level": event.level.rawValue,
            "msg": event.message.description,
            "logger": label,
        ]
        if let error = event.error { object["error"] = "\(error)" }
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            object[key] = value.description
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        FileHandle.standardError.write(data + Data("\n".utf8))
    }
}
