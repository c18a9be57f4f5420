import Testing
import YAMLBridge

/// JSON goes through the same parser (JSON is YAML), GORB-style JSON included: Go's
/// `json.MarshalIndent(v, "", "\t")` indents with tabs.
@Suite struct JSONInputTests {
    struct Service: NodeReadable, Equatable {
        var host: String
        var port: UInt16
        var persistent: Bool
        var flags: [String]
        var backends: [String: Backend]
        init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
            _ = try MappingReader(node, fields: FieldNames(["host", "port", "persistent", "flags", "backends"]), in: &context)
            host = try node.required("host", in: &context)
            port = try node.required("port", in: &context)
            persistent = try node.required("persistent", in: &context)
            flags = try node.required("flags", in: &context)
            backends = try node.required("backends", in: &context)
        }
    }

    /// GORB's own output style: tabs, and a port written as a string.
    static let gorbJSON = "{\n\t\"web\": {\n\t\t\"host\": \"192.0.2.10\",\n\t\t\"port\": 80,\n\t\t\"persistent\": true,\n\t\t\"flags\": [\n\t\t\t\"sh-port\"\n\t\t],\n\t\t\"backends\": {\n\t\t\t\"web-1\": {\"host\": \"10.0.0.1\", \"port\": \"8080\", \"weight\": null}\n\t\t}\n\t}\n}\n"

    @Test func tabIndentedJSONParsesAndDecodes() throws {
        let services = try decode([String: Service].self, Self.gorbJSON).get()
        let web = try #require(services["web"])
        #expect(web.host == "192.0.2.10")
        #expect(web.port == 80)
        #expect(web.persistent)
        #expect(web.flags == ["sh-port"])
        #expect(web.backends == ["web-1": Backend(host: "10.0.0.1", port: 8080, weight: nil)])
    }

    @Test func tabsCountAsOneColumn() throws {
        let root = try #require(tree(Self.gorbJSON))
        let web = try #require(root["web"])
        #expect(web.mark == Mark(line: 2, column: 9))
        #expect(web["host"]?.mark == Mark(line: 3, column: 11))
        #expect(web["flags"]?.items?.first?.mark == Mark(line: 7, column: 4))
        #expect(web["host"]?.scalar?.style == .doubleQuoted)
        #expect(web["port"]?.scalar?.style == .plain)
    }

    /// Tabs around the document (before the opening brace, on trailing lines) are JSON whitespace
    /// too; libyaml alone refuses them because outside brackets it reads a tab as indentation.
    @Test(arguments: [
        ("tab before the opening brace", "\t{\"a\": 1}\n"),
        ("tab-indented blank line first", "\n\t\n{\"a\": 1}\n"),
        ("tab after the closing brace", "{\"a\": 1}\t\n"),
        ("trailing line with a tab", "{\"a\": 1}\n\t\n"),
        ("trailing tab at the end", "{\"a\": 1}\n\t"),
        ("tab before a top-level list", "\t[{\"a\": 1}]\n"),
        ("tab-indented closing brace", "{\n\t\"a\":\n\t\t1\n\t}\n"),
        ("CRLF and tabs", "{\r\n\t\"a\": 1\r\n}\r\n\t\r\n"),
        ("BOM then tab", "\u{FEFF}\t{\"a\": 1}\n"),
    ])
    func tabsAroundTheDocument(name: String, json: String) throws {
        let root = try #require(tree(json), "\(name)")
        let a = root["a"] ?? root.items?.first?["a"]
        #expect(a?.text == "1", "\(name)")
    }

    @Test func tabBeforeTheBraceKeepsPositions() throws {
        let root = try #require(tree("\t{\"a\": 1}\n"))
        #expect(root.mark == Mark(line: 1, column: 2))
        #expect(root["a"]?.mark == Mark(line: 1, column: 8))
    }

    @Test func tabIndentedYAMLIsStillRefused() throws {
        // The JSON allowance covers whitespace around a flow document only.
        let error = try #require(parseError("\ta: 1\n"))
        #expect(error.message.contains("indent with spaces"))
        #expect(error.mark == Mark(line: 1, column: 1))
    }

    @Test func jsonScalars() throws {
        let root = try #require(tree(#"{"s": "a\tb\u00e9\"", "n": -1.5e3, "t": true, "z": null, "e": "", "l": [], "o": {}}"#))
        #expect(root["s"]?.text == "a\tbé\"")
        #expect(root["n"]?.text == "-1.5e3")
        #expect(root["t"]?.text == "true")
        #expect(root["z"]?.isNull == true)
        #expect(root["e"]?.isNull == false)
        #expect(root["e"]?.text == "")
        #expect(root["l"]?.items == [])
        #expect(root["o"]?.pairs == [])
    }

    @Test func jsonErrorsLookLikeYAMLErrors() throws {
        let errors = decodeErrors([String: Service].self, "{\n\t\"web\": {\n\t\t\"host\": \"h\",\n\t\t\"port\": 70000,\n\t\t\"persistent\": true, \"flags\": [], \"backends\": {}, \"hots\": 1\n\t}\n}\n")
        #expect(errors == [
            "4:11: error: web.port: expected an integer from 0 to 65535, found \"70000\"",
            "5:52: error: web.hots: unknown key 'hots' (did you mean 'host'?)",
        ])
    }

    @Test func jsonDuplicateKeysAreRefused() throws {
        let error = try #require(parseError("{\n\t\"a\": 1,\n\t\"a\": 2\n}"))
        #expect(error.description == "3:2: error: duplicate key 'a' (first defined at 2:2)")
    }
}
