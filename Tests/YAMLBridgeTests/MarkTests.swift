import Testing
import YAMLBridge

/// Every node carries the 1-based line:column of its first character, in block and flow style,
/// with Unicode, CRLF line ends and a byte order mark.
@Suite struct MarkTests {
    private func mark(_ line: Int, _ column: Int) -> Mark { Mark(line: line, column: column) }

    @Test func blockStyleMarks() throws {
        let yaml = """
            services:
              web:
                port: 80
                flags:
                  - sh-port
                  - "sh-fallback"
            """
        let root = try #require(tree(yaml))
        #expect(root.mark == mark(1, 1))
        let services = try #require(root.pairs?.first)
        #expect(services.key.mark == mark(1, 1))
        #expect(services.value.mark == mark(2, 3))
        let web = try #require(root["services"]?["web"])
        #expect(web.mark == mark(3, 5))
        #expect(web["port"]?.mark == mark(3, 11))
        #expect(web.pairs?[1].key.mark == mark(4, 5))
        let flags = try #require(web["flags"]?.items)
        #expect(web["flags"]?.mark == mark(5, 7))
        #expect(flags.map(\.mark) == [mark(5, 9), mark(6, 9)])
    }

    @Test func flowStyleMarks() throws {
        let root = try #require(tree("a: {b: [1, 22, 333], c: {d: x}}\n"))
        let a = try #require(root["a"])
        #expect(a.mark == mark(1, 4))
        #expect(a["b"]?.mark == mark(1, 8))
        #expect(a["b"]?.items?.map(\.mark) == [mark(1, 9), mark(1, 12), mark(1, 16)])
        #expect(a.pairs?[1].key.mark == mark(1, 22))
        #expect(a["c"]?["d"]?.mark == mark(1, 29))
    }

    @Test func columnsCountCharactersNotBytes() throws {
        // é is 2 bytes, 日本 are 3 bytes each, 🙂 is 4 bytes: each is one column.
        let root = try #require(tree("é: ü\nname: \"日本\" # c\nx: [日, 本, 🙂, z]\n🙂: v\n"))
        #expect(root["é"]?.mark == mark(1, 4))
        #expect(root["name"]?.text == "日本")
        #expect(root["x"]?.items?.map(\.mark) == [mark(3, 5), mark(3, 8), mark(3, 11), mark(3, 14)])
        #expect(root["🙂"]?.mark == mark(4, 4))
    }

    @Test func columnsCountUnicodeScalars() throws {
        // "é" written as e + combining acute accent is two scalars: two columns.
        let root = try #require(tree("e\u{301}: x\n"))
        #expect(root.pairs?.first?.value.mark == mark(1, 5))
    }

    @Test func crlfLineEnds() throws {
        let root = try #require(tree("a: 1\r\nb:\r\n  - x\r\n  - y\r\nc: |\r\n  one\r\n  two\r\nd: \"folded\r\n  text\"\r\n"))
        #expect(root.keys == ["a", "b", "c", "d"])
        #expect(root["a"]?.mark == mark(1, 4))
        #expect(root["b"]?.items?.map(\.mark) == [mark(3, 5), mark(4, 5)])
        #expect(root["c"]?.text == "one\ntwo\n")
        #expect(root["d"]?.text == "folded text")
        #expect(root.pairs?[3].key.mark == mark(8, 1))
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let root = try #require(tree("\u{FEFF}a: 1\nb: 2\n"))
        #expect(root.keys == ["a", "b"])
        #expect(root.pairs?[0].key.mark == mark(1, 1))
        #expect(root["a"]?.mark == mark(1, 4))
        #expect(root.pairs?[1].key.mark == mark(2, 1))
    }

    @Test func byteOrderMarkDoesNotShiftErrors() throws {
        let error = try #require(parseError([0xEF, 0xBB, 0xBF] + Array("a: 1\nb: \u{1}\n".utf8)))
        #expect(error.mark == mark(2, 4))
        let utf8 = try #require(parseError([0xEF, 0xBB, 0xBF] + Array("ab: ".utf8) + [0xFF]))
        #expect(utf8.mark == mark(1, 5))
    }

    @Test func marksCompareByLineThenColumn() {
        #expect(mark(1, 9) < mark(2, 1))
        #expect(mark(2, 1) < mark(2, 2))
        #expect(!(mark(3, 3) < mark(3, 3)))
        #expect(mark(12, 7).description == "12:7")
    }
}
