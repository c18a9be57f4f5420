import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Spec
import Synchronization

/// etcd v3 through its JSON gateway (`POST /v3/...` on the client port), over AsyncHTTPClient.
///
/// Every call goes to the member that answered last and fails over to the next listed one when
/// a member cannot be reached or cannot serve now (no leader, leader changed: gRPC `Unavailable`),
/// until the call's deadline. With a user, the token from `/v3/auth/authenticate` goes in the
/// `Authorization` header and is fetched again when etcd says it expired.
final class EtcdClient: Sendable {
    let endpoints: [EtcdSettings.Endpoint]
    private let credentials: EtcdCredentials
    /// Calls that answer at once (a read timeout catches a member that stops mid-answer).
    private let unary: HTTPClient
    /// The watch: a response that streams for as long as the daemon runs.
    private let streaming: HTTPClient
    private let preferred = Mutex(0)
    private let token = Mutex<String?>(nil)
    private let logger: Logger

    init(endpoints: [EtcdSettings.Endpoint], credentials: EtcdCredentials, logger: Logger) {
        self.endpoints = endpoints
        self.credentials = credentials
        self.logger = logger
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: credentials.tls,
            redirectConfiguration: .disallow,
            timeout: .init(connect: .milliseconds(700), read: .milliseconds(1500))
        )
        configuration.httpVersion = .http1Only
        unary = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        configuration.timeout = .init(connect: .milliseconds(700))
        streaming = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func shutdown() async {
        try? await unary.shutdown()
        try? await streaming.shutdown()
    }

    /// The member calls start with.
    var currentEndpoint: EtcdSettings.Endpoint { endpoints[preferred.withLock { $0 }] }

    /// One call, failing over across members until `timeout` has passed.
    func call<Response: Decodable>(_ path: String, _ body: some Encodable, timeout: Duration = .seconds(4), as: Response.Type = Response.self) async throws(EtcdError) -> Response {
        let payload: Data
        do {
            payload = try JSONEncoder().encode(body)
        } catch {
            throw .refused("cannot encode the request: \(error)")
        }
        let deadline = ContinuousClock.now + timeout
        var failures: [String: String] = [:]
        var reauthenticated = false
        var round = 0
        while true {
            let start = preferred.withLock { $0 }
            for offset in 0..<endpoints.count {
                let index = (start + offset) % endpoints.count
                let endpoint = endpoints[index]
                switch await attempt(path, payload, on: endpoint, deadline: deadline) {
                case .answer(let bytes):
                    preferred.withLock { $0 = index }
                    do {
                        return try JSONDecoder().decode(Response.self, from: bytes)
                    } catch {
                        throw .refused("\(endpoint) answered \(path) with what is not its JSON: \(error)")
                    }
                case .unavailable(let reason):
                    failures["\(endpoint)"] = reason
                case .expiredToken where !reauthenticated && credentials.user != nil:
                    reauthenticated = true
                    token.withLock { $0 = nil }
                    failures["\(endpoint)"] = "auth token expired"
                case .expiredToken:
                    throw .refused("\(endpoint): the auth token was refused again after authenticating")
                case .refused(let reason):
                    throw .refused("\(endpoint): \(reason)")
                }
                if ContinuousClock.now >= deadline { break }
            }
            round += 1
            if ContinuousClock.now >= deadline { break }
            // Every member failed this round (an election takes a second or so): wait a little.
            try? await Task.sleep(for: .milliseconds(min(100 * round, 500)))
            if Task.isCancelled || ContinuousClock.now >= deadline { break }
        }
        let summary = failures.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
        throw .unreachable(summary.isEmpty ? "no answer within \(timeout)" : summary)
    }

    enum Outcome: Equatable {
        case answer(Data)
        case unavailable(String)
        case expiredToken
        case refused(String)
    }

    private func attempt(_ path: String, _ payload: Data, on endpoint: EtcdSettings.Endpoint, deadline: ContinuousClock.Instant) async -> Outcome {
        let headers: [(String, String)]
        do {
            headers = try await authorization(on: endpoint, deadline: deadline)
        } catch {
            return Self.outcome(of: error)
        }
        var request = HTTPClientRequest(url: "\(endpoint)\(path)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: payload))
        do {
            // One member gets at most 1.5 s: a follower holding a request through an election
            // answers late, and another member may answer now.
            let remaining = min(.milliseconds(1500), max(.milliseconds(50), deadline - ContinuousClock.now))
            let response = try await unary.execute(request, timeout: .nanoseconds(Self.nanoseconds(remaining)), logger: logger)
            let body = try await response.body.collect(upTo: 64 << 20)
            let bytes = Data(body.readableBytesView)
            if response.status == .ok { return .answer(bytes) }
            return Self.outcome(status: response.status, body: bytes)
        } catch {
            return .unavailable(Self.describe(error))
        }
    }

    /// The `Authorization` header, authenticating first when there is a user and no token yet.
    private func authorization(on endpoint: EtcdSettings.Endpoint, deadline: ContinuousClock.Instant) async throws(EtcdError) -> [(String, String)] {
        guard let user = credentials.user else { return [] }
        if let token = token.withLock({ $0 }) { return [("Authorization", token)] }
        var request = HTTPClientRequest(url: "\(endpoint)/v3/auth/authenticate")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        let body = (try? JSONEncoder().encode(EtcdWire.AuthenticateRequest(name: user.name, password: user.password))) ?? Data()
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let remaining = max(.milliseconds(50), deadline - ContinuousClock.now)
            let response = try await unary.execute(request, timeout: .nanoseconds(Self.nanoseconds(remaining)), logger: logger)
            let bytes = Data(try await response.body.collect(upTo: 1 << 20).readableBytesView)
            guard response.status == .ok else {
                switch Self.outcome(status: response.status, body: bytes) {
                case .unavailable(let reason): throw EtcdError.unreachable(reason)
                case .refused(let reason): throw EtcdError.refused("authenticating as '\(user.name)': \(reason)")
                default: throw EtcdError.refused("authenticating as '\(user.name)' failed")
                }
            }
            guard let fresh = try JSONDecoder().decode(EtcdWire.AuthenticateResponse.self, from: bytes).token else {
                throw EtcdError.refused("authenticating as '\(user.name)': etcd sent no token (is auth enabled?)")
            }
            token.withLock { $0 = fresh }
            return [("Authorization", fresh)]
        } catch let error as EtcdError {
            throw error
        } catch {
            throw .unreachable(Self.describe(error))
        }
    }

