public import Spec

/// What the loop has done, for logs, `GET /status` and `GET /metrics`. Counters only grow.
public struct ControllerStatus: Sendable {
    /// The config file.
    public var configPath: String
    /// The errors of the last reload, when it failed (the previous good file stays in force).
    public var configErrors: [String] = []
    public var lastReloadSucceeded = true
    /// Overrides kept but not in force (their object left the file, or they clash with it).
    public var overlayProblems: [OverlayProblem] = []
    public var lastReloadAt: WallTime?
    public var reloads = 0
    public var reloadFailures = 0
    public var passes = 0
    /// Passes that could not even read the kernel or the state (not partial failures).
    public var failedPasses = 0
    public var changesApplied = 0
    public var changesByKind: [PlanStep.Kind: Int] = [:]
    /// Changes made by passes with nothing new to apply: someone changed the kernel by hand.
    public var driftRepaired = 0
    /// Total time spent in passes, for the duration summary.
    public var passSeconds: Double = 0
    public var lastPass: PassReport?
    public var lastPassAt: WallTime?
    public var lastError: String?

    public init(configPath: String, overlayProblems: [OverlayProblem] = [], lastReloadAt: WallTime? = nil) {
        self.configPath = configPath
        self.overlayProblems = overlayProblems
        self.lastReloadAt = lastReloadAt
    }

    mutating func record(_ report: PassReport, at time: WallTime, repairing: Bool) {
        lastPass = report
        lastPassAt = time
        changesApplied += report.applied
        for (kind, count) in report.appliedByKind { changesByKind[kind, default: 0] += count }
        if repairing { driftRepaired += report.applied }
        passSeconds += Double(report.duration.components.seconds) + Double(report.duration.components.attoseconds) / 1e18
        lastError = report.failures.first?.description
    }
}
