import API
import ArgumentParser
import Hummingbird

/// `-l`: where the REST API listens. GORB's `:4672` (every interface) still works; the default is
/// loopback, because the API can drain every backend.
enum ListenAddress {
    static func parse(_ text: String) -> BindAddress? {
        if text == "none" { return nil }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "0.0.0.0" }
        return .hostname(host, port: port)
    }
}

/// `--api-auth`.
enum APIAuthScope: String, ExpressibleByArgument, CaseIterable {
    case mutating, all

    var scope: APIAuth.Scope { self == .all ? .all : .mutating }
}
