import Foundation
import Logging
import Spec

/// Brings the agent to the desired registrations, one round at a time, remembering what it told
/// the agent so a round costs no call when nothing changed and no check needs its TTL refreshed.
///
/// A round stops at the first failure (an unreachable agent fails every call alike) and the next
/// one waits: 1s, 2s, 4s ... 30s. What succeeded before the failure is kept.
actor RegistrationSync {
    /// What the agent holds, as far as we know.
    struct Applied {
        var definition: AgentServiceRegistration
        var report: CheckReport
        var updatedAt: ContinuousClock.Instant
        var maintenance: String?
    }

    let client: ConsulAgentClient
    let datacenter: String?
    let logger: Logger
    let backoff: (initial: Duration, maximum: Duration)
    private(set) var applied: [String: Applied] = [:]
    /// The agent's services were listed and stale ones of ours removed (done once it answers).
    private var swept = false
    private var retryAt: ContinuousClock.Instant?
    private(set) var status: ConsulStatus

    init(client: ConsulAgentClient, datacenter: String?, backoff: (initial: Duration, maximum: Duration), logger: Logger) {
        self.client = client
        self.datacenter = datacenter
        self.backoff = backoff
        self.logger = logger
        status = ConsulStatus(address: client.address)
    }

    /// One round towards `desired`; returns whether it changed ``status``.
    func round(_ desired: [String: Registration], ttl: Duration, now: ContinuousClock.Instant) async -> Bool {
        if let retryAt, now < retryAt { return false }
        let refresh = ttl / 3
        let due = !swept || desired.contains { id, registration in
            guard let held = applied[id] else { return true }
            return held.definition != registration.definition || held.maintenance != registration.maintenance
                || (!registration.agentChecked && (held.report != registration.report || now - held.updatedAt >= refresh))
        } || applied.keys.contains { desired[$0] == nil }
        guard due else { return false }
        do {
            try await sweep(desired)
            for id in applied.keys.sorted() where desired[id] == nil {
                try await call { try await client.deregister(serviceID: id) }
                applied[id] = nil
                logger.notice("Consul: deregistered", metadata: ["consul-id": "\(id)"])
            }
            for id in desired.keys.sorted() {
                try await bring(desired[id]!, refresh: refresh, now: now)
            }
            succeeded()
        } catch {
            failed(error, now: now)
        }
        status.checks = applied.mapValues { $0.report.status.rawValue }
        status.maintenance = desired.values.lazy.compactMap(\.maintenance).first
        return true
    }

    /// Once the agent answers (at start, and again after every failure: an agent that was away
    /// may have restarted with its state lost): refuses another datacenter, forgets what the agent
    /// no longer holds so it is registered again (the daemon's own `gorb`, whose check the agent
    /// runs, would otherwise never be noticed missing), then removes registrations carrying our
    /// marker that are no longer desired (left by a crash, or by a service removed while the
    /// daemon was down).
    private func sweep(_ desired: [String: Registration]) async throws(ConsulFailure) {
        guard !swept else { return }
        if let datacenter {
            let agent = try await call { try await client.datacenter() }
            guard agent == datacenter else { throw .wrongDatacenter(expected: datacenter, agent: agent) }
        }
        let listed = try await call { try await client.services() }
        for id in applied.keys.sorted() where listed[id] == nil {
            applied[id] = nil
            logger.warning("Consul: the agent no longer holds our registration; registering again", metadata: ["consul-id": "\(id)"])
        }
        for (id, service) in listed.sorted(by: { $0.key < $1.key }) where service.meta?[ConsulMeta.managedBy] == ConsulMeta.marker && desired[id] == nil {
            try await call { try await client.deregister(serviceID: id) }
            logger.notice("Consul: removed a stale registration of ours", metadata: ["consul-id": "\(id)"])
        }
        swept = true
    }

    /// One registration: (re-)register when its definition changed, else update its check when
    /// its report changed or its TTL needs refreshing; then its maintenance.
    private func bring(_ registration: Registration, refresh: Duration, now: ContinuousClock.Instant) async throws(ConsulFailure) {
        let id = registration.id
        if let held = applied[id], held.definition == registration.definition {
            if !registration.agentChecked, held.report != registration.report || now - held.updatedAt >= refresh {
                do {
                    try await call { try await client.updateCheck(checkID: registration.checkID, registration.report) }
                    if held.report != registration.report {
                        logger.info("Consul: check changed", metadata: ["consul-id": "\(id)", "status": "\(registration.report.status.rawValue)", "output": "\(registration.report.output)"])
                    }
                    applied[id]?.report = registration.report
                    applied[id]?.updatedAt = now
                } catch where error.status == 404 {
                    // The agent lost it (its state wiped, or someone deregistered it): register again.
                    logger.warning("Consul: the agent no longer knows our check; registering again", metadata: ["consul-id": "\(id)", "answer": "\(error)"])
                    applied[id] = nil
                }
            }
        }
        if applied[id]?.definition != registration.definition {
            try await call { try await client.register(registration.registrationBody) }
            // replace-existing-checks drops Consul's maintenance check too: it is set again below.
            applied[id] = Applied(definition: registration.definition, report: registration.report, updatedAt: now, maintenance: nil)
            logger.notice("Consul: registered", metadata: ["consul-id": "\(id)", "name": "\(registration.definition.name)", "address": "\(registration.definition.address ?? "-")", "port": "\(registration.definition.port)", "check": "\(registration.report)"])
        }
        if applied[id]?.maintenance != registration.maintenance {
            try await call { try await client.maintenance(serviceID: id, reason: registration.maintenance) }
            applied[id]?.maintenance = registration.maintenance
            logger.notice("Consul: maintenance \(registration.maintenance == nil ? "off" : "on")", metadata: ["consul-id": "\(id)", "reason": "\(registration.maintenance ?? "-")"])
        }
    }

    /// Deregisters everything this run registered (`run --cleanup-on-exit`); failures are logged.
    func deregisterAll() async {
        for id in applied.keys.sorted() {
            do {
                try await call { try await client.deregister(serviceID: id) }
                applied[id] = nil
            } catch {
                logger.error("Consul: could not deregister on exit", metadata: ["consul-id": "\(id)", "answer": "\(error)"])
            }
        }
    }

    /// Counts the call and its failure (the client throws only ``ConsulFailure``).
    private func call<T>(_ operation: () async throws -> T) async throws(ConsulFailure) -> T {
        status.requests += 1
        do {
            return try await operation()
        } catch {
            let failure = error as? ConsulFailure ?? .unreachable(request: "-", reason: "\(error)")
            status.failures[failure.kind, default: 0] += 1
            throw failure
        }
    }

    private func succeeded() {
        if status.consecutiveFailures > 0 {
            logger.notice("Consul: the agent answers again", metadata: ["after-failures": "\(status.consecutiveFailures)"])
        }
        status.connected = true
        status.consecutiveFailures = 0
        status.lastError = nil
        status.lastSuccessAt = Date().timeIntervalSince1970
        retryAt = nil
    }

    private func failed(_ error: ConsulFailure, now: ContinuousClock.Instant) {
        swept = false
        status.connected = false
        status.consecutiveFailures += 1
        status.lastError = error.description
        status.lastErrorAt = Date().timeIntervalSince1970
        let exponent = min(status.consecutiveFailures - 1, 16)
        let wait = min(backoff.initial * (1 << exponent), backoff.maximum)
        retryAt = now + wait
        logger.warning("Consul: \(error)", metadata: ["retry-in": "\(wait)", "failures-in-a-row": "\(status.consecutiveFailures)"])
    }
}
