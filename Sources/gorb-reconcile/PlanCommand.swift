import ArgumentParser
import Foundation
import IPVS
import Logging
import NIOHTTP1
import Reconciler
import Spec

/// `gorb-reconcile plan`: what `apply` would change, without changing it.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the changes 'apply' would make to the running kernel.",
        discussion: """
            One line per change, as ipvsadm arguments, marked + (create), ~ (update in place), \
            - (delete) or 0 (drain: weight 0 until the backend's connections end). Exit status: \
            0 when the kernel already matches, 2 when there are changes, 1 on error. Needs root \
            (reading IPVS needs CAP_NET_ADMIN). While a daemon runs with --state-dir (it holds \
            the state directory's lock), the plan is the daemon's own (GET /plan through --api), \
            health checks and overrides included, and a note on standard error says so.
            """
    )

    @OptionGroup var config: ConfigOptions
    @OptionGroup var kernel: KernelOptions
    @OptionGroup var api: APIOptions

    @Flag(help: "Print the plan as JSON.")
    var json = false

    func run() async throws {
        let logger = LogSetup.bootstrap(kernel)
        if StateLock.isHeld(directory: kernel.stateDirectory) {
            try await askDaemon()
            return
        }
        let spec = try KernelSession.loadConfig(config, kernel: kernel)
        let outcome = try KernelSession.withReconciler(kernel, logger: logger) { reconciler in
            try reconciler.plan(spec)
        }
        for problem in outcome.problems {
            print("warning: \(problem) (left as it is)", to: &standardErrorStream)
        }
        if json {
            let steps = outcome.plan.steps.map { ["kind": $0.kind.rawValue, "change": "\($0.change)", "subject": $0.subject] }
            let data = try JSONSerialization.data(withJSONObject: steps, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            printLines(outcome.plan.steps)
            if outcome.plan.isEmpty { print("no changes: the kernel matches \(config.path)") }
        }
        if !outcome.plan.isEmpty { throw ExitCode(2) }
    }

    /// The running daemon's plan: a plan made here would see no health checks, so it would
    /// report the daemon's health-driven weights and its sorry server as changes.
    func askDaemon() async throws {
        print("note: a daemon runs with \(kernel.stateDirectory) (it holds \(StateLock.path(in: kernel.stateDirectory))): this is its plan, asked through \(api.url) (GET /plan), health checks and overrides included", to: &standardErrorStream)
        var changes: [[String: Any]] = []
        try await talk(api) { (client) async throws(ClientFailure) in
            let plan = try await client.send(.GET, "/plan").json() as? [String: Any] ?? [:]
            changes = plan["changes"] as? [[String: Any]] ?? []
            for problem in plan["problems"] as? [String] ?? [] {
                print("warning: \(problem) (left as it is)", to: &standardErrorStream)
            }
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: changes, options: [.prettyPrinted, .sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            let marks = ["create": "+", "update": "~", "delete": "-", "drain": "0"]
            for change in changes {
                let subject = change["subject"] as? String ?? ""
                print("\(marks[change["kind"] as? String ?? ""] ?? "?") \(change["change"] ?? "")" + (subject.isEmpty ? "" : "   # \(subject)"))
            }
            if changes.isEmpty { print("no changes: the kernel matches the daemon's desired state") }
        }
        if !changes.isEmpty { throw ExitCode(2) }
    }
}

/// `gorb-reconcile apply`: one reconcile pass.
struct Apply: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make the kernel match the file, once, then exit.",
        discussion: """
            Applies the plan (see 'plan') and remembers what it created in --state-dir, so later \
            runs only ever delete what this tool made. Exits 1, naming each failed change and the \
            kernel's reason, if the kernel refused anything; the rest is still applied. Refuses \
            (exit 3) while a daemon runs with the same --state-dir: reload the daemon instead.
            """
    )

    @OptionGroup var config: ConfigOptions
    @OptionGroup var kernel: KernelOptions

    func run() throws {
        let logger = LogSetup.bootstrap(kernel)
        // One writer at a time: held while this pass runs.
        let lock: StateLock
        do {
            lock = try StateLock.acquire(directory: kernel.stateDirectory)
        } catch .held {
            print("error: a gorb-reconcile daemon runs with \(kernel.stateDirectory): 'apply' would undo its health-driven weights; change the file and reload the daemon instead ('gorb-reconcile reload', POST /reload, or kill -HUP)", to: &standardErrorStream)
            throw ExitCode(ClientExit.daemonRunning)
        } catch {
            print("error: \(error)", to: &standardErrorStream)
            throw ExitCode(1)
        }
        defer { withExtendedLifetime(lock) {} }
        let spec = try KernelSession.loadConfig(config, kernel: kernel)
        let report = try KernelSession.withReconciler(kernel, logger: logger) { reconciler in
            try reconciler.apply(spec)
        }
        printLines(report.planned)
        print("applied \(report.applied) of \(report.planned.count) changes" + (report.draining > 0 ? "; \(report.draining) backends draining" : ""))
        if !report.failures.isEmpty {
            for failure in report.failures { print("error: \(failure)", to: &standardErrorStream) }
            throw ExitCode(1)
        }
    }
}

/// One line per step, written at once: a cold start prints 11,000 of them, and a `print` per
/// line costs a lock and a formatting pass each.
func printLines(_ steps: [PlanStep]) {
    guard !steps.isEmpty else { return }
    var text = ""
    text.reserveCapacity(steps.count * 64)
    for step in steps {
        text += step.description
        text += "\n"
    }
    print(text, terminator: "")
}

/// Opening the kernel and loading the file, shared by the commands that need both.
enum KernelSession {
    static func loadFile(_ options: ConfigOptions) throws -> ValidatedFile {
        switch ConfigReader.read(options) {
        case .success(let file): return file
        case .failure(let diagnostics):
            ConfigReader.printErrors(diagnostics, file: options.path)
            throw ExitCode(1)
        }
    }

    /// The file with the REST API's saved overrides on top, as the daemon would apply it: a
    /// one-shot `apply` beside a daemon must not undo an operator's `drain web-3`.
    static func loadConfig(_ options: ConfigOptions, kernel: KernelOptions) throws -> Config {
        let file = try loadFile(options)
        let overlay: Overlay
        do {
            overlay = try StateStore(directory: kernel.stateDirectory).loadOverlay()
        } catch {
            print("error: \(error)", to: &standardErrorStream)
            throw ExitCode(1)
        }
        let desired = DesiredConfig(file: file, overlay: overlay)
        if !overlay.isEmpty {
            print("note: \(overlay.overrides.count) REST API override(s) from \(kernel.stateDirectory) apply on top of \(options.path)", to: &standardErrorStream)
        }
        for problem in desired.problems { print("warning: override not in force: \(problem)", to: &standardErrorStream) }
        return desired.config
    }

    static func withReconciler<T>(_ options: KernelOptions, logger: Logger, _ body: (Reconciler) throws -> T) throws -> T {
        let ipvs: KernelIPVS
        do {
            ipvs = try KernelIPVS(logger: logger)
        } catch {
            print("error: \(error)", to: &standardErrorStream)
            throw ExitCode(1)
        }
        defer { ipvs.close() }
        let reconciler = Reconciler(ipvs: ipvs, store: StateStore(directory: options.stateDirectory), logger: logger)
        do {
            return try body(reconciler)
        } catch let error as ReconcileError {
            print("error: \(error)", to: &standardErrorStream)
            throw ExitCode(1)
        }
    }
}

nonisolated(unsafe) var standardErrorStream = StandardError()
