/// What a daemon tells systemd over its life (`Type=notify`), in the order systemd expects:
/// `READY=1` once the work it was started for is done (not at process start), `RELOADING=1`
/// then `READY=1` around a reload, `STATUS=` lines, and `WATCHDOG=1` pings that stop when the
/// daemon's loop is wedged. Every method is a no-op without a notifier (no `$NOTIFY_SOCKET`).
///
/// It knows nothing of the daemon: each method takes the daemon's side as a closure, so tests
/// drive it with a fake socket and fake passes.
public struct ServiceNotifications: Sendable {
    public let notifier: SystemdNotifier?

    public init(notifier: SystemdNotifier?) {
        self.notifier = notifier
    }

    /// The notifier of this process's environment.
    public static func fromEnvironment(_ environment: [String: String]) -> ServiceNotifications {
        ServiceNotifications(notifier: SystemdNotifier(environment: environment))
    }

    /// Waits for `firstPass` (the daemon's first reconcile pass; it returns the status line, or
    /// `nil` when the daemon stopped first) and then sends `READY=1` with that status.
    ///
    /// - Returns: whether `READY=1` was sent.
    @discardableResult
    public func ready(after firstPass: () async -> String?) async -> Bool {
        guard notifier != nil else { return false }
        guard let status = await firstPass() else { return false }
        notifier?.send([.ready, .status(status)])
        return true
    }

    /// `RELOADING=1` (stamped with the monotonic clock), then `reload` (which re-reads the
    /// configuration and waits for the pass that follows; it returns the status line), then
    /// `READY=1` with the new status. A rejected file is a finished reload too: the daemon runs
    /// on with the last good one, and the status line says so.
    public func reload(_ reload: () async -> String?) async {
        notifier?.send([.reloadingNow()])
        let status = await reload()
        notifier?.send([.ready] + (status.map { [NotifyState.status($0)] } ?? []))
    }

    /// Sends `STATUS=`.
    public func status(_ text: String) {
        notifier?.send([.status(text)])
    }

    /// `STOPPING=1`.
    public func stopping() {
        notifier?.send([.stopping])
    }

    /// Until cancelled: every `interval`, asks `current` for a generation number (passes run so
    /// far) and the status line, and sends the line when the generation moved. So the status
    /// follows the passes, at most once per `interval`.
    public func statusUpdates(every interval: Duration, _ current: () async -> (generation: Int, line: String)) async {
        guard notifier != nil else { return }
        var sent: Int?
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            let (generation, line) = await current()
            if generation != sent {
                sent = generation
                status(line)
            }
        }
    }

    /// Until cancelled, when systemd runs a watchdog for this process: every half period, awaits
    /// `alive` (a call into the daemon's loop) and then sends `WATCHDOG=1`. A loop that never
    /// answers stops the pings, so systemd restarts the daemon (a restart is hitless).
    public func watchdog(_ alive: () async -> Void) async {
        guard let notifier, let interval = notifier.watchdogInterval else { return }
        while !Task.isCancelled {
            await alive()
            if Task.isCancelled { return }
            notifier.send([.watchdog])
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }
}
