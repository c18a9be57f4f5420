import Testing
import YAMLBridge

/// Nested types, lists, dictionaries, optional and null values, unknown and missing keys, and
/// values of the wrong shape, each error with its key path and position.
@Suite struct ReaderStructureTests {
    struct Config: NodeReadable, Equatable {
        var services: [String: Service]
        var settings: Settings?
        init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
            _ = try MappingReader(node, fields: FieldNames(["services", "settings"]), in: &context)
            services = try node.required("services", in: &context)
            settings = try node.optional("settings", in: &context)
        }
    }

    struct Settings: NodeReadable, Equatable {
        var interface: String?
        var resync: String?
        init(interface: String?, resync: String?) {
            self.interface = interface
            self.resync = resync
        }
        init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
            _ = try MappingReader(node, fields: FieldNames(["interface", "resync"]), in: &context)
            interface = try node.optional("interface", in: &context)
            resync = try node.optional("resync", in: &context)
        }
    }

    struct Service: NodeReadable, Equatable {
        var host: String?
        var port: UInt16
        var flags: [String]?
        var backends: [Backend]?
        var pulse: Pulse?
        init(host: String?, port: UInt16, flags: [String]?, backends: [Backend]?, pulse: Pulse?) {
            self.host = host
            self.port = port
            self.flags = flags
            self.backends = backends
            self.pulse = pulse
        }
        init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
            _ = try MappingReader(node, fields: FieldNames(["host", "port", "flags", "backends", "pulse"]), in: &context)
            host = try node.optional("host", in: &context)
            port = try node.required("port", in: &context)
            flags = try node.optional("flags", in: &context)
            backends = try node.optional("backends", in: &context)
            pulse = try node.optional("pulse", in: &context)
        }
    }

    struct Pulse: NodeReadable, Equatable {
        var type: String
        var args: [String: String]?
        init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
            _ = try MappingReader(node, fields: FieldNames(["type", "args"]), in: &context)
            type = try node.required("type", in: &context)
            args = try node.optional("args", in: &context)
        }
    }

    /// Keys not checked against a list: unknown keys cannot be detected and are ignored.
    struct Lenient: NodeReadable {
        var name: String
        init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
            _ = try MappingReader.entries(of: node, in: &context)
            name = try node.required("name", in: &context)
        }
    }

    static let valid = """
        settings: {interface: eth0}
        services:
          web:
            host: 192.0.2.10
            port: 80
            flags: [sh-port]
            backends:
              - {host: 10.0.0.1, port: 8080, weight: 10}
              - host: 10.0.0.2
                port: "8080"
            pulse:
              type: http
              args: {path: /health, expect: 200}
          dns:
            port: 53
        """

    @Test func nestedTypesListsAndDictionaries() throws {
        let config = try decode(Config.self, Self.valid).get()
        #expect(config.settings == Settings(interface: "eth0", resync: nil))
        let web = try #require(config.services["web"])
        #expect(web.host == "192.0.2.10")
        #expect(web.flags == ["sh-port"])
        #expect(web.backends == [Backend(host: "10.0.0.1", port: 8080, weight: 10), Backend(host: "10.0.0.2", port: 8080, weight: nil)])
        #expect(web.pulse?.args == ["path": "/health", "expect": "200"])
        #expect(config.services["dns"] == Service(host: nil, port: 53, flags: nil, backends: nil, pulse: nil))
    }

    @Test(arguments: ["settings:", "settings: ~", "settings: null", "settings: !!null ''"])
    func nullOptionalIsNil(yaml: String) throws {
        let config = try decode(Config.self, "services: {}\n" + yaml).get()
        #expect(config.settings == nil)
    }

    @Test func nullOptionalScalarsAndListsAreNil() throws {
        let service = try decode(Service.self, "host: ~\nport: 1\nflags:\nbackends: null\n").get()
        #expect(service.host == nil)
        #expect(service.flags == nil)
        #expect(service.backends == nil)
        #expect(try decode(Service.self, "host: ''\nport: 1\n").get().host == "")
    }

    @Test func arraysOfScalars() throws {
        #expect(try decode([Int].self, "[1, 2, 0x3]").get() == [1, 2, 3])
        #expect(try decode([[String]].self, "- [a]\n- []\n- [b, c]\n").get() == [["a"], [], ["b", "c"]])
        #expect(try decode([String?].self, "[a, ~, b]").get() == ["a", nil, "b"])
        #expect(decodeErrors([UInt8].self, "[1, 2, 300]") == ["1:8: error: [2]: expected an integer from 0 to 255, found \"300\""])
    }

    @Test func dictionaries() throws {
        #expect(try decode([String: Int].self, "a: 1\nb: 2\n").get() == ["a": 1, "b": 2])
        #expect(try decode([String: [String: Bool]].self, "x: {y: true}\n").get() == ["x": ["y": true]])
        #expect(try decode([Int: String].self, "1: a\n2: b\n").get() == [1: "a", 2: "b"])
        #expect(decodeErrors([String: Int].self, "a: 1\nb: x\n") == ["2:4: error: b: expected an integer, found \"x\""])
    }

    @Test func dictionaryKeysMustBePlainStrings() {
        #expect(decodeErrors([String: Int].self, "? [a]\n: 1\n") == ["1:3: error: a key must be a plain string, found a list"])
        #expect(decodeErrors([String: Int].self, "~: 1\n") == ["1:1: error: a key must be a plain string, found null"])
    }

    @Test func unknownKeyWithSuggestion() {
        let yaml = """
            services:
              web:
                port: 80
                backends:
                  - host: a
                    port: 1
                    wieght: 3
            """
        #expect(decodeErrors(Config.self, yaml) == [
            "7:9: error: services.web.backends[0].wieght: unknown key 'wieght' (did you mean 'weight'?)"
        ])
    }

    @Test func unknownKeyWithoutANearMatchListsTheKeys() {
        #expect(decodeErrors(Backend.self, "host: a\nport: 1\ncolour: red\n") == [
            "3:1: error: colour: unknown key 'colour' (expected one of: host, port, weight)"
        ])
    }

    @Test(arguments: [
        ("prot", "port"), ("hots", "host"), ("Host", "host"), ("weigth", "weight"),
        ("hst", "host"), ("pt", nil), ("xy", nil), ("backend", nil), ("wait", nil),
    ] as [(String, String?)])
    func suggestions(typo: String, suggestion: String?) {
        #expect(Suggestion.closest(to: typo, among: ["host", "port", "weight"]) == suggestion)
    }

    @Test func lenientTypesIgnoreUnknownKeys() throws {
        #expect(try decode(Lenient.self, "name: x\nextra: 1\n").get().name == "x")
    }

    @Test func missingRequiredKeyPointsAtTheMapping() {
        #expect(decodeErrors(Config.self, "services:\n  web:\n    host: h\n") == [
            "3:5: error: services.web: missing required key 'port'"
        ])
        #expect(decodeErrors(Backend.self, "{port: 1}") == ["1:1: error: missing required key 'host'"])
    }

    @Test(arguments: [
        ("services: [a]", "1:11: error: services: expected a mapping, found a list"),
        ("services: text", "1:11: error: services: expected a mapping, found \"text\""),
        ("services:", "1:10: error: services: expected a mapping, found null"),
        ("services: {web: [1]}", "1:17: error: services.web: expected a mapping, found a list"),
        ("services: {web: {port: 1, backends: {a: 1}}}", "1:37: error: services.web.backends: expected a list, found a mapping"),
        ("services: {web: {port: 1, flags: sh-port}}", "1:34: error: services.web.flags: expected a list, found \"sh-port\""),
        ("services: {web: {port: 1, flags: [[x]]}}", "1:35: error: services.web.flags[0]: expected a string, found a list"),
        ("services: {web: {port: 1, host: {a: b}}}", "1:33: error: services.web.host: expected a string, found a mapping"),
        ("services: {web: {port: 1, pulse: {type: [tcp]}}}", "1:41: error: services.web.pulse.type: expected a string, found a list"),
        ("services: {web: {port: 1, pulse: {type: tcp, args: {port: {x: 1}}}}}", "1:59: error: services.web.pulse.args.port: expected a string, found a mapping"),
    ])
    func typeMismatches(yaml: String, expected: String) {
        #expect(decodeErrors(Config.self, yaml) == [expected])
    }

    @Test func errorsInsideAliasesPointAtTheDefinition() {
        let yaml = "defaults: &d {host: h, port: big}\nservices:\n  web: *d\n"
        struct Root: NodeReadable {
            var services: [String: Backend]
            init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
                _ = try MappingReader(node, fields: FieldNames(["services", "defaults"]), in: &context)
                services = try node.required("services", in: &context)
            }
        }
        #expect(decodeErrors(Root.self, yaml) == [
            "1:30: error: services.web.port: expected an integer, found \"big\""
        ])
    }

    @Test func mergedKeysDecode() throws {
        let yaml = "base: &b {host: h, weight: 5}\nbackend:\n  <<: *b\n  port: 9\n"
        struct Root: NodeReadable {
            var backend: Backend
            init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
                _ = try MappingReader(node, fields: FieldNames(["base", "backend"]), in: &context)
                backend = try node.required("backend", in: &context)
            }
        }
        #expect(try decode(Root.self, yaml).get().backend == Backend(host: "h", port: 9, weight: 5))
    }

    @Test func aListOfFixedLengthReportsTooFewElements() {
        struct Pair: NodeReadable {
            var a: Int
            var b: Int
            init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
                guard let items = node.items else { throw ReadFailure(node, expected: "a list") }
                guard items.count >= 2 else { throw ReadFailure(mark: node.mark, message: "the list has too few elements") }
                a = try Int(reading: items[0], in: &context)
                b = try Int(reading: items[1], in: &context)
            }
        }
        #expect(decodeErrors(Pair.self, "[1]") == ["1:1: error: the list has too few elements"])
        #expect(decodeErrors(Pair.self, "x: 1") == ["1:1: error: expected a list, found a mapping"])
    }

    /// Past 16 pairs a mapping's keys are found through an index: the same answers, errors included.
    @Test(arguments: [5, 16, 17, 100])
    func bigMappingsDecodeTheSame(count: Int) throws {
        let yaml = (0..<count).map { "k\($0): \($0 == count - 2 ? "bad" : String($0))\n" }.joined()
        #expect(decodeErrors([String: Int].self, yaml) == ["\(count - 1):\(String(count - 2).count + 4): error: k\(count - 2): expected an integer, found \"bad\""])
        let good = (0..<count).map { "k\($0): \($0)\n" }.joined()
        let decoded = try decode([String: Int].self, good).get()
        #expect(decoded.count == count)
        #expect(decoded["k\(count - 1)"] == count - 1)
    }

    @Test func unknownKeysInABigMapping() {
        let extra = (0..<20).map { "extra\($0): 1\n" }.joined()
        let errors = decodeErrors(Backend.self, "host: h\n" + extra + "port: 2\n")
        #expect(errors.count == 20)
        #expect(errors.first == "2:1: error: extra0: unknown key 'extra0' (expected one of: host, port, weight)")
    }

    /// The position of each key of a mapping in turn (as an ordered table of services asks for
    /// them), small mapping or big.
    @Test(arguments: [3, 40])
    func positionOfEveryKey(count: Int) throws {
        struct KeyMarks: NodeReadable {
            var marks: [String: Mark] = [:]
            init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
                let pairs = try MappingReader.entries(of: node, in: &context)
                for pair in pairs {
                    if let key = pair.key.scalar?.value { marks[key] = pair.key.mark }
                }
                #expect(!pairs.contains { $0.key.scalar?.value == "absent" })
            }
        }
        let yaml = (0..<count).map { String(repeating: " ", count: $0 % 3) + "key\($0): v\n" }.joined()
        let wrapped = "table:\n" + yaml.split(separator: "\n").map { "  " + $0.drop { $0 == " " } + "\n" }.joined()
        let marks = try decode([String: KeyMarks].self, wrapped).get()["table"]?.marks
        #expect(marks?.count == count)
        #expect(marks?["key0"] == Mark(line: 2, column: 3))
        #expect(marks?["key\(count - 1)"] == Mark(line: count + 1, column: 3))
    }

    @Test func readReturnsWhatWasReadAndEveryError() throws {
        struct Lenient: NodeReadable {
            var a: Int?
            var b: Int?
            init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
                _ = try MappingReader(node, fields: FieldNames(["a", "b"]), in: &context)
                a = context.collecting { context throws(ReadFailure) in try node.required("a", in: &context) }
                b = context.collecting { context throws(ReadFailure) in try node.required("b", in: &context) }
            }
        }
        let node = try #require(tree("a: x\nb: 2\nc: 3\n"))
        let (value, diagnostics) = Lenient.read(from: node)
        #expect(value?.a == nil)
        #expect(value?.b == 2)
        #expect(diagnostics.map(\.description) == [
            "1:4: error: a: expected an integer, found \"x\"",
            "3:1: error: c: unknown key 'c' (did you mean 'a'?)",
        ])
        let (missing, errors) = Backend.read(from: node)
        #expect(missing == nil)
        #expect(errors.count == 4)
    }

    @Test func thePositionIsAvailableToTypes() throws {
        struct Located: NodeReadable {
            var mark: Mark?
            init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) { mark = node.mark }
        }
        #expect(try decode([String: Located].self, "a: 1\nbb:   2\n").get()["bb"]?.mark == Mark(line: 2, column: 7))
    }
}
