import HTTPTypes
import Hummingbird
import NIOCore
import Publishing

/// The web console: `GET /ui/` (a static page, its script and style, compiled into the binary like
/// `openapi.json`) and `GET /events`, the server-sent-events stream it reads.
///
/// The page holds no data, so it is served without the token even with `--api-auth all` (a
/// browser cannot send a bearer header when it navigates); the stream and every action carry the
/// token, which the page asks for once and keeps for the tab (`sessionStorage`). The page may
/// load nothing from anywhere but this server (`Content-Security-Policy: default-src 'self'`, no
/// inline script or style), may not be framed, and sends no referrer.
extension GorbAPI {
    func addConsoleRoutes(_ routes: inout RouteTable) {
        routes.add(.get, "/events") { request, _ in
            console.response(lastEventID: request.headers[Self.lastEventID])
        }
        // Also answers `/ui` (the router ignores a trailing slash): the page names its files by
        // absolute path so that either works.
        routes.add(.get, "/ui/") { _, _ in
            Self.asset(ConsoleAssets.page, type: "text/html; charset=utf-8")
        }
        routes.add(.get, "/ui/console.js") { _, _ in
            Self.asset(ConsoleAssets.script, type: "text/javascript; charset=utf-8")
        }
        routes.add(.get, "/ui/console.css") { _, _ in
            Self.asset(ConsoleAssets.style, type: "text/css; charset=utf-8")
        }
    }

    static let lastEventID = HTTPField.Name("Last-Event-ID")!

    /// The policy: this origin only; no inline script or style; no frames, plugins, forms to
    /// elsewhere or `<base>`.
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    static func asset(_ bytes: [UInt8], type: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: type,
                .contentSecurityPolicy: contentSecurityPolicy,
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
                HTTPField.Name("X-Frame-Options")!: "DENY",
                HTTPField.Name("Referrer-Policy")!: "no-referrer",
                .cacheControl: "no-cache",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}

/// The page's files, compiled in (`.embedInCode`): the binary ships alone (scripts/package-deb).
enum ConsoleAssets {
    static let page = PackageResources.index_html
    static let script = PackageResources.console_js
    static let style = PackageResources.console_css
}

extension ConsoleFeed {
    /// One `GET /events` connection: the frames as events (``EventCursor``) until the client goes
    /// or the feed stops. A slow client only delays itself: it reads the newest frame when it is
    /// ready and sends what changed since its last write.
    func response(lastEventID: String?) -> Response {
        let epoch = epoch
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/event-stream; charset=utf-8",
                .cacheControl: "no-store",
                HTTPField.Name("X-Accel-Buffering")!: "no",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            ],
            body: ResponseBody { writer in
                self.watch()
                defer { self.unwatch() }
                var cursor = EventCursor(epoch: epoch, lastEventID: lastEventID)
                for await frame in self.frames.updates {
                    guard let frame, !frame.stale else { continue }
                    let text = cursor.events(for: frame)
                    if !text.isEmpty { try await writer.write(ByteBuffer(string: text)) }
                }
                try await writer.finish(nil)
            }
        )
    }
}
