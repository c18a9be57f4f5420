import ArgumentParser
import Foundation
import NIOHTTP1
import Spec

/// `SERVICE/BACKEND` on the command line.
struct BackendPath: ExpressibleByArgument, CustomStringConvertible {
    var service: String
    var backend: String

    init?(argument: String) {
        let parts = argument.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        service = String(parts[0])
        backend = String(parts[1])
    }

    var apiPath: String { "/service/\(Self.escape(service))/\(Self.escape(backend))" }
    var description: String { "\(service)/\(backend)" }

    static func escape(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? id
    }
}

/// `--for 30m`: how long a change lasts.
struct Lifetime: ParsableArguments {
    @Option(name: .customLong("for"), help: ArgumentHelp("Undo the change by itself after this long (30m, 2h); without it the change stays until undone.", valueName: "duration"))
    var duration: String?

    func validate() throws {
        if let duration, (DurationText.parse(duration) ?? .zero) <= .zero {
            throw ValidationError("--for takes a positive duration like 30m or 1h30m, found '\(duration)'")
        }
    }

    var query: String { duration.map { "?ttl=\($0.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? $0)" } ?? "" }
    var phrase: String { duration.map { " for \($0)" } ?? " until undone" }
}

/// Runs a client command with a client of the daemon at `api`: a failure becomes its one line
/// and its exit code.
func talk(_ api: APIOptions, _ body: (DaemonClient) async throws(ClientFailure) -> Void) async throws {
    do {
        try await body(try DaemonClient.make(api))
    } catch {
        throw error.exit()
    }
}

/// `gorb-reconcile drain SERVICE/BACKEND`.
struct Drain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Drain a backend: weight 0 in the running daemon (new connections go elsewhere, open ones finish).",
        discussion: "A weight override through the REST API (PATCH /service/SERVICE/BACKEND {\"weight\": 0}); 'undrain' removes it. Answers once the kernel holds it."
    )

    @OptionGroup var api: APIOptions
    @Argument(help: ArgumentHelp("The backend, as service id/backend id.", valueName: "service/backend"))
    var target: BackendPath
    @OptionGroup var lifetime: Lifetime

    func run() async throws {
        try await talk(api) { (client) async throws(ClientFailure) in
            _ = try await client.send(.PATCH, target.apiPath + lifetime.query, json: ["weight": 0])
            print("drained \(target)\(lifetime.phrase)")
        }
    }
}

/// `gorb-reconcile undrain SERVICE/BACKEND`.
struct Undrain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Undo 'drain' (and 'weight'): remove the backend's overrides, so the file's values come back.",
        discussion: "DELETE /overrides/service/SERVICE/BACKEND: every override of that backend goes, not only the weight. A backend the file itself gives weight 0 stays drained: change the file for that."
    )

    @OptionGroup var api: APIOptions
    @Argument(help: ArgumentHelp("The backend, as service id/backend id.", valueName: "service/backend"))
    var target: BackendPath

    func run() async throws {
        try await talk(api) { (client) async throws(ClientFailure) in
            // A backend that does not exist is an error; one without overrides is already undrained.
            _ = try await client.send(.GET, target.apiPath)
            let answer = try await client.raw(.DELETE, "/overrides" + target.apiPath)
            if answer.status == 404 {
                print("\(target) has no override: nothing to undo")
                return
            }
            guard (200..<300).contains(answer.status) else { _ = try await client.send(.DELETE, "/overrides" + target.apiPath); return }
            let removed = ((try? answer.json()) as? [String: Any])?["removed"] as? Int ?? 0
            print("undrained \(target): \(removed) override(s) removed, the file's values are back")
        }
    }
}

/// `gorb-reconcile weight SERVICE/BACKEND N`.
struct Weight: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Set a backend's weight in the running daemon (an override on top of the file).",
        discussion: "PATCH /service/SERVICE/BACKEND {\"weight\": N}; health checks still scale it. 'undrain' removes it."
    )

    @OptionGroup var api: APIOptions
    @Argument(help: ArgumentHelp("The backend, as service id/backend id.", valueName: "service/backend"))
    var target: BackendPath
    @Argument(help: "The weight, 0 to 65535 (0 drains).")
    var weight: Int32
    @OptionGroup var lifetime: Lifetime

    func validate() throws {
        guard (0...65535).contains(weight) else { throw ValidationError("the weight is 0 to 65535, found \(weight)") }
    }

    func run() async throws {
        try await talk(api) { (client) async throws(ClientFailure) in
            _ = try await client.send(.PATCH, target.apiPath + lifetime.query, json: ["weight": Int(weight)])
            print("weight of \(target) is \(weight)\(lifetime.phrase)")
        }
    }
}

/// `gorb-reconcile overrides [list|clear]`.
struct Overrides: AsyncParsableCommand {
    enum Action: String, ExpressibleByArgument, CaseIterable {
        case list, clear
    }

