public import HTTPTypes
import Hummingbird

/// One route as registered: what the OpenAPI document must describe, no more, no less.
public struct APIRoute: Sendable, Hashable, CustomStringConvertible {
    public var method: HTTPRequest.Method
    /// Path with `{name}` parameters, as in OpenAPI (`/service/{service}`).
    public var path: String

    public var description: String { "\(method.rawValue) \(path)" }
}

/// Registers handlers on the router and remembers each one, so the routes served and the routes
/// documented come from one list.
struct RouteTable {
    let router: Router<BasicRequestContext>
    private(set) var routes: [APIRoute] = []
    let box = RouteBox()

    init(router: Router<BasicRequestContext>) {
        self.router = router
    }

    mutating func add(
        _ method: HTTPRequest.Method,
        _ path: String,
        _ handler: @escaping @Sendable (Request, BasicRequestContext) async throws -> Response
    ) {
        router.on(RouterPath(path), method: method, use: handler)
        let route = APIRoute(method: method, path: path)
        routes.append(route)
        box.routes.append(route)
    }

}

/// The registered routes, shared with the error middleware, which is added before them. Written
/// only while the router is built, read only while it serves.
final class RouteBox: @unchecked Sendable {
    var routes: [APIRoute] = []

    /// The methods served at a concrete path (for `405 Method Not Allowed` and its `Allow`).
    @Sendable func methods(matching path: String) -> [HTTPRequest.Method] {
        routes.filter { Self.matches(template: $0.path, path: path) }.map(\.method)
    }

    static func matches(template: String, path: String) -> Bool {
        let want = template.split(separator: "/", omittingEmptySubsequences: false)
        let have = path.split(separator: "/", omittingEmptySubsequences: false)
        guard want.count == have.count else { return false }
        return zip(want, have).allSatisfy { pattern, segment in
            (pattern.hasPrefix("{") && !segment.isEmpty) || pattern == segment
        }
    }
}
