import ArgumentParser
import Foundation
import NIOHTTP1

/// `gorb-reconcile status`: the daily question, answered from the running daemon.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "What the running daemon holds: services and backends as 'ipvsadm -Ln', with health, weights, drains and overrides.",
        discussion: """
            Weight shows kernel/want/config: what the kernel holds, what it should hold now (health \
            checks and ramps applied), and the file's weight with overrides. The last pass and the \
            last reload follow (a rejected file's errors as FILE:LINE:COL). Exit status: 0 when \
            everything is up and in sync; 2 when a backend is down, a service lacks its quorum, the \
            kernel differs from the plan, or the last pass or reload failed (for monitoring); 4 \
            the daemon cannot be reached; 5 the token is refused.
            """
    )

    @OptionGroup var api: APIOptions

    @Flag(help: "Print everything as one JSON object (with 'attention': why the exit status is 2).")
    var json = false

    func run() async throws {
        var attention: [String] = []
        try await talk(api) { (client) async throws(ClientFailure) in
            let status = try await client.send(.GET, "/status").json() as? [String: Any] ?? [:]
            let plan = try await client.send(.GET, "/plan").json() as? [String: Any] ?? [:]
            let overrides = (try await client.send(.GET, "/overrides").json() as? [String: Any])?["overrides"] as? [[String: Any]] ?? []
            let ids = try await client.send(.GET, "/service").json() as? [String] ?? []
            var services: [[String: Any]] = []
            for id in ids {
                var service = try await client.send(.GET, "/service/\(BackendPath.escape(id))").json() as? [String: Any] ?? [:]
                service["id"] = id
                var backends: [[String: Any]] = []
                for backend in service["backends"] as? [String] ?? [] {
                    var info = try await client.send(.GET, "/service/\(BackendPath.escape(id))/\(BackendPath.escape(backend))").json() as? [String: Any] ?? [:]
                    info["id"] = backend
                    backends.append(info)
                }
                service["backends"] = backends
                services.append(service)
            }
            let report = StatusReport(status: status, plan: plan, overrides: overrides, services: services)
            attention = report.attention
            if json {
                let object: [String: Any] = ["status": status, "plan": plan, "overrides": overrides, "services": services, "attention": attention]
                if let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]) {
                    print(String(decoding: data, as: UTF8.self))
                }
            } else {
                print(report.text, terminator: "")
            }
        }
        if !attention.isEmpty { throw ExitCode(ClientExit.attention) }
    }
}

/// The answers of `GET /status`, `/plan`, `/overrides` and `/service/…` as a table.
struct StatusReport {
    var text = ""
    var attention: [String] = []

