import SeededRandom
import Testing
import YAMLBridge

/// Broken input: every case ends in one clear, positioned error, never a crash.
@Suite struct BadInputTests {
    @Test func invalidUTF8() throws {
        let error = try #require(parseError(Array("name: caf".utf8) + [0xC3, 0x28] + Array("\n".utf8)))
        // Column 10 is the lead byte of the broken character, not the byte after it.
        #expect(error.mark == Mark(line: 1, column: 10))
        #expect(error.message == "the input is not valid UTF-8 (invalid trailing UTF-8 octet)")
    }

    @Test(arguments: [
        ([0xFF, 0x61], Mark(line: 1, column: 1)),
        ([0xC0, 0xAF], Mark(line: 1, column: 1)),  // overlong encoding of "/"
        (Array("a: 1\nb: ".utf8) + [0x80], Mark(line: 2, column: 4)),
        (Array("a: é".utf8) + [0xE6, 0x97], Mark(line: 1, column: 5)),  // truncated 3-byte sequence
    ] as [([UInt8], Mark)])
    func invalidUTF8Positions(bytes: [UInt8], mark: Mark) throws {
        let error = try #require(parseError(bytes))
        #expect(error.mark == mark)
        #expect(error.message.contains("UTF-8"))
    }

    @Test func nulByte() throws {
        let error = try #require(parseError(Array("a: 1\nb: x".utf8) + [0] + Array("y\n".utf8)))
        #expect(error.mark == Mark(line: 2, column: 5))
        #expect(error.message.contains("control character"))
    }

    @Test func tabsForIndentation() throws {
        let error = try #require(parseError("services:\n\tweb:\n\t\tport: 80\n"))
        #expect(error.description == "2:1: error: a tab character is not allowed here: indent with spaces")
    }

    @Test(arguments: [
        ("after a dash", "-\tx\n", Mark(line: 1, column: 2)),
        ("after spaces", "a:\n  b: 1\n  \tc: 2\n", Mark(line: 3, column: 3)),
        ("continuing a plain scalar", "a: x\n\tb: 1\n", Mark(line: 2, column: 1)),
        ("after a unicode key", "é: x\n\tb: 1\n", Mark(line: 2, column: 1)),
    ])
    func tabsElsewhereSaySpaces(name: String, yaml: String, mark: Mark) throws {
        let error = try #require(parseError(yaml))
        #expect(error.mark == mark, "\(name)")
        #expect(error.message.contains("indent with spaces"), "\(name): \(error)")
    }

    @Test func blankLineWithATab() throws {
        let error = try #require(parseError("a: 1\n\t\nb: 2\n"))
        #expect(error.mark == Mark(line: 2, column: 1))
        #expect(error.message.contains("blank line contains a tab"))
    }

    @Test func tabsAsSeparationAreFine() throws {
        let root = try #require(tree("a:\t1\nb: 2\t# comment\nc: [x,\tyz]\n"))
        #expect(root["a"]?.text == "1")
        #expect(root["c"]?.items?.last?.text == "yz")
    }

    @Test func unterminatedDoubleQuote() throws {
        let error = try #require(parseError("a: 1\nb: \"never closed\nc: 3\n"))
        #expect(error.mark == Mark(line: 2, column: 4))
        #expect(error.message == "unterminated quoted string: its closing quote is missing (the input ends at 4:1)")
    }

    @Test func unterminatedSingleQuoteInFlow() throws {
        let error = try #require(parseError("{a: 'x, b: 2}"))
        #expect(error.mark == Mark(line: 1, column: 5))
        #expect(error.message.hasPrefix("unterminated quoted string"))
    }

    @Test func unclosedFlowMappingAtTheEnd() throws {
        let error = try #require(parseError("{\"a\": 1,\n \"b\": 2\n"))
        #expect(error.mark == Mark(line: 1, column: 1))
        #expect(error.message == "unclosed flow mapping: did not find expected ',' or '}' before the input ends at 3:1")
    }

    @Test func unclosedFlowMappingBeforeMoreContent() throws {
        let error = try #require(parseError("a: {b: 1, c: 2\nd: 3\n"))
        #expect(error.mark == Mark(line: 2, column: 2))
        #expect(error.message == "did not find expected ',' or '}' while parsing a flow mapping that began at 1:4")
    }

    @Test func unclosedFlowSequence() throws {
        let error = try #require(parseError("a: [1, 2\n"))
        #expect(error.mark == Mark(line: 1, column: 4))
        #expect(error.message.hasPrefix("unclosed flow sequence"))
    }

    @Test func duplicateKeys() throws {
        let error = try #require(parseError("a: 1\nb: 2\na: 3\n"))
        #expect(error.description == "3:1: error: duplicate key 'a' (first defined at 1:1)")
    }

