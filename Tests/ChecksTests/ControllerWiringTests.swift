import Checks
import Foundation
import IPVS
import IPVSTesting
import Logging
import NIOCore
import NIOEmbedded
import Publishing
import Reconciler
import Spec
import Synchronization
import Testing

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
            loadFile: { () throws(ConfigErrors) -> ValidatedFile in initial },
            health: monitor.verdicts,
            logger: logger
        )
        monitor.update(controller.desired.current)
        func weights() throws -> [Int32] {
            try ipvs.table().values.first?.sorted { $0.address < $1.address }.map(\.weight) ?? []
        }

        monitor.start()
        #expect(await controller.runPass())
        #expect(try weights() == [100, 100])

        // a dies: fall = 3 failures, weight 0, one operation.
        let published = monitor.verdicts.version
        prober.set("a", up: false)
        await loop.advanceTime(by: .seconds(5))
        // The monitor published a new verdict (what triggers a pass in the daemon).
        for _ in 0..<500 where monitor.verdicts.current["web", "a"]?.status != .down { try await Task.sleep(for: .milliseconds(10)) }
        #expect(monitor.verdicts.version > published)
        #expect(monitor.verdicts.current["web", "a"]?.factor == .out)
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
            await monitor.settled()
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
