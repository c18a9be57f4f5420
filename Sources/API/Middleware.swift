import Addresses
import Foundation
import HTTPTypes
import Hummingbird
import Reconciler

/// Every error in GORB's shape, `{"error": "…"}`, Hummingbird's own included (no route, body too
/// large); a known path with a method it does not take is `405` with `Allow`, not GORB's `404`.
struct ErrorShapeMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let allowed: @Sendable (String) -> [HTTPRequest.Method]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let failure as APIFailure {
            throw failure
        } catch let error as OverlayError {
            throw APIFailure(error)
        } catch let error as HTTPError {
            if error.status == .notFound {
                let methods = allowed(request.uri.path)
                if !methods.isEmpty {
                    var failure = APIFailure(.methodNotAllowed, "\(request.method.rawValue) is not served at \(request.uri.path); it takes \(methods.map(\.rawValue).joined(separator: ", "))")
                    failure.headers[.allow] = methods.map(\.rawValue).joined(separator: ", ")
                    throw failure
                }
                throw APIFailure(.notFound, "no such endpoint: \(request.method.rawValue) \(request.uri.path) (see GET /openapi.json)")
            }
            throw APIFailure(error.status, error.body ?? error.status.reasonPhrase)
        } catch {
            throw APIFailure(.internalServerError, "\(error)")
        }
    }
}

/// The bearer token check (`--api-token-file`).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let auth: APIAuth

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let header = request.headers[.authorization] ?? ""
        // A token that is sent is checked even where none is needed: a wrong one is refused, so
        // the web console learns at once that the token it was given is not the server's.
        guard auth.requiresToken(method: request.method, path: request.uri.path) || (auth.token != nil && !header.isEmpty) else {
            return try await next(request, context)
        }
        guard header.hasPrefix("Bearer "), auth.accepts(String(header.dropFirst(7))) else {
            var failure = APIFailure(.unauthorized, header.isEmpty ? "this request needs 'Authorization: Bearer <token>' (see --api-token-file)" : "the bearer token is not valid")
            failure.headers[.wwwAuthenticate] = "Bearer realm=\"gorb-reconcile\""
            throw failure
        }
        return try await next(request, context)
    }

    /// GET, HEAD and OPTIONS read; every other method (PUT, PATCH, DELETE, POST) changes something.
    static func isReading(_ method: HTTPRequest.Method) -> Bool {
        method == .get || method == .head || method == .options
    }
}

/// Who may call the API. GORB had no authentication and listened everywhere; this listens on
/// loopback by default and, with a token, refuses changes (or everything) without it.
public struct APIAuth: Sendable {
    public enum Scope: String, Sendable, CaseIterable {
        /// PUT, PATCH, DELETE and POST need the token; reads do not.
        case mutating
        /// Every request needs it, except `GET /healthz` (for load balancer and systemd probes) and
        /// the web console's static files under `/ui/` (its event stream and actions need it).
        case all
    }

    let token: [UInt8]?
    let scope: Scope

    public static let none = APIAuth(token: nil, scope: .mutating)

    public init(token: String?, scope: Scope) {
        self.token = token.map { Array($0.utf8) }
        self.scope = scope
    }

    func requiresToken(method: HTTPRequest.Method, path: String) -> Bool {
        guard token != nil else { return false }
        switch scope {
        // The console's static files hold no data, and a browser navigating cannot send a token.
        case .all: return path != "/healthz" && path != "/ui" && !path.hasPrefix("/ui/")
        case .mutating: return !AuthMiddleware.isReading(method)
        }
    }

    /// Constant-time comparison, so the answer time does not reveal how much of a guess matched.
    func accepts(_ candidate: String) -> Bool {
        guard let token else { return true }
        let given = Array(candidate.utf8)
        var difference = UInt8(given.count == token.count ? 0 : 1)
        for index in 0..<token.count {
            difference |= token[index] ^ (index < given.count ? given[index] : 0)
        }
        return difference == 0
    }
}

/// A web page must not be able to change the balancer. A browser sends a cross-site request
/// without asking the server first (no CORS preflight) only as a "simple" request: GET, HEAD or
/// POST with no content type or a form one (`application/x-www-form-urlencoded`,
/// `multipart/form-data`, `text/plain`). So a change with a form content type is refused with 415
/// (the API reads JSON), and a change that a browser marks as coming from another site (`Origin`
/// not this server's, `Sec-Fetch-Site: cross-site` or `same-site`) with 403: that also covers a
/// `POST /reload` with no body at all. A page that rebinds its own host name to 127.0.0.1 is
/// "same origin" to the browser; a browser's change to a host name other than `localhost` is
/// refused too unless a token guards the API (the page cannot know it). Scripts and `curl` send
/// no `Origin` and keep working, with `Content-Type: application/json` or none.
struct CrossSiteMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let hasToken: Bool

    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
    static let formTypes: Set<String> = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if !AuthMiddleware.isReading(request.method) {
            try check(request)
        }
        return try await next(request, context)
    }

    func check(_ request: Request) throws(APIFailure) {
        if let type = request.headers[.contentType], let media = Self.mediaType(type), Self.formTypes.contains(media) {
            throw APIFailure(.unsupportedMediaType, "\(request.method.rawValue) with Content-Type \(media) is refused (a web page can send that to any site); send the body as JSON with 'Content-Type: application/json'")
        }
        if let site = request.headers[Self.secFetchSite]?.lowercased(), site == "cross-site" || site == "same-site" {
            throw APIFailure(.forbidden, "a change from another site (Sec-Fetch-Site: \(site)) is refused: a web page must not change the balancer")
        }
        guard let origin = request.headers[.origin] else { return }
        let host = request.head.authority ?? ""  // HTTP/1's Host header
        guard Self.sameOrigin(origin, host: host) else {
            throw APIFailure(.forbidden, "a change from the web page of another origin (\(origin)) is refused: a web page must not change the balancer")
        }
        if !hasToken, !Self.isAddressOrLocalhost(host) {
            throw APIFailure(.forbidden, "a change from a web page at the host name '\(host)' is refused without --api-token-file: a page can point its own name at this server (DNS rebinding); use an address or localhost")
        }
    }

    /// `application/json; charset=utf-8` → `application/json` (lower case), or nil when empty.
    static func mediaType(_ value: String) -> String? {
        let media = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        return media?.isEmpty == false ? media : nil
    }

    /// `Origin: http://127.0.0.1:4672` against `Host: 127.0.0.1:4672` (the server's own origin is
    /// the scheme and the authority the client asked for; `:80` is http's default).
    static func sameOrigin(_ origin: String, host: String) -> Bool {
        let origin = origin.lowercased(), host = host.lowercased()
        guard origin.hasPrefix("http://"), !host.isEmpty else { return false }
        func normal(_ authority: Substring) -> Substring { authority.hasSuffix(":80") ? authority.dropLast(3) : authority }
        return normal(origin.dropFirst(7)) == normal(host[...])
    }

    /// The host of a `Host` header is an address literal (`127.0.0.1`, `[::1]`) or `localhost`.
    static func isAddressOrLocalhost(_ authority: String) -> Bool {
        var name = Substring(authority.lowercased())
        if name.hasPrefix("[") {
            guard let close = name.firstIndex(of: "]") else { return false }
            return IPAddress(String(name[name.index(after: name.startIndex)..<close])) != nil
        }
        if let colon = name.lastIndex(of: ":") { name = name[..<colon] }
        return name == "localhost" || IPAddress(String(name)) != nil
    }
}
