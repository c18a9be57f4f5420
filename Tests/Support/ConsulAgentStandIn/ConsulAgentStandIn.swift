public import Hummingbird
import Foundation
public import Logging
import NIOCore

/// A Consul agent's HTTP API over an ``AgentModel``, served by Hummingbird: in-process for the
/// Swift tests, or by `consul-agent-standin` for the host and VM scripts.
///
/// Routing follows the docs' tables: the writes are `PUT` only and any other method on their
/// paths is `405` (as Consul answers, e.g. GORB's old POSTs, hashicorp/consul#3659); the reads
/// are `GET`. Every request is recorded in the model (tests assert the exact shape), and the
/// model's faults and delay apply to all of them. `/standin/...` are the stand-in's own control
/// endpoints for scripts (no Consul has them).
public struct ConsulAgentStandIn: Sendable {
    public let model: AgentModel

    public init(model: AgentModel) {
        self.model = model
    }

    public func application(host: String = "127.0.0.1", port: Int, logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let model = model
        return Application(
            responder: CallbackResponder { (request: Request, _: BasicRequestContext) in
                let body = try await request.body.collect(upTo: 1 << 20)
                return await Self.respond(model: model, request: request, body: Array(body.readableBytesView))
            },
            configuration: .init(address: .hostname(host, port: port), serverName: "consul-agent-standin"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    static func respond(model: AgentModel, request: Request, body: [UInt8]) async -> Response {
        let path = request.uri.path
        let token = request.headers[.init("X-Consul-Token")!]
        let query = request.uri.queryParameters
        let (delay, fault) = model.record(.init(method: request.method.rawValue, path: path, query: request.uri.query ?? "", token: token, body: body))
        if delay > .zero { try? await Task.sleep(for: delay) }
        if let fault { return text(fault.status, fault.body) }
        model.expire()
        return RequestToken.$current.withValue(token) {
            let segments = path.split(separator: "/", omittingEmptySubsequences: false).map { String($0).removingPercentEncoding ?? String($0) }
            // ["", "v1", "agent", ...]
            guard segments.count >= 4, segments[1] == "v1", segments[2] == "agent" else {
                return control(model: model, request: request, segments: segments)
            }
            let route = Array(segments[3...])
            let method = request.method
            func put(_ answer: () -> AgentModel.Answer) -> Response {
                guard method == .put else { return text(405, "method \(method.rawValue) not allowed") }
                let answer = answer()
                return text(answer.status, answer.body)
            }
            switch route.count {
            case 1 where route[0] == "services":
                guard method == .get else { return text(405, "method \(method.rawValue) not allowed") }
                return servicesAnswer(model)
            case 1 where route[0] == "checks":
                guard method == .get else { return text(405, "method \(method.rawValue) not allowed") }
                return checksAnswer(model)
            case 1 where route[0] == "self":
                guard method == .get else { return text(405, "method \(method.rawValue) not allowed") }
                return json(["Config": ["Datacenter": model.datacenter, "NodeName": "consul-agent-standin"]])
            case 2 where route == ["service", "register"]:
                return put { model.register(body, replaceExistingChecks: query["replace-existing-checks"] != nil) }
            case 3 where route[0] == "service" && route[1] == "deregister":
                return put { model.deregister(route[2]) }
            case 3 where route[0] == "service" && route[1] == "maintenance":
                return put { model.maintenance(route[2], enable: query["enable"].map(String.init), reason: query["reason"].map { String($0).removingPercentEncoding ?? String($0) }) }
            case 3 where route[0] == "check" && route[1] == "update":
                return put { model.updateCheck(route[2], body: body) }
            default:
                return text(404, "Not found: \(path)")
            }
        }
    }

    static func servicesAnswer(_ model: AgentModel) -> Response {
        let (allowed, everything) = model.readable()
        guard allowed else { return text(403, "ACL not found") }
        var out: [String: Any] = [:]
        if everything {
            for service in model.services.values {
                out[service.id] = ["ID": service.id, "Service": service.name, "Tags": service.tags, "Meta": service.meta, "Port": service.port, "Address": service.address, "Datacenter": model.datacenter, "EnableTagOverride": false] as [String: Any]
            }
        }
        return json(out)
    }

    static func checksAnswer(_ model: AgentModel) -> Response {
        let (allowed, everything) = model.readable()
        guard allowed else { return text(403, "ACL not found") }
        var out: [String: Any] = [:]
        if everything {
            let services = model.services
            for check in model.checks.values {
                out[check.checkID] = ["Node": "consul-agent-standin", "CheckID": check.checkID, "Name": check.name, "Status": check.status, "Notes": check.notes, "Output": check.output, "ServiceID": check.serviceID, "ServiceName": services[check.serviceID]?.name ?? "", "Type": check.ttl != nil ? "ttl" : (check.http != nil ? "http" : "maintenance")] as [String: Any]
            }
        }
        return json(out)
    }

    /// The stand-in's own endpoints, for scripts: `PUT /standin/fail?count=N&status=S`,
    /// `PUT /standin/delay?ms=N`, `PUT /standin/advance?seconds=N`.
    static func control(model: AgentModel, request: Request, segments: [String]) -> Response {
        guard segments.count == 3, segments[1] == "standin", request.method == .put else { return text(404, "Not found: \(request.uri.path)") }
        let query = request.uri.queryParameters
        switch segments[2] {
        case "fail":
            model.failNext(query["count"].flatMap { Int(String($0)) } ?? 1, status: query["status"].flatMap { Int(String($0)) } ?? 500)
        case "delay":
            model.setDelay(.milliseconds(query["ms"].flatMap { Int(String($0)) } ?? 0))
        case "advance":
            model.advance(by: .seconds(query["seconds"].flatMap { Int(String($0)) } ?? 0))
        default:
            return text(404, "Not found: \(request.uri.path)")
        }
        return text(200, "")
    }

    static func text(_ status: Int, _ body: String) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "text/plain; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    static func json(_ value: Any) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
