import Checks
import Foundation
import IPVS
import IPVSTesting
import Logging
import NIOCore
import NIOEmbedded
import Reconciler
import Spec
import Synchronization
import Testing
import YAMLBridge

/// The health checks through the reconciler's seam, as the daemon wires them: a health change
/// costs one pass and one `SET_DEST`, nothing else.
@Suite struct ControllerWiringTests {
    static let yaml = """
        services:
          web:
            host: 192.0.2.10
            port: 80
            pulse: {type: tcp, interval: 1s, rise: 2, fall: 3, ramp: 10s}
            backends:
              a: {host: 10.0.0.1}
              b: {host: 10.0.0.2}

        """

    @Test func healthChangeCostsOneSetDest() async throws {
        let loop = NIOAsyncTestingEventLoop()
        let prober = ScriptedProber()
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let monitor = HealthMonitor(group: loop, prober: prober, clock: { loop.now }, logger: logger)
        let changes = Counter()
        monitor.onChange { changes.value.withLock { $0 += 1 } }
        let ipvs = FakeIPVS()
        let reconciler = Reconciler(
            ipvs: ipvs,
            interfaces: StaticInterfaces([:]),
            store: StateStore(directory: NSTemporaryDirectory() + "gorb-checks-\(UUID().uuidString)"),
            logger: logger
        )
        let initial = try ValidatedFile.parse(bytes: Array(Self.yaml.utf8), file: "gorb.yaml")
        let controller = Controller(
            reconciler: reconciler,
            initial: initial,
            loadFile: { () throws(Diagnostics) -> ValidatedFile in initial },
            weights: { service, backend in monitor.weight(service: service, backend: backend) },
            onConfig: { config in monitor.update(config) },
            logger: logger
        )
        func weights() throws -> [Int32] {
            try ipvs.table().values.first?.sorted { $0.address < $1.address }.map(\.weight) ?? []
        }

        monitor.start()
        #expect(await controller.runPass())
        #expect(try weights() == [100, 100])

        // a dies: fall = 3 failures, weight 0, one operation.
        prober.set("a", up: false)
        await loop.advanceTime(by: .seconds(5))
        // The monitor asked for a pass (the controller's trigger(.change) in the daemon).
        for _ in 0..<500 where changes.value.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(changes.value.withLock { $0 } >= 1)
        #expect(await controller.runPass())
        #expect(await controller.status.lastPass?.applied == 1)
        #expect(try weights() == [0, 100])
        #expect(await controller.runPass())
        #expect(await controller.status.lastPass?.applied == 0)

        // a comes back: rise = 2, then the ramp, one operation per step.
        prober.set("a", up: true)
        var seen: [Int32] = []
        for _ in 0..<300 {
            await loop.advanceTime(by: .milliseconds(100))
            #expect(await controller.runPass())
            let applied = await controller.status.lastPass?.applied ?? 0
            #expect(applied <= 1)
            let weight = try weights()[0]
            if weight != seen.last { seen.append(weight) }
            if weight == 100 { break }
        }
        #expect(seen == [0, 1, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
        monitor.stop()
    }
}
