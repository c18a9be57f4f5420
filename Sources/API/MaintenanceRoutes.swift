import BGP
import Hummingbird
import NIOCore
import Publishing
import Reconciler
import YAMLBridge

/// `/maintenance`: takes this host out of the tier (every BGP route withdrawn) while IPVS keeps
/// serving the flows already there, and puts it back. Saved in the state directory, so it
/// survives a restart; a write like any other, so it needs the token when one is set.
extension GorbAPI {
    func addMaintenanceRoutes(_ routes: inout RouteTable) {
        routes.add(.get, "/maintenance") { _, _ in
            JSONBody.response(MaintenanceView(state.maintenance))
        }
        routes.add(.post, "/maintenance") { request, _ in
            let buffer: ByteBuffer
            do {
                buffer = try await request.body.collect(upTo: 64 * 1024)
            } catch is NIOTooManyBytesError {
                throw APIFailure(.contentTooLarge, "the body is larger than 64 KiB")
            }
            let asked = try MaintenanceRequest.parse(Array(buffer.readableBytesView))
            do {
                let now = try await controller.setMaintenance(enabled: asked.enabled, reason: asked.reason)
                return JSONBody.response(MaintenanceView(now))
            } catch {
                throw APIFailure(.internalServerError, "maintenance not changed: \(error)")
            }
        }
    }
}

extension GorbAPI {
    /// The BGP announcer's state now; `nil` without `settings.bgp`.
    var bgpStatus: BGPStatus? { bgp?.current }

    /// `bgp` of `GET /service/{id}`.
    func bgpView(ofService id: String) -> BGPStatusView.VIP? {
        bgpStatus?.view(ofService: id).map(BGPStatusView.VIP.init)
    }
}

/// `{"enabled": true, "reason": "kernel upgrade"}`.
struct MaintenanceRequest: NodeReadable {
    var enabled: Bool
    var reason: String?

    static let fields = FieldNames(["enabled", "reason"])

    init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        var reader = try MappingReader(node, fields: Self.fields, in: &context)
        guard let enabled = reader.value(of: "enabled"), !enabled.isNull else {
            throw ReadFailure(mark: node.mark, message: "'enabled' is required: true or false")
        }
        self.enabled = try Bool(reading: enabled, in: &context)
        if let reason = reader.value(of: "reason"), !reason.isNull {
            let text = try String(reading: reason, in: &context)
            guard text.count <= Maintenance.reasonLimit else {
                throw ReadFailure(mark: reason.mark, message: "reason: at most \(Maintenance.reasonLimit) characters")
            }
            guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw ReadFailure(mark: reason.mark, message: "reason: no control characters")
            }
            self.reason = text.isEmpty ? nil : text
        }
    }

    static func parse(_ bytes: [UInt8]) throws(APIFailure) -> MaintenanceRequest {
        let root: Node?
        do {
            root = try YAMLParser.parse(bytes, limits: .standard)
        } catch {
            throw APIFailure(.badRequest, "the body is not valid JSON: \(error.message)")
        }
        guard let root else { throw APIFailure(.badRequest, "the body must be a JSON object like {\"enabled\": true, \"reason\": \"…\"}") }
        let (value, problems) = read(from: root)
        guard problems.isEmpty, let value else { throw APIFailure(.badRequest, problems.map(ChangeRequest<MaintenanceRequest>.message)) }
        return value
    }
}

/// `GET /maintenance`, and `maintenance` in `GET /status`.
struct MaintenanceView: Encodable {
    var enabled: Bool
    var reason: String?
    var since: String?

    init(_ maintenance: Maintenance) {
        enabled = maintenance.enabled
        reason = maintenance.reason
        since = maintenance.since.map { OverrideView.timestamp($0.seconds) }
    }
}

/// `bgp` in `GET /status`: BIRD's standing and every VIP, announced or why not.
struct BGPStatusView: Encodable {
    struct VIP: Encodable {
        var vip: String
        var services: [String]
        var announced: Bool
        var reason: String?
    }

    var birdReachable: Bool?
    var lastError: String?
    var lastConfigure: String?
    var configures: Int
    var failures: Int
    var stopping: Bool
    var vips: [VIP]

    enum CodingKeys: String, CodingKey {
        case birdReachable = "bird-reachable"
        case lastError = "last-error"
        case lastConfigure = "last-configure"
        case configures, failures, stopping, vips
    }

    init(_ status: BGPStatus) {
        birdReachable = status.birdReachable
        lastError = status.lastError
        lastConfigure = status.lastConfigureAt.map { OverrideView.timestamp($0.seconds) }
        configures = status.configures
        failures = status.failures
        stopping = status.stopping
        vips = status.views.map(VIP.init)
    }
}

extension BGPStatusView.VIP {
    init(_ view: BGPStatus.VIPView) {
        self.init(vip: "\(view.vip)", services: view.services, announced: view.announced, reason: view.reason)
    }
}
