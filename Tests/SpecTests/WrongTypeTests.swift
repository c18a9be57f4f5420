import Foundation
import Spec
import Testing
import YAMLBridge

/// Every field of the format, given a value of the wrong kind, yields an error at that field (its
/// path and position), never a crash and never a silent default.
@Suite struct WrongTypeTests {
    /// (path in the document, a YAML fragment placing a bad value at that path).
    static let fields: [(path: String, yaml: String)] = {
        let service = "services:\n  web:\n    host: 192.0.2.10\n    port: 80\n"
        let backend = service + "    backends:\n      b:\n        host: 10.0.0.1\n"
        var rows: [(String, String)] = []
        for key in ["interface", "resync", "prune", "timeouts"] {
            rows.append(("settings.\(key)", "settings:\n  \(key): BAD\nservices: {}\n"))
        }
        for key in ["tcp", "tcpfin", "udp"] {
            rows.append(("settings.timeouts.\(key)", "settings:\n  timeouts:\n    \(key): BAD\nservices: {}\n"))
        }
        for key in ["settings", "defaults", "services"] {
            rows.append((key, "\(key): BAD\n"))
        }
        for key in ["service", "backend"] {
            rows.append(("defaults.\(key)", "defaults:\n  \(key): BAD\nservices: {}\n"))
        }
        for key in ["protocol", "fwmark", "family", "method", "persistent", "netmask", "persistence-engine", "one-packet", "flags", "pulse", "backends"] {
            rows.append(("services.web.\(key)", service + "    \(key): BAD\n"))
        }
        rows.append(("services.web.host", "services:\n  web:\n    host: BAD\n    port: 80\n"))
        rows.append(("services.web.port", "services:\n  web:\n    host: 192.0.2.10\n    port: BAD\n"))
        for key in ["port", "weight", "method", "tunnel", "thresholds", "drain", "pulse", "vsid"] {
            rows.append(("services.web.backends.b.\(key)", backend + "        \(key): BAD\n"))
        }
        for key in ["type", "port", "checksum"] {
            rows.append(("services.web.backends.b.tunnel.\(key)", backend + "        method: tunnel\n        tunnel:\n          \(key): BAD\n"))
        }
        for key in ["upper", "lower"] {
            rows.append(("services.web.backends.b.thresholds.\(key)", backend + "        thresholds:\n          \(key): BAD\n"))
        }
        for key in ["type", "interval", "timeout", "rise", "fall", "args"] {
            rows.append(("services.web.backends.b.pulse.\(key)", backend + "        pulse:\n          \(key): BAD\n"))
        }
        for key in ["host", "port", "method", "path", "expect", "virtualhost", "body", "sni", "insecure", "payload", "name", "query", "command"] {
            rows.append(("services.web.backends.b.pulse.args.\(key)", backend + "        pulse:\n          args:\n            \(key): BAD\n"))
        }
        return rows
    }()

    static let badValues = ["{nested: mapping}", "[a, list]"]

    @Test(arguments: fields.map(\.path), badValues)
    func wrongKindIsReportedAtTheField(path: String, bad: String) throws {
        let row = try #require(Self.fields.first { $0.path == path })
        let yaml = row.yaml.replacingOccurrences(of: "BAD", with: bad)
        let found = errors(yaml)
        #expect(!found.isEmpty, "no error for \(bad) at \(path)")
        let atField = found.first { $0.pathDescription == path || $0.pathDescription.hasPrefix(path + ".") || $0.pathDescription.hasPrefix(path + "[") }
        #expect(atField != nil, "no error at \(path); got:\n\(found.map(\.description).joined(separator: "\n"))")
        #expect(atField?.mark != nil)
    }
}
