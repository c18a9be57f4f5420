import Checks
import Foundation
import Logging
import Publishing
import Reconciler
import Spec
import ServiceLifecycle
import SystemdNotify

/// `Type=notify` for the daemon: `READY=1` once the first pass has applied the file (so units
/// ordered after this one start against a kernel that matches it), `STATUS=` after passes (at
/// most once a second), `WATCHDOG=1` from a task that first awaits the controller (a wedged loop
/// stops the pings) and `STOPPING=1` at shutdown. Reloads are in ``ReloadOnHangup``. Does
/// nothing but wait for shutdown without `$NOTIFY_SOCKET`.
struct SystemdReadiness: ServiceLifecycle.Service {
    let notifications: ServiceNotifications
    let controller: Controller
    let summary: StatusSummary
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            let ready = await notifications.ready {
                guard await controller.waitForPass(1) != nil else { return nil }
                return await summary.line()
            }
            if ready { logger.debug("told systemd READY=1") }
            if let interval = notifications.notifier?.watchdogInterval {
                logger.info("systemd watchdog on", metadata: ["ping-every": "\(interval)"])
            }
            await withDiscardingTaskGroup { group in
                group.addTask {
                    await notifications.statusUpdates(every: .seconds(1)) {
                        (await controller.status.passes, await summary.line())
                    }
                }
                group.addTask {
                    await notifications.watchdog { _ = await controller.status.passes }
                }
            }
        }
        try? await gracefulShutdown()
        notifications.stopping()
    }
}

/// The one-line summary for `systemctl status`: services, backends up and down, the last pass
/// and a rejected reload, from the state published after the last pass.
struct StatusSummary: Sendable {
    let controller: Controller

    func line() async -> String {
        let state = controller.state.current
        let status = state.status
        let config = state.desired
        let down = state.services.reduce(0) { count, service in
            count + service.backends.filter { $0.health?.status == .down && !$0.backend.fallback }.count
        }
        let backends = config.backendCount
        var text = "\(config.services.count) services, \(backends) backends (\(max(0, backends - down)) up, \(down) down)"
        if let at = status.lastPassAt {
            let time = Date(timeIntervalSince1970: at.seconds).formatted(.iso8601)
            if let failed = status.lastPass?.failures.count, failed > 0 {
                text += "; last pass \(time): \(failed) changes failed"
            } else if status.lastError != nil {
                text += "; last pass \(time) failed: \(status.lastError ?? "")"
            } else {
                text += "; last pass \(time): in sync"
            }
        }
        if !status.lastReloadSucceeded {
            text += "; last reload rejected (\(status.configErrors.count) errors), the previous file stays in force"
        }
        return text
    }
}
