import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Where the running daemon's REST API is, for the commands that ask it.
struct APIOptions: ParsableArguments {
    static let defaultURL = "http://127.0.0.1:4672"

    @Option(name: .customLong("api"), help: ArgumentHelp("The daemon's REST API: http://host:port or unix:/path/to/api.sock (what 'run -l' listens on).", valueName: "url"))
    var url: String = APIOptions.defaultURL

    @Option(name: .customLong("api-token-file"), help: ArgumentHelp("A file holding the bearer token (the daemon's --api-token-file).", valueName: "file"))
    var tokenFile: String?

    func validate() throws {
        guard DaemonClient.Endpoint(url) != nil else {
            throw ValidationError("--api takes http://host:port or unix:/absolute/path, found '\(url)'")
        }
    }
}

/// The exit codes of the commands that talk to the daemon (README, "CLI").
enum ClientExit {
    /// `status`: something is down, out of sync, or the last pass or reload failed.
    static let attention: Int32 = 2
    /// `apply`: a daemon runs with this state directory (it holds the lock).
    static let daemonRunning: Int32 = 3
    /// The daemon cannot be reached (not running, wrong --api).
    static let unreachable: Int32 = 4
    /// The daemon refused the token (missing or wrong).
    static let unauthorized: Int32 = 5
    /// No such service or backend.
    static let notFound: Int32 = 6
    /// The daemon refused the change or the reload (invalid, conflicting, a rejected file).
    static let refused: Int32 = 7
}

/// A failure talking to the daemon: one line for the operator and the exit code that goes with it.
struct ClientFailure: Error, CustomStringConvertible {
    var description: String
    var code: Int32

    /// Prints `error: …` and exits with the code.
    func exit() -> ExitCode {
        print("error: \(description)", to: &standardErrorStream)
        return ExitCode(code)
    }
}

/// A small client of the daemon's REST API (AsyncHTTPClient, over TCP or the unix socket).
struct DaemonClient {
    /// An `--api` value.
    enum Endpoint: CustomStringConvertible {
        case http(base: String)
        case unix(path: String)

        init?(_ text: String) {
            if text.hasPrefix("unix:") {
                let path = String(text.dropFirst(5))
                guard path.hasPrefix("/") else { return nil }
                self = .unix(path: path)
            } else if text.hasPrefix("http://") || text.hasPrefix("https://"), URL(string: text)?.host != nil {
                self = .http(base: text.hasSuffix("/") ? String(text.dropLast()) : text)
            } else {
                return nil
            }
        }

        func url(_ path: String) -> String {
            switch self {
            case .http(let base): return base + path
            case .unix(let socket): return URL(httpURLWithSocketPath: socket, uri: path)?.absoluteString ?? "http+unix://invalid\(path)"
            }
        }

        var description: String {
            switch self {
            case .http(let base): base
            case .unix(let path): "unix:\(path)"
            }
        }
    }

    let endpoint: Endpoint
    let token: String?
    let timeout: TimeAmount

    init(_ options: APIOptions, timeout: TimeAmount = .seconds(30)) throws {
        endpoint = Endpoint(options.url)!
        self.timeout = timeout
        if let file = options.tokenFile {
            guard let data = FileManager.default.contents(atPath: file),
                  let token = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
                  !token.isEmpty
            else {
                throw ClientFailure(description: "cannot read a token from --api-token-file \(file)", code: 1)
            }
            self.token = token
        } else {
            token = nil
        }
    }

    /// An answer: the status code and the body.
    struct Answer {
        var status: Int
        var body: Data

        /// The body as JSON.
        func json() throws(ClientFailure) -> Any {
            do {
                return try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
            } catch {
                throw ClientFailure(description: "the daemon's answer is not JSON: \(String(decoding: body.prefix(200), as: UTF8.self))", code: 1)
            }
        }

        /// The daemon's error message(s), GORB's `{"error": "…"}`.
        var errorMessage: String {
            if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] {
                if let errors = object["errors"] as? [String], !errors.isEmpty { return errors.joined(separator: "; ") }
                if let error = object["error"] as? String { return error }
            }
            return "HTTP \(status)"
        }
    }

    /// Sends one request; answers with a 2xx, or throws the failure that matches the answer.
    func send(_ method: HTTPMethod, _ path: String, json body: Any? = nil) async throws(ClientFailure) -> Answer {
        let answer = try await raw(method, path, json: body)
        switch answer.status {
        case 200..<300: return answer
        case 401:
            throw ClientFailure(description: "the daemon at \(endpoint) refused the token: \(answer.errorMessage) (give the right one with --api-token-file FILE)", code: ClientExit.unauthorized)
        case 404:
            throw ClientFailure(description: answer.errorMessage, code: ClientExit.notFound)
        case 400, 403, 409, 422:
            throw ClientFailure(description: answer.errorMessage, code: ClientExit.refused)
        default:
            throw ClientFailure(description: "the daemon answered \(method.rawValue) \(path) with HTTP \(answer.status): \(answer.errorMessage)", code: 1)
        }
    }

    /// Sends one request and returns whatever came back.
    func raw(_ method: HTTPMethod, _ path: String, json body: Any? = nil) async throws(ClientFailure) -> Answer {
        var request = HTTPClientRequest(url: endpoint.url(path))
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            do {
                let data = try JSONSerialization.data(withJSONObject: body)
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: data))
            } catch {
                throw ClientFailure(description: "cannot encode the request: \(error)", code: 1)
            }
        }
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: timeout)
            let bytes = try await response.body.collect(upTo: 64 << 20)
            return Answer(status: Int(response.status.code), body: Data(bytes.readableBytesView))
        } catch {
            throw ClientFailure(description: "cannot reach the daemon at \(endpoint): \(Self.reason(error)) (is 'gorb-reconcile run' running? see --api)", code: ClientExit.unreachable)
        }
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? HTTPClientError, error == .deadlineExceeded { return "no answer in time" }
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        if let error = error as? NIOConnectionError, let first = error.connectionErrors.first {
            return reason(first.error)
        }
        return "\(error)"
    }
}
