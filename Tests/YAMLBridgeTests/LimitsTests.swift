import Testing
import YAMLBridge

/// ParseLimits: hostile or accidental input is refused with a positioned error, never a crash, an
/// exhausted stack or unbounded memory. Sizes are printed, never asserted against a clock.
@Suite struct LimitsTests {
    @Test func deepFlowNestingHitsTheDepthLimit() throws {
        let levels = 100_000
        let text = String(repeating: "[", count: levels) + String(repeating: "]", count: levels)
        let error = try #require(parseError(text))
        #expect(error.mark == Mark(line: 1, column: 257))
        #expect(error.message == "nesting is deeper than the limit of 256 levels")
    }

    @Test func deepFlowMappingNesting() throws {
        let levels = 100_000
        let text = String(repeating: "{a: ", count: levels) + "x" + String(repeating: "}", count: levels)
        let error = try #require(parseError(text))
        #expect(error.message.contains("limit of 256 levels"))
    }

    @Test func deepBlockNestingHitsTheDepthLimit() throws {
        // "- - - - x": block sequences nested on one line, 100,000 deep.
        let text = String(repeating: "- ", count: 100_000) + "x\n"
        let error = try #require(parseError(text))
        #expect(error.mark == Mark(line: 1, column: 2 * 256 + 1))
        #expect(error.message.contains("limit of 256 levels"))
    }

    @Test func deepBlockMappingNesting() throws {
        let text = (0..<2_000).map { String(repeating: " ", count: $0) + "k:\n" }.joined()
        let error = try #require(parseError(text))
        #expect(error.mark?.line == 257)
        #expect(error.message.contains("limit of 256 levels"))
    }

    @Test func nestingAtTheLimitIsFine() throws {
        let text = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
        var node = try #require(tree(text))
        var depth = 1
        while let inner = node.items?.first {
            node = inner
            depth += 1
        }
        #expect(depth == 256)
        let limits = ParseLimits(maxDepth: 3)
        #expect(tree("a: {b: [1]}", limits: limits) != nil)
        #expect(parseError("a: {b: [[1]]}", limits: limits)?.mark == Mark(line: 1, column: 9))
    }

    /// "Billion laughs": nine levels of ten aliases each would expand to 10⁹ nodes.
    @Test func aliasBombIsRefused() throws {
        var lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]
        for level in 1..<names.count {
            let previous = "*" + names[level - 1]
            lines.append("\(names[level]): &\(names[level]) [" + Array(repeating: previous, count: 10).joined(separator: ", ") + "]")
        }
        let text = lines.joined(separator: "\n") + "\n"
        let clock = ContinuousClock()
        var error: Diagnostic?
        let elapsed = clock.measure { error = parseError(text) }
        let found = try #require(error)
        #expect(found.message.contains("aliases expand to more than 1000000 nodes"))
        // The budget runs out on level f (10⁶ nodes), long before the bomb goes off.
        #expect(found.mark?.line == 6)
        print("alias bomb: refused in \(elapsed), peak memory \(peakMemoryMiB().map { "\($0) MiB" } ?? "?")")
    }

    @Test func quadraticAliasFanOutIsCounted() throws {
        // One anchor of 1,001 nodes aliased 1,000 times: 10⁶ nodes, just past the budget.
        let big = "big: &big [" + (0..<1_000).map(String.init).joined(separator: ", ") + "]\n"
        let uses = (0..<1_000).map { "u\($0): *big\n" }.joined()
        let error = try #require(parseError(big + uses))
        #expect(error.message.contains("alias bomb"))
    }

    @Test func sizeLimit() throws {
        let error = try #require(parseError("a: 1234567890\n", limits: ParseLimits(maxBytes: 8)))
        #expect(error.description == "1:1: error: the input is 14 bytes, more than the limit of 8")
    }

    /// A 10 MB file parses (in a debug build too: the figure is printed, not asserted).
    @Test func tenMegabyteFile() throws {
        var text = "services:\n"
        var index = 0
        while text.utf8.count < 10 << 20 {
            text += "  svc-\(index): {host: 10.\(index % 250).\(index / 250 % 250).1, port: \(index % 65_000), flags: [sh-port, sh-fallback], name: \"service number \(index)\"}\n"
            index += 1
        }
        let clock = ContinuousClock()
        var root: Node?
        let elapsed = clock.measure { root = tree(text) }
        #expect(root?["services"]?.pairs?.count == index)
        print("10 MB: \(text.utf8.count) bytes, \(index) mappings parsed in \(elapsed)")
    }

    /// A mapping of 100k keys: the duplicate check and the append must stay linear. The figures
    /// for 25k, 50k and 100k keys are printed; doubling the keys should about double the time.
    @Test func bigMappingScalesLinearly() throws {
        let clock = ContinuousClock()
        var figures: [String] = []
        for count in [25_000, 50_000, 100_000] {
            let text = (0..<count).map { "key-\($0): \($0)\n" }.joined()
            var root: Node?
            let elapsed = clock.measure { root = tree(text) }
            #expect(root?.pairs?.count == count)
            #expect(root?.pairs?.last?.value.text == "\(count - 1)")
            figures.append("\(count) keys: \(elapsed)")
        }
        let sequence = "[" + (0..<100_000).map(String.init).joined(separator: ",") + "]"
        let elapsed = clock.measure { #expect(tree(sequence)?.items?.count == 100_000) }
        figures.append("100000 items: \(elapsed)")
        print("big mapping: " + figures.joined(separator: ", "))
    }
}
