import Logging

/// Tests assert on outcomes, not log lines; keep their output readable.
let quietLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
