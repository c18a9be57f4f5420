import Testing
import YAMLBridge

/// The shape of the tree: scalars with style and tag, sequences, mappings in document order.
@Suite struct NodeTreeTests {
    @Test(arguments: [
        ("plain", "x: hello world", "hello world", Scalar.Style.plain),
        ("single quoted", "x: 'it''s'", "it's", .singleQuoted),
        ("double quoted", #"x: "tab\there \u00e9""#, "tab\there é", .doubleQuoted),
        ("literal", "x: |\n  line 1\n  line 2\n", "line 1\nline 2\n", .literal),
        ("literal strip", "x: |-\n  line 1\n  line 2\n", "line 1\nline 2", .literal),
        ("folded", "x: >\n  line 1\n  line 2\n", "line 1 line 2\n", .folded),
        ("plain multi-line", "x: a\n  b\n", "a b", .plain),
        ("number stays text", "x: 0080", "0080", .plain),
        ("quoted number", #"x: "8080""#, "8080", .doubleQuoted),
    ])
    func scalarStyles(name: String, yaml: String, value: String, style: Scalar.Style) throws {
        let node = try #require(tree(yaml)?["x"])
        #expect(node.scalar == Scalar(value, style: style), "\(name)")
        #expect(node.tag == nil)
    }

    @Test(arguments: [
        ("x: !!str 80", "tag:yaml.org,2002:str"),
        ("x: !!int '5'", "tag:yaml.org,2002:int"),
        ("x: !custom thing", "!custom"),
        ("x: !<tag:example.com,2024:thing> y", "tag:example.com,2024:thing"),
        ("x: !!map {a: 1}", "tag:yaml.org,2002:map"),
        ("x: !!seq [1]", "tag:yaml.org,2002:seq"),
    ])
    func tagsAreResolved(yaml: String, tag: String) throws {
        let node = try #require(tree(yaml)?["x"])
        #expect(node.tag == tag)
    }

    @Test(arguments: [
        ("x:", true), ("x: ~", true), ("x: null", true), ("x: Null", true), ("x: NULL", true),
        ("x: !!null ''", true), ("x: ''", false), (#"x: "null""#, false), ("x: nil", false),
        ("x: !!str", false), ("x: none", false), ("x: []", false), ("x: {}", false),
    ])
    func nulls(yaml: String, isNull: Bool) throws {
        let node = try #require(tree(yaml)?["x"])
        #expect(node.isNull == isNull, "\(yaml)")
    }

    @Test func mappingsKeepDocumentOrder() throws {
        let root = try #require(tree("zeta: 1\nalpha: 2\nmu: 3\nbeta: 4\n"))
        #expect(root.keys == ["zeta", "alpha", "mu", "beta"])
        #expect(root["mu"]?.text == "3")
        #expect(root["missing"] == nil)
    }

    @Test func sequencesBlockAndFlow() throws {
        let root = try #require(tree("block:\n  - a\n  - [b, c]\n  - {d: e}\nflow: [1, [2, 3], {x: y}]\nempty: []\n"))
        let block = try #require(root["block"]?.items)
        #expect(block.count == 3)
        #expect(block[0].text == "a")
        #expect(block[1].items?.map(\.text) == ["b", "c"])
        #expect(block[2]["d"]?.text == "e")
        let flow = try #require(root["flow"]?.items)
        #expect(flow.map(\.kindDescription) == ["\"1\"", "a list", "a mapping"])
        #expect(root["empty"]?.items?.isEmpty == true)
        #expect(root["empty"]?.pairs == nil)
        #expect(root["flow"]?.scalar == nil)
    }

    @Test func nestedStructures() throws {
        let yaml = """
            services:
              web:
                port: 80
                backends:
                  web-1: {host: 10.0.0.1, port: 8080}
                  web-2: {host: 10.0.0.2, port: 8080}
            """
        let root = try #require(tree(yaml))
        let backends = try #require(root["services"]?["web"]?["backends"])
        #expect(backends.keys == ["web-1", "web-2"])
        #expect(backends["web-2"]?["host"]?.text == "10.0.0.2")
    }

    @Test func emptyInputHasNoRoot() throws {
        #expect(tree("") == nil)
        #expect(tree("# only a comment\n# and another\n") == nil)
        #expect(tree("\n\n   \n") == nil)
        #expect(try YAMLParser.parse([UInt8]()) == nil)
    }

    @Test func explicitEmptyDocumentIsNull() throws {
        let root = try #require(tree("---\n"))
        #expect(root.isNull)
        #expect(tree("--- # comment\n...\n")?.isNull == true)
    }

    @Test func loneScalarParses() throws {
        let root = try #require(tree("hello"))
        #expect(root.scalar == Scalar("hello"))
        #expect(root.mark == Mark(line: 1, column: 1))
        #expect(tree("42")?.text == "42")
        #expect(tree("\"quoted\"\n")?.scalar?.style == .doubleQuoted)
    }

    @Test func explicitDocumentMarkers() throws {
        let root = try #require(tree("%YAML 1.1\n---\na: 1\n...\n"))
        #expect(root["a"]?.text == "1")
    }

    @Test func kindDescriptionsForMessages() throws {
        let long = String(repeating: "x", count: 50)
        let root = try #require(tree("a: short\nb: \(long)\nc:\nd: [1]\ne: {f: 1}\n"))
        #expect(root["a"]?.kindDescription == "\"short\"")
        #expect(root["b"]?.kindDescription == "\"\(String(repeating: "x", count: 40))…\"")
        #expect(root["c"]?.kindDescription == "null")
        #expect(root["d"]?.kindDescription == "a list")
        #expect(root["e"]?.kindDescription == "a mapping")
    }

    @Test func nonScalarKeysAreKept() throws {
        let root = try #require(tree("? [a, b]\n: value\n"))
        let pair = try #require(root.pairs?.first)
        #expect(pair.key.items?.count == 2)
        #expect(pair.value.text == "value")
    }

    @Test func nodesAreSendableValues() async throws {
        let root = try #require(tree("a: [1, 2]\n"))
        let copy = await Task.detached { root }.value
        #expect(copy == root)
    }
}
