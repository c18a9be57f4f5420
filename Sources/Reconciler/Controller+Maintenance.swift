import Logging
import Publishing

/// Host maintenance enters through the controller's door like any other change: saved first,
/// then carried in every published ``LoadBalancerState`` for the consumers to act on. It changes
/// nothing in IPVS, so it needs no pass: the state is published again at once.
extension Controller {
    /// Switches maintenance on or off; returns what is now in force. Saving comes first: a
    /// maintenance that cannot be saved would end at the next restart, so it is refused.
    public func setMaintenance(enabled: Bool, reason: String?) throws(StateStore.Failure) -> Maintenance {
        if maintenance.enabled == enabled, maintenance.reason == reason { return maintenance }
        let new = Maintenance(enabled: enabled, reason: reason, since: reconciler.now())
        try reconciler.store.saveMaintenance(new)
        maintenance = new
        logger.notice(enabled ? "maintenance on" : "maintenance off", metadata: ["reason": "\(reason ?? "-")"])
        state.update { $0.maintenance = new }
        return new
    }
}