    private static func outcome(of error: EtcdError) -> Outcome {
        switch error {
        case .unreachable(let reason): .unavailable(reason)
        case .refused(let reason): .refused(reason)
        }
    }

    /// What a non-200 answer means: gRPC `Unavailable` (14) and HTTP 5xx → try another member;
    /// `Unauthenticated` (16) with an expired token → authenticate again; the rest is refused.
    static func outcome(status: HTTPResponseStatus, body: Data) -> Outcome {
        let error = try? JSONDecoder().decode(EtcdWire.ErrorBody.self, from: body)
        let message = error?.message ?? error?.error ?? String(decoding: body.prefix(300), as: UTF8.self)
        if message.contains("invalid auth token") || message.contains("auth token is expired") { return .expiredToken }
        if error?.code == 14 || status == .serviceUnavailable || status == .badGateway || status == .gatewayTimeout
            || message.contains("leader changed") || message.contains("no leader") || message.contains("timed out")
        {
            return .unavailable("\(status.code) \(message)")
        }
        return .refused("\(status.code) \(message)")
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            if error == .deadlineExceeded { return "no answer in time" }
            if error == .readTimeout { return "stopped answering (read timeout)" }
            if error == .connectTimeout { return "connect timed out" }
            if error == .remoteConnectionClosed { return "closed the connection" }
        }
        let text = "\(error)"
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        return text
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    // MARK: - the watch

    /// Opens a watch of `[key, rangeEnd)` from `revision` on the preferred member (failing over),
    /// and returns its lines as they arrive. The stream ends when the member goes away.
    func watch(key: String, rangeEnd: String, from revision: Int64, timeout: Duration = .seconds(3)) async throws(EtcdError) -> (EtcdSettings.Endpoint, HTTPClientResponse.Body) {
        let request = EtcdWire.WatchRequest(create_request: .init(key: key, range_end: rangeEnd, start_revision: String(revision)))
        let payload = (try? JSONEncoder().encode(request)) ?? Data()
        let deadline = ContinuousClock.now + timeout
        var failures: [String] = []
        let start = preferred.withLock { $0 }
        for offset in 0..<endpoints.count {
            let index = (start + offset) % endpoints.count
            let endpoint = endpoints[index]
            var request = HTTPClientRequest(url: "\(endpoint)/v3/watch")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            do {
                for (name, value) in try await authorization(on: endpoint, deadline: deadline) { request.headers.add(name: name, value: value) }
            } catch {
                failures.append("\(endpoint): \(error)")
                continue
            }
            request.body = .bytes(ByteBuffer(bytes: payload))
            do {
                let remaining = max(.milliseconds(300), (deadline - ContinuousClock.now) / max(1, endpoints.count - offset))
                let response = try await streaming.execute(request, timeout: .nanoseconds(Self.nanoseconds(remaining)), logger: logger)
                guard response.status == .ok else {
                    let body = Data(((try? await response.body.collect(upTo: 1 << 20)) ?? ByteBuffer()).readableBytesView)
                    if case .expiredToken = Self.outcome(status: response.status, body: body) { token.withLock { $0 = nil } }
                    failures.append("\(endpoint): \(response.status.code) \(String(decoding: body.prefix(200), as: UTF8.self))")
                    continue
                }
                preferred.withLock { $0 = index }
                return (endpoint, response.body)
            } catch {
                failures.append("\(endpoint): \(Self.describe(error))")
            }
        }
        throw .unreachable(failures.joined(separator: "; "))
    }

    /// Moves the next calls to another member (this one looks stuck).
    func avoid(_ endpoint: EtcdSettings.Endpoint) {
        guard endpoints.count > 1, let index = endpoints.firstIndex(of: endpoint) else { return }
        preferred.withLock { if $0 == index { $0 = (index + 1) % endpoints.count } }
    }
}
