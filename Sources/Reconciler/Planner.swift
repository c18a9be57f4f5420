import Addresses
import IPVS

/// Computes the minimal ``Plan`` that turns the actual table into the desired one.
///
/// Pure: the same inputs give the same plan, and nothing is read or written, so every rule below
/// is table-tested without a kernel.
///
/// The rules (DESIGN invariants 2, 4 and 5):
/// - An object that already matches costs nothing; a restart over a matching kernel plans nothing.
/// - A changed scheduler, flags, persistence timeout, netmask or engine is one in-place
///   `updateService`; a changed weight, forwarding, thresholds or tunnel one `updateDestination`.
///   Only a change of identity (protocol, VIP, port, fwmark, family) deletes and creates.
/// - Services are created before their destinations. A deleted service takes its destinations
///   with it (one `removeService`, not one delete per destination).
/// - Only owned services are deleted (every service with `prune: all`). Destinations inside a
///   desired service are all managed: one the file does not list is drained.
/// - Draining: a destination leaving the file gets weight 0 and is deleted once it has no
///   connections or its drain time has passed; at once when its drain is 0 or the service is UDP
///   (connectionless: nothing to wait for). Listed again during its drain, it is updated back, not
///   re-created.
public struct Planner: Sendable {
    /// Delete every service not in the file, owned or not (`settings.prune: all`).
    public var pruneAll: Bool
    /// The drain time for a destination whose own is unknown (never owned).
    public var defaultDrain: Duration

    public init(pruneAll: Bool = false, defaultDrain: Duration = .seconds(300)) {
        self.pruneAll = pruneAll
        self.defaultDrain = defaultDrain
    }

    public func plan(desired: DesiredState, actual: ActualState, ownership: Ownership, now: WallTime) -> Plan {
        var steps: [PlanStep] = []
        var owned = Ownership()
        owned.services.reserveCapacity(desired.services.count)
        var draining = 0
        let desiredKeys = Set(desired.services.map(\.service.key))

        // Deletions of whole services first: they free nothing the rest needs, and a reader of
        // the plan sees what goes before what comes. (Sorted, so the plan is the same every time;
        // only the few leaving are sorted, not the whole table on every pass.)
        for key in actual.services.keys.filter({ !desiredKeys.contains($0) }).sorted() {
            guard pruneAll || ownership.owns(key) else { continue }
            if let record = ownership.services[key], desired.held.contains(record.id) {
                owned.services[key] = record  // untranslatable this pass: keep, and keep owning it
                continue
            }
            steps.append(PlanStep(.delete, .removeService(key), subject: ownership.services[key]?.id ?? ""))
        }

        for wanted in desired.services {
            let key = wanted.service.key
            let previous = ownership.services[key]
            var record = OwnedService(id: wanted.id)
            record.destinations.reserveCapacity(wanted.destinations.count)
            for destination in wanted.destinations {
                record.destinations[destination.destination.key] = OwnedDestination(id: destination.id, drain: destination.drain)
            }

            guard let current = actual.services[key] else {
                steps.append(PlanStep(.create, .addService(wanted.service), subject: wanted.id))
                for destination in wanted.destinations {
                    steps.append(PlanStep(.create, .addDestination(destination.destination, service: key), subject: "\(wanted.id)/\(destination.id)"))
                }
                owned.services[key] = record
                continue
            }

            if current.service != wanted.service {
                steps.append(PlanStep(.update, .updateService(wanted.service), subject: wanted.id))
            }
            // Each wanted destination takes its match out of `present`; what is left is unwanted.
            var present: [IPVSDestination.Key: ActualDestination] = [:]
            present.reserveCapacity(current.destinations.count)
            for destination in current.destinations { present[destination.destination.key] = destination }
            for destination in wanted.destinations {
                if let existing = present.removeValue(forKey: destination.destination.key) {
                    if existing.destination != destination.destination {
                        steps.append(PlanStep(.update, .updateDestination(destination.destination, service: key), subject: "\(wanted.id)/\(destination.id)"))
                    }
                } else {
                    steps.append(PlanStep(.create, .addDestination(destination.destination, service: key), subject: "\(wanted.id)/\(destination.id)"))
                }
            }

            // Destinations present but no longer wanted: drain, then delete.
            for existing in present.values.sorted(by: { $0.destination.key < $1.destination.key }) {
                let destinationKey = existing.destination.key
                let known = previous?.destinations[destinationKey]
                let subject = "\(wanted.id)/\(known?.id ?? "")"
                let drain = known?.drain ?? defaultDrain
                let deadline = known?.drainDeadline ?? (now + drain)
                let connectionless: Bool = {
                    if case .socket(.udp, _, _) = key { return true }
                    return false
                }()
                if drain == .zero || connectionless || existing.connections == 0 || deadline <= now {
                    steps.append(PlanStep(.delete, .removeDestination(destinationKey, service: key), subject: subject))
                    continue
                }
                if existing.destination.weight != 0 {
                    var drained = existing.destination
                    drained.weight = 0
                    steps.append(PlanStep(.drain, .updateDestination(drained, service: key), subject: subject))
                }
                record.destinations[destinationKey] = OwnedDestination(id: known?.id ?? "", drain: drain, drainDeadline: deadline)
                draining += 1
            }
            owned.services[key] = record
        }

        if let timeouts = desired.timeouts, let current = actual.timeouts {
            let wanted = IPVSTimeouts(
                tcp: timeouts.tcp == 0 ? current.tcp : timeouts.tcp,
                tcpFin: timeouts.tcpFin == 0 ? current.tcpFin : timeouts.tcpFin,
                udp: timeouts.udp == 0 ? current.udp : timeouts.udp
            )
            if wanted != current {
                steps.append(PlanStep(.update, .setTimeouts(timeouts), subject: "settings.timeouts"))
            }
        }
        return Plan(steps: steps, ownership: owned, draining: draining)
    }
}
