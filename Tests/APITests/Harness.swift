import API
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IPVS
import IPVSTesting
import Logging
import Publishing
import Reconciler
import ServiceLifecycle
import Spec
import VIPs

/// A daemon without sockets: the API's router over a controller whose loop runs against
/// FakeIPVS, so a request that waits for its pass gets one.
struct Harness {
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static let yaml = """
        services:
          web:
            host: 192.0.2.10
            port: 80
            backends:
              web-1: {host: 10.0.0.1, port: 8080}
              web-2: {host: 10.0.0.2, port: 8080, weight: 50}
          dns:
            host: 192.0.2.53
            port: 53
            protocol: udp
        """

    let ipvs = FakeIPVS()
    let state = NSTemporaryDirectory() + "gorb-api-\(UUID().uuidString)"
    let controller: Controller
    let api: GorbAPI

    /// - Parameter kernel: the IPVS the daemon drives instead of ``ipvs`` (a failing one, say).
    ///   - vips: the VIP keeper's published state, when the test has one.
    init(yaml: String = Harness.yaml, auth: APIAuth = .none, kernel: (any IPVS)? = nil, vips: LatestValue<VIPsState>? = nil) throws {
        let file = try ValidatedFile.parse(bytes: Array(yaml.utf8), file: "gorb.yaml")
        let reconciler = Reconciler(ipvs: kernel ?? ipvs, interfaces: StaticInterfaces([:]), store: StateStore(directory: state), logger: Self.quiet)
        controller = Controller(reconciler: reconciler, initial: file, loadFile: { () throws(ConfigErrors) -> ValidatedFile in file }, resync: .seconds(3600), logger: Self.quiet)
        api = GorbAPI(controller: controller, health: nil, vips: vips, auth: auth, applyTimeout: .seconds(5), logger: Self.quiet)
    }

    /// Runs `body` with a client while the controller loop runs.
    func run(_ body: @Sendable (Client) async throws -> Void) async throws {
        let loop = Task { await controller.run() }
        defer { loop.cancel() }
        let app = Application(router: api.router(), logger: Self.quiet)
        try await app.test(.router) { client in
            try await body(Client(client: client))
        }
    }

    /// Runs `body` with the port of a real HTTP server on 127.0.0.1 (the daemon's, with its
    /// request deadline) while the controller loop runs.
    func serve(requestTimeout: Duration, _ body: @Sendable (Int) async throws -> Void) async throws {
        let loop = Task { await controller.run() }
        defer { loop.cancel() }
        let (ports, portFound) = AsyncStream<Int>.makeStream()
        let applications = api.applications(at: [.hostname("127.0.0.1", port: 0)], requestTimeout: requestTimeout) { _, port in
            portFound.yield(port ?? 0)
        }
        let group = ServiceGroup(configuration: .init(services: applications.map { .init(service: $0) }, logger: Self.quiet))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var next = ports.makeAsyncIterator()
            let port = await next.next() ?? 0
            do {
                try await body(port)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// The kernel's weights by backend address, the independent view of what a change did.
    func kernelWeights() throws -> [String: Int32] {
        var result: [String: Int32] = [:]
        for (_, destinations) in try ipvs.table() {
            for destination in destinations { result["\(destination.address)"] = destination.weight }
        }
        return result
    }
}

/// Requests as one-liners; answers with status, text and parsed JSON.
struct Client: Sendable {
    let client: any TestClientProtocol

    struct Answer {
        var status: Int
        var text: String
        var headers: HTTPFields
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) }
        var object: [String: Any] { json as? [String: Any] ?? [:] }
        var error: String? { object["error"] as? String }
    }

    @discardableResult
    func call(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, headers: HTTPFields = [:]) async throws -> Answer {
        try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            Answer(status: Int(response.status.code), text: String(buffer: response.body), headers: response.headers)
        }
    }
}
