import Testing
import YAMLBridge

/// Reading on after a bad field, and a type's own checks: every error of a document in one pass,
/// sorted by position, and the rendering `FILE:LINE:COL: error: PATH: MESSAGE`.
@Suite struct ErrorCollectionTests {
    /// A port that checks its own rule (a value the type reads but refuses) and records it.
    struct Port: NodeReadable, Equatable {
        var value: UInt16
        init(value: UInt16) { self.value = value }
        init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
            value = try UInt16(reading: node, in: &context)
            if value == 0 { context.record(ReadFailure(mark: node.mark, message: "port 0 is not allowed: use 1 to 65535")) }
        }
    }

    /// Reads every field on its own, so one bad field does not hide the next.
    struct Backend: NodeReadable {
        var host: String?
        var port: Port?
        var weight: Int32?

        init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
            _ = try MappingReader(node, fields: FieldNames(["host", "port", "weight"]), in: &context)
            host = context.collecting { context throws(ReadFailure) in try node.required("host", in: &context) }
            port = context.collecting { context throws(ReadFailure) in try node.required("port", in: &context) }
            weight = context.collecting { context throws(ReadFailure) in try node.optional("weight", in: &context) } ?? nil
        }
    }

    struct Service: NodeReadable {
        var backends: [String: Backend]
        init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
            _ = try MappingReader(node, fields: FieldNames(["backends"]), in: &context)
            backends = try node.required("backends", in: &context)
        }
    }

    struct Config: NodeReadable {
        var services: [String: Service]
        var name: String?

        init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
            _ = try MappingReader(node, fields: FieldNames(["services", "name"]), in: &context)
            // The name is read first but written last in the file: sorting puts it last.
            name = context.collecting { context throws(ReadFailure) in try node.optional("name", in: &context) } ?? nil
            services = context.collecting { context throws(ReadFailure) in try node.required("services", in: &context) } ?? [:]
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

    @Test func aRecordedProblemDoesNotStopReading() throws {
        // A recorded problem returns: the value is read, but the whole read still fails.
        let errors = decodeErrors([String: Port].self, "a: 0\nb: 0\nc: 80\n")
        #expect(errors == [
            "1:4: error: a: port 0 is not allowed: use 1 to 65535",
            "2:4: error: b: port 0 is not allowed: use 1 to 65535",
        ])
        #expect(try decode([String: Port].self, "c: 80").get() == ["c": Port(value: 80)] as [String: Port]?)
    }

    @Test func aFailureNotCollectedStopsTheRead() {
        struct Strict: NodeReadable {
            var a: Int
            var b: Int
            init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
                _ = try MappingReader(node, fields: FieldNames(["a", "b"]), in: &context)
                a = try node.required("a", in: &context)
                b = try node.required("b", in: &context)
            }
        }
        #expect(decodeErrors(Strict.self, "a: x\nb: y\n").count == 1)
    }

    /// A type's own failure is placed at the value being read.
    @Test func ownErrorsGetThePositionOfTheValue() {
        struct Address: NodeReadable {
            init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
                _ = try String(reading: node, in: &context)
                throw ReadFailure(mark: node.mark, message: "not an IP address")
            }
        }
        struct Holder: NodeReadable {
            var address: Address?
            init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
                _ = try MappingReader(node, fields: FieldNames(["address"]), in: &context)
                let wrapper: Wrapper = try node.required("address", in: &context)
                address = wrapper.address
            }
        }
        struct Wrapper: NodeReadable {
            var address: Address?
            init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
                address = context.collecting { context throws(ReadFailure) in try Address(reading: node, in: &context) }
            }
        }
        #expect(decodeErrors(Holder.self, "address:   banana\n") == ["1:12: error: address: not an IP address"])
    }

    @Test func aCollectedFailureIsPlacedAtItsValue() {
        struct Checked: NodeReadable {
            init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
                _ = context.collecting { _ throws(ReadFailure) in throw ReadFailure(mark: node.mark, message: "bad") }
            }
        }
        #expect(decodeErrors([String: Checked].self, "k:  v\n") == ["1:5: error: k: bad"])
    }

    @Test func aTypesOwnCheckNamesItsField() {
        struct Even: NodeReadable {
            init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
                let n: Int = try node.required("n", in: &context)
                if n % 2 != 0 {
                    context.enter("n")
                    defer { context.leave() }
                    throw ReadFailure(mark: node["n"]?.mark ?? node.mark, message: "n must be even").at(context.path)
                }
            }
        }
        #expect(decodeErrors([Even].self, "- {n: 2}\n- {n: 3}\n") == ["2:7: error: [1].n: n must be even"])
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
