import Foundation
import Synchronization

/// The agent's endpoints on the model: each returns an HTTP status and body as Consul would.
extension AgentModel {
    public struct Answer: Sendable {
        public var status: Int
        public var body: String
        init(_ status: Int, _ body: String = "") {
            self.status = status
            self.body = body
        }
    }

    /// `PUT /v1/agent/service/register[?replace-existing-checks]`. Documented: `Name` required,
    /// `ID` defaults to `Name`; the `Check`'s `CheckID` defaults to `service:<ID>` and its `Name`
    /// to `Service '<Name>' check`; a check starts critical unless `Status` says otherwise;
    /// registering an existing ID replaces it; with `replace-existing-checks`, checks of the
    /// service missing from the request are removed (Consul's maintenance check among them).
    ///
    /// Stricter than Consul on purpose: Consul's JSON decoding accepts any case and ignores
    /// unknown fields, this stand-in answers 400 to a field not spelled as the docs spell it, so
    /// the client is held to the documented names.
    func register(_ body: [UInt8], replaceExistingChecks: Bool) -> Answer {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            return Answer(400, "Request decode failed: the body is not a JSON object")
        }
        let known: Set<String> = ["ID", "Name", "Tags", "Address", "Port", "Meta", "Check", "EnableTagOverride", "Weights", "TaggedAddresses", "Kind", "Checks"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            return Answer(400, "Request decode failed: unknown field \"\(unknown)\" (the stand-in holds clients to the documented names)")
        }
        guard let name = object["Name"] as? String, !name.isEmpty else { return Answer(400, "Missing service name") }
        let id = (object["ID"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? name
        let service = Service(id: id, name: name, tags: object["Tags"] as? [String] ?? [], address: object["Address"] as? String ?? "", port: object["Port"] as? Int ?? 0, meta: object["Meta"] as? [String: String] ?? [:])
        var check: Check?
        if let definition = object["Check"] as? [String: Any] {
            let checkKnown: Set<String> = ["CheckID", "Name", "TTL", "HTTP", "Interval", "Timeout", "DeregisterCriticalServiceAfter", "Status", "Output", "Notes", "Method", "Header", "TLSSkipVerify"]
            if let unknown = definition.keys.sorted().first(where: { !checkKnown.contains($0) }) {
                return Answer(400, "Request decode failed: unknown check field \"\(unknown)\"")
            }
            let ttl = (definition["TTL"] as? String).flatMap(Self.duration)
            let http = definition["HTTP"] as? String
            if ttl == nil, http == nil { return Answer(400, "Invalid check: TTL or HTTP (with Interval) must be set") }
            if http != nil, (definition["Interval"] as? String).flatMap(Self.duration) == nil { return Answer(400, "Invalid check: HTTP check needs an Interval") }
            let status = definition["Status"] as? String ?? "critical"
            guard ["passing", "warning", "critical"].contains(status) else { return Answer(400, "Invalid check status: \"\(status)\"") }
            let after = (definition["DeregisterCriticalServiceAfter"] as? String).flatMap(Self.duration)
            let now = now
            check = Check(
                checkID: (definition["CheckID"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? "service:\(id)",
                name: definition["Name"] as? String ?? "Service '\(name)' check",
                status: status,
                output: definition["Output"] as? String ?? "",
                notes: definition["Notes"] as? String ?? "",
                serviceID: id,
                ttl: ttl,
                ttlDeadline: ttl.map { now + $0 },
                http: http,
                deregisterCriticalServiceAfter: after,
                criticalSince: status == "critical" ? now : nil
            )
        }
        if let answer = denied(write: name) { return answer }
        state.withLock { state in
            state.services[id] = service
            if replaceExistingChecks {
                state.checks = state.checks.filter { $0.value.serviceID != id }
            }
            if let check { state.checks[check.checkID] = check }
        }
        return Answer(200)
    }

    /// `PUT /v1/agent/service/deregister/:service_id`. Documented: removes the service and its
    /// checks; "if the service does not exist, no action is taken".
    func deregister(_ id: String) -> Answer {
        let name = state.withLock { $0.services[id]?.name } ?? id
        if let answer = denied(write: name) { return answer }
        state.withLock { state in
            state.services[id] = nil
            state.checks = state.checks.filter { $0.value.serviceID != id }
        }
        return Answer(200)
    }

    /// `PUT /v1/agent/check/update/:check_id` with `{"Status", "Output"}`. Documented: sets a TTL
    /// check's status and output and resets its TTL clock; Status is passing, warning or critical.
    /// An unknown check is 404 and a check without a TTL is 500, worded as Consul words them.
    func updateCheck(_ checkID: String, body: [UInt8]) -> Answer {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            return Answer(400, "Request decode failed: the body is not a JSON object")
        }
        if let unknown = object.keys.sorted().first(where: { !["Status", "Output"].contains($0) }) {
            return Answer(400, "Request decode failed: unknown field \"\(unknown)\"")
        }
        guard let status = object["Status"] as? String, ["passing", "warning", "critical"].contains(status) else {
            return Answer(400, "Invalid status: \"\(object["Status"] ?? "")\"")
        }
        guard let check = checks[checkID] else {
            return Answer(404, "Unknown check ID \"\(checkID)\". Ensure that the check ID is passed, not the check name.")
        }
        let name = state.withLock { $0.services[check.serviceID]?.name } ?? check.serviceID
        if let answer = denied(write: name) { return answer }
        guard let ttl = check.ttl else { return Answer(500, "CheckID \"\(checkID)\" does not have associated TTL") }
        let now = now
        state.withLock { state in
            let was = state.checks[checkID]?.status
            state.checks[checkID]?.status = status
            state.checks[checkID]?.output = object["Output"] as? String ?? ""
            state.checks[checkID]?.ttlDeadline = now + ttl
            if status != "critical" { state.checks[checkID]?.criticalSince = nil } else if was != "critical" { state.checks[checkID]?.criticalSince = now }
        }
        return Answer(200)
    }

    /// `PUT /v1/agent/service/maintenance/:service_id?enable=&reason=`. Documented: `enable` is
    /// required; on, a critical check `_service_maintenance:<id>` with the reason as its notes
    /// (a default sentence without one) takes the service out of DNS; off removes it. Idempotent.
    func maintenance(_ id: String, enable: String?, reason: String?) -> Answer {
        guard let enable, let on = Bool(enable) else { return Answer(400, "Missing value for enable") }
        guard let service = state.withLock({ $0.services[id] }) else { return Answer(404, "Unknown service ID \"\(id)\"") }
        if let answer = denied(write: service.name) { return answer }
        let checkID = "_service_maintenance:\(id)"
        state.withLock { state in
            if on {
                let notes = reason.flatMap { $0.isEmpty ? nil : $0 } ?? "Maintenance mode is enabled for this service, but no reason was provided. This is a default message."
                state.checks[checkID] = Check(checkID: checkID, name: "Service Maintenance Mode", status: "critical", output: "", notes: notes, serviceID: id)
            } else {
                state.checks[checkID] = nil
            }
        }
        return Answer(200)
    }

    /// `403` as Consul words it, or `nil` when the current request's token may write `service`.
    func denied(write service: String) -> Answer? {
        guard let acl else { return nil }
        let token = RequestToken.current
        if let token, !token.isEmpty {
            if acl.writeTokens.contains(token) { return nil }
            if acl.readTokens.contains(token) {
                return Answer(403, "Permission denied: token with AccessorID '\(Self.accessor(token))' lacks permission 'service:write' on \"\(service)\"")
            }
            return Answer(403, "ACL not found")
        }
        return Answer(403, "Permission denied: anonymous token lacks permission 'service:write' on \"\(service)\"")
    }

    /// For reads: an unknown token is refused; the anonymous token sees nothing (Consul filters
    /// results by ACL).
    func readable() -> (allowed: Bool, everything: Bool) {
        guard let acl else { return (true, true) }
        guard let token = RequestToken.current, !token.isEmpty else { return (true, false) }
        if acl.writeTokens.contains(token) || acl.readTokens.contains(token) { return (true, true) }
        return (false, false)
    }

    static func accessor(_ token: String) -> String {
        var hash: UInt64 = 1469598103934665603
        for byte in token.utf8 { hash = (hash ^ UInt64(byte)) &* 1099511628211 }
        return String(hash, radix: 16)
    }

    /// Consul's durations: `10s`, `1m`, `90m`, `1h30m`, `500ms`.
    static func duration(_ text: String) -> Duration? {
        var total = Duration.zero
        var number = ""
        var unit = ""
        func flush() -> Bool {
            guard let value = Double(number) else { return false }
            let scale: Double
            switch unit {
            case "ms": scale = 0.001
            case "s": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            default: return false
            }
            total += .milliseconds(Int64(value * scale * 1000))
            number = ""
            unit = ""
            return true
        }
        for character in text {
            if character.isNumber || character == "." {
                if !unit.isEmpty { guard flush() else { return nil } }
                number.append(character)
            } else {
                unit.append(character)
            }
        }
        guard !number.isEmpty, flush() else { return nil }
        return total
    }
}

/// The `X-Consul-Token` of the request being answered.
enum RequestToken {
    @TaskLocal static var current: String?
}
