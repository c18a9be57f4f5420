import Checks
import Publishing

extension HealthMonitor {
    /// Waits until the published verdicts are the ones the monitor holds: publication runs on a
    /// task of its own, and in the daemon it is what triggers the pass these tests run by hand.
    func settled() async {
        for _ in 0..<1000 where verdicts.current != currentVerdicts() {
            try? await Task.sleep(for: .milliseconds(2))
        }
    }
}