    @Test(arguments: [
        ("quoting does not make a key different", "a: 1\n'a': 2\n", "2:1: error: duplicate key 'a' (first defined at 1:1)"),
        ("nested", "x:\n  y: 1\n  z: 2\n  y: 3\n", "4:3: error: duplicate key 'y' (first defined at 2:3)"),
        ("flow", "x: {k: 1, k: 2}\n", "1:11: error: duplicate key 'k' (first defined at 1:5)"),
        ("alias key", "n: &n k\nk: 1\n*n : 2\n", "3:1: error: duplicate key 'k' (first defined at 2:1)"),
    ])
    func duplicateKeyVariants(name: String, yaml: String, expected: String) throws {
        let error = try #require(parseError(yaml))
        #expect(error.description == expected, "\(name)")
    }

    /// Past a dozen keys the check switches to a hash table: both halves must find duplicates.
    @Test(arguments: [3, 11, 12, 13, 40, 500])
    func duplicateKeyInABigMapping(count: Int) throws {
        var yaml = (0..<count).map { "key\($0): \($0)\n" }.joined()
        yaml += "key1: again\n"
        let error = try #require(parseError(yaml))
        #expect(error.description == "\(count + 1):1: error: duplicate key 'key1' (first defined at 2:1)")
        // The same mapping without the repeat is fine.
        #expect(tree((0..<count).map { "key\($0): \($0)\n" }.joined())?.pairs?.count == count)
    }

    @Test func sameKeyInDifferentMappingsIsFine() throws {
        let root = try #require(tree("a: {x: 1}\nb: {x: 2}\n"))
        #expect(root["b"]?["x"]?.text == "2")
    }

    @Test(arguments: ["a: 1\n---\nb: 2\n", "--- a\n--- b\n", "a: 1\n...\n---\nb: 2\n"])
    func secondDocument(yaml: String) throws {
        let error = try #require(parseError(yaml))
        #expect(error.message == "expected one document, found a second one (remove the extra '---')")
        #expect(error.mark?.column == 1)
        #expect((error.mark?.line ?? 0) >= 2)
    }

    @Test(arguments: [
        ("key: value: other\n", Mark(line: 1, column: 11)),
        ("a:\n  - b\n  c: d\n", Mark(line: 3, column: 3)),
        ("- a\nb: c\n", Mark(line: 2, column: 1)),
        ("a: ]\n", Mark(line: 1, column: 4)),
        ("a: *\n", Mark(line: 1, column: 5)),
        ("a: !<> x\n", Mark(line: 1, column: 6)),
        ("{a: 1}}\n", Mark(line: 1, column: 7)),
        ("a: 'x' y\n", Mark(line: 1, column: 8)),
    ])
    func syntaxErrorsArePositioned(yaml: String, mark: Mark) throws {
        let error = try #require(parseError(yaml))
        #expect(error.mark == mark, "\(error)")
        #expect(!error.message.isEmpty)
    }

    @Test func loneScalarFailsInTheReaderNotTheParser() throws {
        struct Config: NodeReadable {
            var services: [String: String]
            init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
                _ = try MappingReader(node, fields: FieldNames(["services"]), in: &context)
                services = try node.required("services", in: &context)
            }
        }
        #expect(tree("just some text")?.text == "just some text")
        #expect(decodeErrors(Config.self, "just some text") == ["1:1: error: expected a mapping, found \"just some text\""])
        #expect(decodeErrors(Config.self, "- a\n- b\n") == ["1:1: error: expected a mapping, found a list"])
    }

    /// Random bytes: every outcome is a tree or a positioned error.
    @Test(arguments: [1, 2, 3, 4])
    func binaryGarbage(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        for round in 0..<250 {
            let count = Int.random(in: 0...2048, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            do {
                _ = try YAMLParser.parse(bytes)
            } catch {
                #expect(error.mark != nil, "seed \(seed) round \(round)")
                #expect((error.mark?.line ?? 0) >= 1 && (error.mark?.column ?? 0) >= 1)
                #expect(!error.message.isEmpty)
            }
        }
    }

    /// Random sequences of YAML's own punctuation: the parser and the readers must survive anything.
    @Test(arguments: [10, 20, 30])
    func yamlShapedGarbage(seed: UInt64) throws {
        struct Anything: NodeReadable {
            var a: [String: [Int]]?
            var b: String?
            init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
                _ = try MappingReader(node, fields: FieldNames(["a", "b"]), in: &context)
                a = try node.optional("a", in: &context)
                b = try node.optional("b", in: &context)
            }
        }
        let pieces = [
            "{", "}", "[", "]", ":", ": ", "-", "- ", " ", "  ", "\n", "\t", "&a ", "*a", "&b ", "*b", "<<: ",
            "\"", "'", "a", "b", "1", "#", "?", ",", "|", ">", "!!str ", "!x ", "---", "...", "\\", "%", "@",
            "é", "\r\n", "~", "null",
        ]
        var generator = SplitMix64(seed: seed)
        var parsed = 0
        for round in 0..<600 {
            let count = Int.random(in: 1...40, using: &generator)
            let text = (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined()
            do {
                if let node = try YAMLParser.parse(text) {
                    parsed += 1
                    _ = Anything.read(from: node)
                }
            } catch {
                #expect(error.mark != nil, "seed \(seed) round \(round): \(text.debugDescription)")
            }
        }
        #expect(parsed > 0)
    }
}
