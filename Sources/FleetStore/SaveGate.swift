/// One save at a time from this host, in arrival order. Two REST API changes made at once on one
/// host would otherwise race each other to etcd and one would lose a round trip to the other;
/// queued, the second finds its basis outdated before it leaves the host and is made again from
/// the first's result at no network cost.
actor SaveGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func enter() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
