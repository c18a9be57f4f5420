import Testing
import YAMLBridge

/// Anchors, aliases and merge keys are resolved while parsing: consumers never see them.
@Suite struct AnchorAliasTests {
    @Test func aliasRepeatsTheAnchoredNode() throws {
        let root = try #require(tree("base: &b {x: 1, y: [a, b]}\nuse: *b\nscalar: &s hello\nagain: *s\n"))
        #expect(root["use"] == root["base"])
        #expect(root["again"]?.text == "hello")
    }

    /// An aliased value keeps the marks of its definition, so an error in it points where to fix it.
    @Test func aliasedValueKeepsTheDefinitionsMarks() throws {
        let root = try #require(tree("base: &b {x: 1}\nuse: *b\n"))
        #expect(root["use"]?.mark == Mark(line: 1, column: 7))
        #expect(root["use"]?["x"]?.mark == Mark(line: 1, column: 14))
    }

    @Test func aliasAsAKeyTakesTheAliasPosition() throws {
        let root = try #require(tree("k: &k name\n*k : value\n"))
        #expect(root.keys == ["k", "name"])
        #expect(root.pairs?[1].key.mark == Mark(line: 2, column: 1))
    }

    @Test func mergeKeyAddsMissingKeys() throws {
        let yaml = """
            defaults: &d {method: wrr, weight: 100, port: 80}
            web:
              <<: *d
              port: 8080
            """
        let web = try #require(tree(yaml)?["web"])
        #expect(web.keys == ["port", "method", "weight"])
        #expect(web["port"]?.text == "8080")
        #expect(web["method"]?.text == "wrr")
    }

    @Test func explicitKeysWinEvenWhenWrittenBeforeTheMerge() throws {
        let web = try #require(tree("a: &a {x: 1, y: 2}\nweb:\n  x: mine\n  <<: *a\n")?["web"])
        #expect(web["x"]?.text == "mine")
        #expect(web["y"]?.text == "2")
    }

    @Test func mergeListEarlierSourcesWin() throws {
        let yaml = """
            a: &a {x: from-a, y: from-a}
            b: &b {y: from-b, z: from-b}
            m:
              <<: [*a, *b]
              w: own
            """
        let m = try #require(tree(yaml)?["m"])
        #expect(m.keys == ["w", "x", "y", "z"])
        #expect(m["y"]?.text == "from-a")
        #expect(m["z"]?.text == "from-b")
    }

    @Test func inlineMergeAndRepeatedMergeKeys() throws {
        let m = try #require(tree("m:\n  <<: {a: 1}\n  <<: {b: 2}\n  c: 3\n")?["m"])
        #expect(m.keys == ["c", "a", "b"])
    }

    @Test func mergeThroughNestedMerges() throws {
        let yaml = """
            base: &base {a: 1}
            mid: &mid
              <<: *base
              b: 2
            top:
              <<: *mid
              c: 3
            """
        let top = try #require(tree(yaml)?["top"])
        #expect(top.keys == ["c", "b", "a"])
    }

    @Test func quotedMergeKeyIsAPlainKey() throws {
        let m = try #require(tree("m:\n  '<<': {a: 1}\n")?["m"])
        #expect(m.keys == ["<<"])
    }

    @Test(arguments: [
        ("m:\n  <<: scalar\n", Mark(line: 2, column: 7)),
        ("m:\n  <<: [{a: 1}, oops]\n", Mark(line: 2, column: 16)),
    ])
    func mergeOfANonMappingIsAnError(yaml: String, mark: Mark) throws {
        let error = try #require(parseError(yaml))
        #expect(error.mark == mark)
        #expect(error.message == "a merge key '<<' takes a mapping or a list of mappings")
    }

    @Test func undefinedAlias() throws {
        let error = try #require(parseError("a: 1\nb: *nowhere\n"))
        #expect(error.description == "2:4: error: the alias '*nowhere' refers to no anchor defined before it")
    }

    @Test func aliasBeforeItsAnchor() throws {
        let error = try #require(parseError("a: *later\nb: &later 1\n"))
        #expect(error.mark == Mark(line: 1, column: 4))
        #expect(error.message.contains("no anchor defined before it"))
    }

    @Test(arguments: [
        ("a: &a [1, *a]\n", Mark(line: 1, column: 11)),
        ("a: &a\n  b: *a\n", Mark(line: 2, column: 6)),
        ("a: &a {b: {c: [*a]}}\n", Mark(line: 1, column: 16)),
        // The open anchor shadows an older one of the same name.
        ("x: &a 1\ny: &a [*a]\n", Mark(line: 2, column: 8)),
    ])
    func aliasToAnOpenAnchorIsRecursive(yaml: String, mark: Mark) throws {
        let error = try #require(parseError(yaml))
        #expect(error.mark == mark)
        #expect(error.message.contains("recursive"))
    }

    @Test func redefinedAnchorTakesTheLatest() throws {
        let root = try #require(tree("a: &x 1\nb: &x 2\nc: *x\n"))
        #expect(root["c"]?.text == "2")
    }

    @Test func aliasesWithinTheBudgetAreFine() throws {
        let limits = ParseLimits(maxAliasedNodes: 10)
        #expect(tree("a: &a [1, 2, 3]\nb: *a\nc: *a\n", limits: limits)?["c"]?.items?.count == 3)
        let error = try #require(parseError("a: &a [1, 2, 3]\nb: *a\nc: *a\nd: *a\n", limits: limits))
        #expect(error.mark == Mark(line: 4, column: 4))
        #expect(error.message == "aliases expand to more than 10 nodes (an alias bomb?)")
    }
}
