import ConsulAgentStandIn
import Foundation
import Hummingbird
import IPVSTesting
import Logging
import Publishing
import Reconciler
import Checks
import Spec
import Synchronization
@testable import Consul

let quietLogger: Logger = {
    var logger = Logger(label: "consul-tests")
    logger.logLevel = .critical
    return logger
}()

/// Polls `condition` for up to `seconds`.
func eventually(_ seconds: Double = 10, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// The stand-in served in-process on 127.0.0.1 (port 0: any free port).
final class RunningStandIn: Sendable {
    let model: AgentModel
    let port: Int
    private let task: Task<Void, any Error>

    private init(model: AgentModel, port: Int, task: Task<Void, any Error>) {
        self.model = model
        self.port = port
        self.task = task
    }

    static func start(_ model: AgentModel = AgentModel(), port: Int = 0) async throws -> RunningStandIn {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = ConsulAgentStandIn(model: model).application(port: port, logger: quietLogger) { continuation.yield($0) }
        let task = Task { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next() else { throw CancellationError() }
        return RunningStandIn(model: model, port: bound, task: task)
    }

    var address: String { "http://127.0.0.1:\(port)" }

    func stop() async {
        task.cancel()
        _ = await task.result
    }
}

/// A config file whose text a test changes, behind a controller over FakeIPVS with health
/// verdicts the test publishes: the published state the registrar follows is the real one.
final class TextBox: Sendable {
    let value: Mutex<String>
    init(_ text: String) { value = Mutex(text) }
}

final class Balancer: Sendable {
    let text: TextBox
    let controller: Controller
    let health = LatestValue(HealthVerdicts())

    init(_ yaml: String) throws {
        let box = TextBox(yaml)
        text = box
        let directory = NSTemporaryDirectory() + "gorb-consul-\(UUID().uuidString)"
        let reconciler = Reconciler(ipvs: FakeIPVS(), interfaces: StaticInterfaces([:]), store: StateStore(directory: directory), logger: quietLogger)
        let load: @Sendable () throws(ConfigErrors) -> ValidatedFile = { () throws(ConfigErrors) -> ValidatedFile in
            try ValidatedFile.parse(bytes: Array(box.value.withLock { $0 }.utf8), file: "gorb.yaml")
        }
        controller = Controller(reconciler: reconciler, initial: try load(), loadFile: load, health: health, logger: quietLogger)
    }

    /// Publishes a state: one pass.
    func pass() async { _ = await controller.runPass() }

    /// Backends down (the others up), then a pass.
    func down(_ service: String, _ backends: Set<String>) async {
        var verdicts: [BackendKey: HealthVerdict] = [:]
        for backend in controller.state.current.service(service)?.backends ?? [] {
            let isDown = backends.contains(backend.id)
            verdicts[BackendKey(service: service, backend: backend.id)] = HealthVerdict(status: isDown ? .down : .up, factor: isDown ? .out : .full, countsAsHealthy: !isDown, type: "tcp")
        }
        health.publish(HealthVerdicts(verdicts))
        await pass()
    }

    func edit(_ yaml: String) async {
        text.value.withLock { $0 = yaml }
        _ = await controller.reload()
        await pass()
    }
}

extension ConsulRegistrar {
    /// A registrar with test timings: a fast tick, short back-off and deadline.
    static func forTest(_ balancer: Balancer, address: String, token: String? = nil, datacenter: String? = nil, daemon: DaemonEndpoint? = nil, timeout: Duration = .seconds(2)) -> ConsulRegistrar {
        ConsulRegistrar(
            client: ConsulAgentClient(address: address, token: token, timeout: timeout),
            states: balancer.controller.state,
            datacenter: datacenter,
            daemon: daemon,
            deregisterOnExit: false,
            tick: .milliseconds(50),
            backoff: (.milliseconds(50), .milliseconds(200)),
            logger: quietLogger
        )
    }

    /// Runs in the background until the returned task is cancelled.
    func start() -> Task<Void, Never> {
        Task { try? await self.run() }
    }
}
