import ArgumentParser
import NIOHTTP1

/// `gorb-reconcile maintenance on|off|show`: takes this host out of the tier and back.
struct MaintenanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maintenance",
        abstract: "Host maintenance: 'on' withdraws every BGP route of this host (IPVS keeps serving the flows already there), 'off' announces them again.",
        discussion: "POST /maintenance {\"enabled\": true|false, \"reason\": \"…\"}; saved in the state directory, so it survives a restart. 'show' (the default) prints it."
    )

    enum Switch: String, ExpressibleByArgument, CaseIterable {
        case on, off, show
    }

    @OptionGroup var api: APIOptions
    @Argument(help: "on, off or show.")
    var state: Switch = .show
    @Option(help: ArgumentHelp("Why (shown in GET /status).", valueName: "text"))
    var reason: String?

    func validate() throws {
        if reason != nil, state != .on { throw ValidationError("--reason goes with 'on'") }
    }

    func run() async throws {
        try await talk(api) { (client) async throws(ClientFailure) in
            let answer: DaemonClient.Answer
            if state == .show {
                answer = try await client.send(.GET, "/maintenance")
            } else {
                var body: [String: Any] = ["enabled": state == .on]
                if let reason { body["reason"] = reason }
                answer = try await client.send(.POST, "/maintenance", json: body)
            }
            let fields = try answer.json() as? [String: Any] ?? [:]
            let enabled = fields["enabled"] as? Bool ?? false
            let reason = (fields["reason"] as? String).map { ": \($0)" } ?? ""
            let since = (fields["since"] as? String).map { " (since \($0))" } ?? ""
            print(enabled ? "maintenance on\(reason)\(since): this host announces no route" : "maintenance off\(since)")
        }
    }
}