    static let configuration = CommandConfiguration(
        abstract: "List the REST API's overrides on top of the file, or clear them (the file's values return).",
        discussion: "clear takes an optional SERVICE or SERVICE/BACKEND to clear only those (DELETE /overrides…)."
    )

    @OptionGroup var api: APIOptions
    @Argument(help: "list (the default) or clear.")
    var action: Action = .list
    @Argument(help: ArgumentHelp("With clear: only this service's (backends included) or this backend's.", valueName: "service[/backend]"))
    var subject: String?
    @Flag(help: "Print the daemon's JSON.")
    var json = false

    func validate() throws {
        if subject != nil && action == .list { throw ValidationError("'overrides list' takes no argument") }
    }

    func run() async throws {
        try await talk(api) { (client) async throws(ClientFailure) in
            switch action {
            case .list:
                let answer = try await client.send(.GET, "/overrides")
                if json {
                    print(String(decoding: answer.body, as: UTF8.self))
                    return
                }
                let overrides = ((try answer.json()) as? [String: Any])?["overrides"] as? [[String: Any]] ?? []
                if overrides.isEmpty { print("no overrides: the file is in force as written") }
                for override in overrides { print(OverrideLine(override).text) }
            case .clear:
                var path = "/overrides"
                if let subject {
                    path += "/service/" + subject.split(separator: "/", maxSplits: 1).map { BackendPath.escape(String($0)) }.joined(separator: "/")
                }
                let answer = try await client.send(.DELETE, path)
                let removed = ((try? answer.json()) as? [String: Any])?["removed"] as? Int ?? 0
                print("cleared \(removed) override(s)" + (subject.map { " of \($0)" } ?? "") + "; the file's values are back")
            }
        }
    }
}

/// One override as a line: `web/web-3  patch weight=0  until 2026-…` .
struct OverrideLine {
    var text: String

    init(_ override: [String: Any]) {
        let service = override["service"] as? String ?? "?"
        let subject = (override["backend"] as? String).map { "\(service)/\($0)" } ?? service
        let action = override["action"] as? String ?? "?"
        var change = action
        if let fields = override["fields"] as? [String], let options = override["options"] as? [String: Any] {
            change += " " + fields.map { "\($0)=\(options[$0].map { "\($0)" } ?? "?")" }.joined(separator: " ")
        }
        var text = "\(subject)  \(change)"
        text += (override["expires"] as? String).map { "  until \($0)" } ?? "  until undone"
        if override["in-force"] as? Bool == false {
            text += "  NOT IN FORCE: \(override["problem"] as? String ?? "")"
        }
        self.text = text
    }
}

/// `gorb-reconcile reload`.
struct Reload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make the running daemon re-read its file (as kill -HUP) and wait for the result.",
        discussion: "POST /reload, then the pass that applies the file. A rejected file prints each error as FILE:LINE:COL and exits 7; the daemon keeps the last good file."
    )

    @OptionGroup var api: APIOptions

    func run() async throws {
        try await talk(api) { (client) async throws(ClientFailure) in
            let answer = try await client.raw(.POST, "/reload")
            if answer.status == 422 {
                let errors = ((try? answer.json()) as? [String: Any])?["errors"] as? [String] ?? [answer.errorMessage]
                for error in errors { print(error, to: &standardErrorStream) }
                throw ClientFailure(description: "the file was not reloaded; the daemon keeps the last good one", code: ClientExit.refused)
            }
            guard (200..<300).contains(answer.status) else { _ = try await client.send(.POST, "/reload"); return }
            let counts = (try answer.json()) as? [String: Any] ?? [:]
            print("reloaded: \(counts["services"] ?? "?") services, \(counts["backends"] ?? "?") backends")
            // The pass that applies it (a daemon too old to say which: the next one).
            let ticket = counts["pass"] as? Int ?? 0
            let deadline = ContinuousClock.now + .seconds(15)
            while ContinuousClock.now < deadline {
                let status = (try await client.send(.GET, "/status").json()) as? [String: Any] ?? [:]
                if (status["passes"] as? Int ?? 0) >= ticket, let pass = status["last-pass"] as? [String: Any] {
                    let errors = pass["errors"] as? [String] ?? []
                    if errors.isEmpty && pass["succeeded"] as? Bool != false {
                        print("applied: \(pass["applied"] ?? 0) changes")
                        return
                    }
                    for error in errors { print("error: \(error)", to: &standardErrorStream) }
                    throw ClientFailure(description: "the pass after the reload failed; the daemon retries it", code: 1)
                }
                try? await Task.sleep(for: .milliseconds(100))
            }
            print("the pass that applies it has not finished yet: see 'gorb-reconcile status'")
        }
    }
}

extension DaemonClient {
    static func make(_ options: APIOptions) throws(ClientFailure) -> DaemonClient {
        do {
            return try DaemonClient(options)
        } catch let failure as ClientFailure {
            throw failure
        } catch {
            throw ClientFailure(description: "\(error)", code: 1)
        }
    }
}
