import Addresses
import YAMLBridge

/// The probe of each pulse type (tcp, http, https, udp, dns, exec, none): which args it takes and
/// the rules for each.
extension Resolver {
    mutating func resolveProbe(_ type: PulseType, _ args: PulseArgs, path: () -> [PathComponent], pulseMark: Mark?) -> Probe? {
        var ok = true
        for key in PulseArgs.CodingKeys.allCases where args.isSet(key) && !Self.takes(type, key) {
            let allowed = PulseArgs.CodingKeys.allCases.filter { Self.takes(type, $0) }
            let list = allowed.isEmpty ? "it takes no args" : "it takes: " + allowed.map(\.rawValue).sorted().joined(separator: ", ")
            error(path() + [.key(key.rawValue)], args.source[key.rawValue], "'\(key.rawValue)' does not apply to a \(type) check (\(list))")
            ok = false
        }
        var host: IPAddress?
        if let text = args.host {
            if let address = IPAddress(text) {
                host = address
            } else {
                error(path() + [.key("host")], args.source["host"], "'\(text)' is not an IPv4 or IPv6 address")
                ok = false
            }
        }
        if args.port == 0 {
            error(path() + [.key("port")], args.source["port"], "port must be from 1 to 65535")
            ok = false
        }
        let probe: Probe
        switch type {
        case .none:
            probe = .none
        case .tcp:
            probe = .tcp(TCPProbe(host: host, port: args.port))
        case .http, .https:
            var http = HTTPProbe(tls: type == .https, host: host, port: args.port)
            if let method = args.method {
                // Letters only: every byte an ASCII letter (any other byte is, or is part of, a
                // character that is not one).
                if !method.isEmpty, method.utf8.allSatisfy({ ($0 | 0x20) &- UInt8(ascii: "a") < 26 }) {
                    http.method = method.uppercased()
                } else {
                    error(path() + [.key("method")], args.source["method"], "'\(method)' is not an HTTP method (GET, HEAD, POST…)")
                    ok = false
                }
            }
            if let value = args.path {
                if value.hasPrefix("/"), !value.contains(where: { $0 == " " || $0 == "\n" || $0 == "\r" }) {
                    http.path = value
                } else {
                    error(path() + [.key("path")], args.source["path"], "an HTTP path starts with '/' and has no spaces, found '\(value)'")
                    ok = false
                }
            }
            if let expect = args.expect {
                if let codes = StatusExpectation.parse(expect.text) {
                    http.expect = codes
                } else {
                    error(path() + [.key("expect")], args.source["expect"], "expected HTTP status codes from 100 to 599: a code (200), a range (\"200-399\") or a list ([200, 204]), found '\(expect.text)'")
                    ok = false
                }
            }
            http.virtualhost = args.virtualhost
            http.body = args.body
            http.sni = args.sni
            http.insecure = args.insecure ?? false
            probe = .http(http)
        case .udp:
            probe = .udp(UDPProbe(host: host, port: args.port, payload: args.payload ?? "", expect: args.expect?.text))
        case .dns:
            let query = (args.query ?? "A").uppercased()
            if !Self.dnsTypes.contains(query) {
                error(path() + [.key("query")], args.source["query"], unknownWord("DNS record type", query, Self.dnsTypes.sorted()))
                ok = false
            }
            let expect = (args.expect?.text ?? "NOERROR").uppercased()
            if !Self.dnsCodes.contains(expect) {
                error(path() + [.key("expect")], args.source["expect"], unknownWord("DNS response code", expect, Self.dnsCodes.sorted()))
                ok = false
            }
            guard let name = args.name, !name.isEmpty else {
                error(path(), args.source.object ?? pulseMark, "a dns check needs 'name' (the name to ask for)")
                return nil
            }
            probe = .dns(DNSProbe(host: host, port: args.port, name: name, query: query, expect: expect))
        case .exec:
            guard let command = args.command?.arguments, let program = command.first, !program.isEmpty else {
                error(path(), args.source.object ?? pulseMark, "an exec check needs 'command' (a program and its arguments)")
                return nil
            }
            if let user = args.user, !Self.isUserName(user) {
                error(path() + [.key("user")], args.source["user"], "'\(user)' is not a user name (letters, digits, '_', '-', '.', starting with a letter or '_')")
                return nil
            }
            probe = .exec(ExecProbe(command: command, user: args.user))
        }
        return ok ? probe : nil
    }

    /// A POSIX-portable user name, as `useradd` accepts them (a number is not a name: the
    /// lookup is by name).
    private static func isUserName(_ text: String) -> Bool {
        guard let first = text.utf8.first, first == UInt8(ascii: "_") || (first | 0x20 >= UInt8(ascii: "a") && first | 0x20 <= UInt8(ascii: "z")), text.utf8.count <= 32 else { return false }
        return text.utf8.allSatisfy { byte in
            (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
    }

    private static let dnsTypes: Set<String> = ["A", "AAAA", "CNAME", "MX", "NS", "PTR", "SOA", "SRV", "TXT"]
    private static let dnsCodes: Set<String> = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"]
}
