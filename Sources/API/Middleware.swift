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
        guard auth.requiresToken(method: request.method, path: request.uri.path) else {
            return try await next(request, context)
        }
        let header = request.headers[.authorization] ?? ""
        guard header.hasPrefix("Bearer "), auth.accepts(String(header.dropFirst(7))) else {
            var failure = APIFailure(.unauthorized, header.isEmpty ? "this request needs 'Authorization: Bearer <token>' (see --api-token-file)" : "the bearer token is not valid")
            failure.headers[.wwwAuthenticate] = "Bearer realm=\"gorb-reconcile\""
            throw failure
        }
        return try await next(request, context)
    }
}

/// Who may call the API. GORB had no authentication and listened everywhere; this listens on
/// loopback by default and, with a token, refuses changes (or everything) without it.
public struct APIAuth: Sendable {
    public enum Scope: String, Sendable, CaseIterable {
        /// PUT, PATCH, DELETE and POST need the token; reads do not.
        case mutating
        /// Every request needs it, except `GET /healthz` (for load balancer and systemd probes).
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
        case .all: return path != "/healthz"
        case .mutating: return ![.get, .head, .options].contains(method)
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

/// A web page must not be able to change the balancer: a browser sends a cross-site form post
/// or a "simple" `fetch` without asking the server first (no CORS preflight), so a page the
/// operator visits could `POST /reload` or `PUT` a backend on `127.0.0.1:4672`.
///
/// Mutating requests (PUT, PATCH, DELETE, POST) are refused when their body type is one a browser
/// may send cross-site without a preflight (`application/x-www-form-urlencoded`,
/// `multipart/form-data`, `text/plain`: 415), or when the browser says they come from another
/// site (`Sec-Fetch-Site`), or from another origin than this server (`Origin`: 403). Clients that
/// send JSON, or no body type at all (curl without `-d`, scripts), are not affected.
struct BrowserRequestMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
    static let formTypes: Set<String> = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard [.put, .patch, .delete, .post].contains(request.method) else { return try await next(request, context) }
        if let type = request.headers[.contentType] {
            let media = String(type.split(separator: ";", maxSplits: 1).first ?? "").filter { $0 != " " && $0 != "\t" }.lowercased()
            if Self.formTypes.contains(media) {
                throw APIFailure(.unsupportedMediaType, "\(media) is a browser form's body type, refused so that no web page can change the balancer; send the JSON body with 'Content-Type: application/json'")
            }
        }
        if let site = request.headers[Self.secFetchSite]?.lowercased(), site != "same-origin", site != "none" {
            throw APIFailure(.forbidden, "a browser sent this change from another site (Sec-Fetch-Site: \(site)); changes are taken only from this server's own pages and from non-browser clients")
        }
        if let origin = request.headers[.origin] {
            let host = request.head.authority ?? ""
            guard origin == "http://\(host)" || origin == "https://\(host)" else {
                throw APIFailure(.forbidden, "a browser sent this change from another origin (\(origin)); changes are taken only from this server's own pages and from non-browser clients")
            }
        }
        return try await next(request, context)
    }
}
