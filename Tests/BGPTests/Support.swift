import Addresses
import Checks
import Foundation
import IPVSTesting
import Logging
import Publishing
import Reconciler
import Spec
import BGP

let quietLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

/// A controller over an in-memory IPVS whose health verdicts the test sets.
struct Harness {
    static let yaml = """
        services:
          web:
            host: 192.0.2.10
            port: 80
            backends:
              a: {host: 10.0.0.1, pulse: {type: tcp}}
              b: {host: 10.0.0.2, pulse: {type: tcp}}
          web-tls:
            host: 192.0.2.10
            port: 443
            backends:
              a: {host: 10.0.0.1, pulse: {type: tcp}}
          api:
            host: 192.0.2.20
            port: 80
            quorum: 2
            backends:
              a: {host: 10.0.0.1, pulse: {type: tcp}}
              b: {host: 10.0.0.2, pulse: {type: tcp}}
              sorry: {host: 10.0.0.9, fallback: true}
          v6:
            host: '2001:db8::10'
            port: 80
            backends:
              a: {host: '2001:db8:1::1', pulse: {type: tcp}}
          marked:
            fwmark: 7
            backends:
              a: {host: 10.0.0.1}
        """

    let controller: Controller
    let health = LatestValue(HealthVerdicts())
    let directory = NSTemporaryDirectory() + "gorb-bgp-\(UUID().uuidString)"

    init(yaml: String = Harness.yaml) throws {
        let file = try ValidatedFile.parse(bytes: Array(yaml.utf8), file: "gorb.yaml")
        let store = StateStore(directory: directory)
        let reconciler = Reconciler(ipvs: FakeIPVS(), interfaces: StaticInterfaces([:]), store: store, logger: quietLogger)
        controller = Controller(reconciler: reconciler, initial: file, maintenance: try store.loadMaintenance(), loadFile: { () throws(ConfigErrors) -> ValidatedFile in file }, health: health, logger: quietLogger)
    }

    /// Sets every listed backend's status (`"web/a": .up`); the others keep no verdict.
    func verdicts(_ statuses: [String: HealthStatus]) {
        var backends: [BackendKey: HealthVerdict] = [:]
        for (key, status) in statuses {
            let parts = key.split(separator: "/").map(String.init)
            backends[BackendKey(service: parts[0], backend: parts[1])] = HealthVerdict(status: status, factor: status == .down ? .out : .full, countsAsHealthy: status != .down, type: "tcp")
        }
        health.publish(HealthVerdicts(backends))
    }

    /// The state after one pass with these verdicts.
    func applied(_ statuses: [String: HealthStatus]) async -> LoadBalancerState {
        verdicts(statuses)
        await controller.runPass()
        return controller.state.current
    }
}

extension Array where Element == VIPDecision {
    subscript(vip text: String) -> WithdrawReason?? {
        first { "\($0.vip)" == text }.map(\.withdrawn)
    }
}
