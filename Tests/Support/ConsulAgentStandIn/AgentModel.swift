import Foundation
import Synchronization

/// The state of a Consul agent as its HTTP API documents it (Consul's agent API docs: "Service -
/// Agent HTTP API" and "Check - Agent HTTP API"), kept in memory. Each part says which documented
/// behaviour it models. What it does not model: the catalog and anti-entropy (the agent is the
/// only truth here), blocking queries, namespaces/partitions, `Checks` arrays, script/TCP/gRPC
/// checks (an HTTP check is stored, never run), `Weights`, `TaggedAddresses`, Connect, the
/// 30-second reaper period (expiry is judged on every request instead), and persistence across
/// restarts of the stand-in.
public final class AgentModel: Sendable {
    public struct Service: Sendable, Hashable {
        public var id: String
        public var name: String
        public var tags: [String]
        public var address: String
        public var port: Int
        public var meta: [String: String]
    }

    public struct Check: Sendable, Hashable {
        public var checkID: String
        public var name: String
        public var status: String
        public var output: String
        public var notes: String
        public var serviceID: String
        /// TTL checks only: when it turns critical unless updated.
        public var ttl: Duration?
        public var ttlDeadline: ContinuousClock.Instant?
        public var http: String?
        public var deregisterCriticalServiceAfter: Duration?
        public var criticalSince: ContinuousClock.Instant?
    }

    /// One request as received, for tests that assert the shape of what the daemon sent.
    public struct Received: Sendable {
        public var method: String
        public var path: String
        public var query: String
        public var token: String?
        public var body: [UInt8]
    }

    struct State {
        var services: [String: Service] = [:]
        var checks: [String: Check] = [:]
        var received: [Received] = []
        var faults: [(status: Int, body: String)] = []
        var delay: Duration = .zero
        var offset: Duration = .zero
    }

    let state = Mutex(State())
    /// ACLs: `nil` leaves them off (every request allowed, as an agent with `acl.enabled = false`).
    public let acl: ACL?
    public let datacenter: String

    /// ACL enforcement as Consul words it: an unknown token is `403 ACL not found`; no token is
    /// the anonymous token, and a token without `service:write` gets `403 Permission denied`.
    public struct ACL: Sendable {
        public var writeTokens: Set<String>
        public var readTokens: Set<String>
        public init(writeTokens: Set<String>, readTokens: Set<String> = []) {
            self.writeTokens = writeTokens
            self.readTokens = readTokens
        }
    }

    public init(acl: ACL? = nil, datacenter: String = "dc1") {
        self.acl = acl
        self.datacenter = datacenter
    }

    // MARK: - Reading, for tests and the executable's callers

    public var services: [String: Service] { expire(); return state.withLock { $0.services } }
    public var checks: [String: Check] { expire(); return state.withLock { $0.checks } }
    public var received: [Received] { state.withLock { $0.received } }
    public func clearReceived() { state.withLock { $0.received = [] } }

    /// The check of a service (its `service:<id>` or whatever CheckID it was given).
    public func check(ofService id: String) -> Check? {
        checks.values.first { $0.serviceID == id && !$0.checkID.hasPrefix("_service_maintenance:") }
    }

    // MARK: - Faults and time, for tests

    /// The next `count` requests get `status` with `body` (as a failing Consul server would).
    public func failNext(_ count: Int, status: Int = 500, body: String = "rpc error making call: No cluster leader") {
        state.withLock { $0.faults += Array(repeating: (status, body), count: count) }
    }

    /// Every answer waits this long (a slow agent).
    public func setDelay(_ delay: Duration) { state.withLock { $0.delay = delay } }

    /// Moves the agent's clock forward: TTLs and DeregisterCriticalServiceAfter run out without waiting.
    public func advance(by duration: Duration) { state.withLock { $0.offset += duration } }

    var now: ContinuousClock.Instant { ContinuousClock.now + state.withLock { $0.offset } }

    /// Documented: "If the check is not set to passing within the TTL, it is set to critical"
    /// (Output "TTL expired"), and a service whose check stays critical longer than
    /// `DeregisterCriticalServiceAfter` is deregistered with its checks.
    public func expire() {
        let now = now
        state.withLock { state in
            for (id, check) in state.checks {
                if let deadline = check.ttlDeadline, now >= deadline, check.status != "critical" || check.output != "TTL expired" {
                    state.checks[id]?.status = "critical"
                    state.checks[id]?.output = "TTL expired"
                    if check.status != "critical" { state.checks[id]?.criticalSince = deadline }
                }
            }
            for check in state.checks.values {
                guard check.status == "critical", let since = check.criticalSince, let after = check.deregisterCriticalServiceAfter, now - since >= after else { continue }
                state.services[check.serviceID] = nil
                state.checks = state.checks.filter { $0.value.serviceID != check.serviceID }
            }
        }
    }

    func record(_ received: Received) -> (delay: Duration, fault: (status: Int, body: String)?) {
        state.withLock { state in
            state.received.append(received)
            let fault = state.faults.isEmpty ? nil : state.faults.removeFirst()
            return (state.delay, fault)
        }
    }
}
