/// REST API changes of one controller, one at a time, in arrival order. Saving an overlay may
/// wait (a fleet store is a network away) and the controller serves passes meanwhile; queued,
/// two changes made at once on one host never race each other to the store, so the only change
/// that can come between a change's read and its save is another host's.
actor ChangeQueue {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Runs `work` once every change queued before it has finished.
    func run<T: Sendable, E: Error>(_ work: @Sendable () async throws(E) -> T) async throws(E) -> T {
        await enter()
        defer { leave() }
        return try await work()
    }

    private func enter() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func leave() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