    init(status: [String: Any], plan: [String: Any], overrides: [[String: Any]], services: [[String: Any]]) {
        func overridesOf(_ service: String, _ backend: String?) -> [[String: Any]] {
            overrides.filter { $0["service"] as? String == service && $0["backend"] as? String == backend }
        }
        var lines: [String] = []
        lines.append("Prot LocalAddress:Port Scheduler Flags                   Service")
        lines.append("  -> RemoteAddress:Port           Forward Weight(kernel/want/config) ActiveConn InActConn Health  Notes")
        for service in services {
            let id = service["id"] as? String ?? "?"
            let options = service["options"] as? [String: Any] ?? [:]
            let quorum = service["quorum"] as? [String: Any] ?? [:]
            var flags = (options["flags"] as? [String] ?? []).joined(separator: ",")
            if let persistent = options["persistent"] as? Int, persistent > 0 { flags = ["persistent \(persistent)", flags].filter { !$0.isEmpty }.joined(separator: " ") }
            var notes: [String] = []
            if quorum["met"] as? Bool == false {
                notes.append("QUORUM LOST (\(quorum["healthy"] ?? 0)/\(quorum["required"] ?? 0) healthy)")
                attention.append("service \(id) lacks its quorum")
            }
            for override in overridesOf(id, nil) { notes.append("override: " + OverrideLine(override).text) }
            if service["stats"] == nil { notes.append("not in the kernel") }
            lines.append("\(Self.pad(Self.proto(options), 4)) \(Self.pad(Self.address(options), 21)) \(Self.pad("\(options["method"] ?? "?")", 9)) \(Self.pad(flags, 23)) \(id)" + (notes.isEmpty ? "" : "  " + notes.joined(separator: "; ")))
            for backend in service["backends"] as? [[String: Any]] ?? [] {
                let bid = backend["id"] as? String ?? "?"
                let options = backend["options"] as? [String: Any] ?? [:]
                let metrics = backend["metrics"] as? [String: Any] ?? [:]
                let stats = backend["stats"] as? [String: Any]
                let kernel = stats?["weight"] as? Int
                let want = options["weight"] as? Int ?? 0
                let config = options["configured-weight"] as? Int ?? 0
                let state = metrics["state"] as? String ?? "unknown"
                let fallback = options["fallback"] as? Bool ?? false
                var notes: [String] = []
                if fallback { notes.append("fallback") }
                if config == 0 { notes.append("drained") }
                for override in overridesOf(id, bid) { notes.append("override: " + OverrideLine(override).text) }
                if let error = metrics["last-error"] as? String, state == "down" { notes.append(error) }
                if state == "down" && !fallback { attention.append("backend \(id)/\(bid) is down") }
                if let kernel, kernel != want {
                    notes.append("OUT OF SYNC")
                    attention.append("backend \(id)/\(bid): the kernel holds weight \(kernel), it should be \(want)")
                } else if kernel == nil {
                    notes.append("not in the kernel")
                }
                let weights = "\(kernel.map(String.init) ?? "-")/\(want)/\(config)"
                let active = stats?["active-connections"].map { "\($0)" } ?? "-"
                let inactive = stats?["inactive-connections"].map { "\($0)" } ?? "-"
                let address = Self.hostPort(options["host"] as? String ?? "?", options["port"] as? Int ?? 0)
                lines.append("  -> \(Self.pad(address, 29)) \(Self.pad(Self.forward(options["method"] as? String), 7)) \(Self.pad(weights, 27)) \(Self.pad(active, 10)) \(Self.pad(inactive, 9)) \(Self.pad(state, 7)) \(bid)" + (notes.isEmpty ? "" : "  " + notes.joined(separator: "; ")))
            }
        }
        lines.append("")
        let config = status["config"] as? [String: Any] ?? [:]
        let path = config["path"] as? String ?? "?"
        if config["last-reload-succeeded"] as? Bool == false {
            lines.append("config: \(path): last reload \(config["last-reload"] ?? "?") REJECTED; the previous good file stays in force:")
            for error in config["errors"] as? [String] ?? [] { lines.append("  \(error)") }
            attention.append("the last reload was rejected")
        } else {
            lines.append("config: \(path): last reload \(config["last-reload"] ?? "?"), ok")
        }
        if let pass = status["last-pass"] as? [String: Any] {
            let errors = pass["errors"] as? [String] ?? []
            if pass["succeeded"] as? Bool == false || !errors.isEmpty {
                lines.append("last pass: \(pass["time"] ?? "?"): FAILED")
                for error in errors { lines.append("  \(error)") }
                attention.append("the last pass failed")
            } else {
                lines.append("last pass: \(pass["time"] ?? "?"): ok, \(pass["applied"] ?? 0) changes, \(pass["draining"] ?? 0) draining")
            }
        } else {
            lines.append("last pass: none yet")
        }
        let changes = plan["changes"] as? [[String: Any]] ?? []
        if plan["in-sync"] as? Bool == false {
            lines.append("plan: \(changes.count) change(s) pending:")
            for change in changes { lines.append("  \(change["change"] ?? "?")") }
            attention.append("the kernel differs from the plan (\(changes.count) changes pending)")
        } else {
            lines.append("plan: in sync")
        }
        let notInForce = overrides.filter { $0["in-force"] as? Bool == false }.count
        lines.append("overrides: \(overrides.count)" + (notInForce > 0 ? " (\(notInForce) not in force)" : ""))
        text = lines.joined(separator: "\n") + "\n"
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func proto(_ options: [String: Any]) -> String {
        if options["fwmark"] is Int { return "FWM" }
        return (options["protocol"] as? String ?? "?").uppercased()
    }

    static func address(_ options: [String: Any]) -> String {
        if let mark = options["fwmark"] as? Int { return "\(mark)" + (options["family"] as? String == "ipv6" ? " IPv6" : "") }
        var host = options["host"] as? String ?? ""
        if host.isEmpty, let interface = options["interface"] as? String { host = "(\(interface))" }
        return hostPort(host, options["port"] as? Int ?? 0)
    }

    static func hostPort(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// ipvsadm's names for the forwarding methods.
    static func forward(_ method: String?) -> String {
        switch method {
        case "nat": "Masq"
        case "tunnel": "Tunnel"
        case "dr": "Route"
        default: method ?? "?"
        }
    }
}
