import Testing
import YAMLBridge

/// `collectingErrors` and `report`: every error of a document in one pass, sorted by position, and
/// the rendering `FILE:LINE:COL: error: PATH: MESSAGE`.
@Suite struct ErrorCollectionTests {
    /// A port that checks its own rule with `report` (a value the type decodes but refuses).
    struct Port: Decodable, Equatable {
        var value: UInt16
        init(value: UInt16) { self.value = value }
        init(from decoder: any Decoder) throws {
            value = try decoder.singleValueContainer().decode(UInt16.self)
            if value == 0 { try decoder.report("port 0 is not allowed: use 1 to 65535") }
        }
    }

    /// Decodes every field on its own, so one bad field does not hide the next.
    struct Backend: Decodable {
        var host: String?
        var port: Port?
        var weight: Int32?
        enum CodingKeys: String, CodingKey, CaseIterable { case host, port, weight }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            host = try decoder.collectingErrors { try container.decode(String.self, forKey: .host) }
            port = try decoder.collectingErrors { try container.decode(Port.self, forKey: .port) }
            weight = try decoder.collectingErrors { try container.decodeIfPresent(Int32.self, forKey: .weight) } ?? nil
        }
    }

    struct Service: Decodable {
        var backends: [String: Backend]
        enum CodingKeys: String, CodingKey, CaseIterable { case backends }
    }

    struct Config: Decodable {
        var services: [String: Service]
        var name: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case services, name }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            // The name is decoded first but written last in the file: sorting puts it last.
            name = try decoder.collectingErrors { try container.decodeIfPresent(String.self, forKey: .name) } ?? nil
            services = try decoder.collectingErrors { try container.decode([String: Service].self, forKey: .services) } ?? [:]
        }
    }

    @Test func collectsEveryErrorSortedByPosition() {
        let yaml = """
            services:
              web:
                backends:
                  a: {host: h, port: 70000, weight: x}
                  b: {host: [h], port: 0}
                  c: {port: 1, wieght: 2}
              dns:
                backendz: {}
            name: [oops]
            """
        let errors = decodeErrors(Config.self, yaml)
        #expect(errors == [
            "4:26: error: services.web.backends.a.port: expected an integer from 0 to 65535, found \"70000\"",
            "4:41: error: services.web.backends.a.weight: expected an integer, found \"x\"",
            "5:17: error: services.web.backends.b.host: expected a string, found a list",
            "5:28: error: services.web.backends.b.port: port 0 is not allowed: use 1 to 65535",
            "6:10: error: services.web.backends.c: missing required key 'host'",
            "6:20: error: services.web.backends.c.wieght: unknown key 'wieght' (did you mean 'weight'?)",
            "8:5: error: services.dns.backendz: unknown key 'backendz' (did you mean 'backends'?)",
            "8:5: error: services.dns: missing required key 'backends'",
            "9:7: error: name: expected a string, found a list",
        ])
    }

    @Test func reportDoesNotStopDecoding() throws {
        // `report` records and returns: the value decodes, but the whole decode still fails.
        let errors = decodeErrors([String: Port].self, "a: 0\nb: 0\nc: 80\n")
        #expect(errors == [
            "1:4: error: a: port 0 is not allowed: use 1 to 65535",
            "2:4: error: b: port 0 is not allowed: use 1 to 65535",
        ])
        #expect(try decode([String: Port].self, "c: 80").get() == ["c": Port(value: 80)] as [String: Port]?)
    }

    @Test func anErrorOutsideCollectingErrorsStopsTheDecode() {
        struct Strict: Decodable {
            var a: Int
            var b: Int
            enum CodingKeys: String, CodingKey, CaseIterable { case a, b }
        }
        #expect(decodeErrors(Strict.self, "a: x\nb: y\n").count == 1)
    }

    /// A type's own error (not a DecodingError) is placed at the value being decoded.
    @Test func ownErrorsGetThePositionOfTheValue() {
        struct NotAnAddress: Error, CustomStringConvertible {
            var description: String { "not an IP address" }
        }
        struct Address: Decodable {
            init(from decoder: any Decoder) throws {
                _ = try decoder.singleValueContainer().decode(String.self)
                throw NotAnAddress()
            }
        }
        struct Holder: Decodable {
            var address: Address?
            enum CodingKeys: String, CodingKey, CaseIterable { case address }
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                address = try container.decode(Wrapper.self, forKey: .address).address
            }
        }
        struct Wrapper: Decodable {
            var address: Address?
            init(from decoder: any Decoder) throws {
                address = try decoder.collectingErrors { try Address(from: decoder) }
            }
        }
        #expect(decodeErrors(Holder.self, "address:   banana\n") == ["1:12: error: address: not an IP address"])
    }

    @Test func diagnosticWithoutAMarkGetsThePositionOfTheValue() {
        struct Checked: Decodable {
            init(from decoder: any Decoder) throws {
                _ = try decoder.collectingErrors { throw Diagnostic(mark: nil, message: "bad") }
            }
        }
        #expect(decodeErrors([String: Checked].self, "k:  v\n") == ["1:5: error: k: bad"])
    }

    @Test func dataCorruptedErrorsFindTheirNode() {
        struct Even: Decodable {
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: AnyCodingKey.self)
                let key = AnyCodingKey(stringValue: "n")!
                if try container.decode(Int.self, forKey: key) % 2 != 0 {
                    throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "n must be even")
                }
            }
        }
        #expect(decodeErrors([Even].self, "- {n: 2}\n- {n: 3}\n") == ["2:7: error: [1].n: n must be even"])
    }

    struct AnyCodingKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    @Test(arguments: [
        ("gorb.yaml", Mark(line: 3, column: 7), [PathComponent.key("services"), .key("web"), .key("port")], "too big",
         "gorb.yaml:3:7: error: services.web.port: too big"),
        (nil, Mark(line: 3, column: 7), [.key("a")], "m", "3:7: error: a: m"),
        ("f", nil, [.key("a")], "m", "f: error: a: m"),
        (nil, nil, [], "m", "error: m"),
        ("f.json", Mark(line: 1, column: 1), [], "m", "f.json:1:1: error: m"),
        ("f", Mark(line: 2, column: 2), [.key("flags"), .index(1)], "m", "f:2:2: error: flags[1]: m"),
        ("f", Mark(line: 2, column: 2), [.index(0), .key("b"), .index(2), .index(3)], "m", "f:2:2: error: [0].b[2][3]: m"),
    ] as [(String?, Mark?, [PathComponent], String, String)])
    func diagnosticRendering(file: String?, mark: Mark?, path: [PathComponent], message: String, expected: String) {
        let diagnostic = Diagnostic(file: file, mark: mark, path: path, message: message)
        #expect(diagnostic.description == expected)
    }

    @Test func diagnosticsSortAndTakeAFile() {
        let items = [
            Diagnostic(mark: Mark(line: 2, column: 1), message: "second"),
            Diagnostic(mark: Mark(line: 1, column: 5), message: "first"),
            Diagnostic(mark: Mark(line: 2, column: 1), message: "second, found later"),
            Diagnostic(mark: nil, message: "no position"),
        ]
        let diagnostics = Diagnostics(items).inFile("gorb.yaml")
        #expect(diagnostics.description == """
            gorb.yaml: error: no position
            gorb.yaml:1:5: error: first
            gorb.yaml:2:1: error: second
            gorb.yaml:2:1: error: second, found later
            """)
        #expect(Diagnostic(mark: nil, message: "x").inFile("a").file == "a")
    }

    @Test func decodeErrorsRenderWithTheFile() {
        switch decode(Backend.self, "host: h\nport: 0\n") {
        case .success: Issue.record("expected an error")
        case .failure(let diagnostics):
            #expect(diagnostics.inFile("gorb.yaml").items.map(\.description) == [
                "gorb.yaml:2:7: error: port: port 0 is not allowed: use 1 to 65535"
            ])
        }
    }
}
