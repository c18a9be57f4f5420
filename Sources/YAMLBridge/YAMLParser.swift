internal import CYAML

/// Parses YAML 1.1 (and so JSON) into a ``Node`` tree with positions, through the system libyaml.
///
/// libyaml's event parser is wrapped here and nowhere else. The tree is built without recursion, so
/// nesting depth is bounded by ``ParseLimits/maxDepth`` and never by the thread's stack.
public enum YAMLParser {
    /// Parses one document.
    ///
    /// - Returns: the root node, or `nil` when the input holds no document at all (empty, or only
    ///   comments).
    /// - Throws: a ``Diagnostic`` with the position of the first syntax error, duplicate key,
    ///   undefined alias, or exceeded limit.
    public static func parse(_ bytes: [UInt8], limits: ParseLimits = .standard) throws(Diagnostic) -> Node? {
        if bytes.count > limits.maxBytes {
            throw Diagnostic(
                mark: Mark(line: 1, column: 1),
                message: "the input is \(bytes.count) bytes, more than the limit of \(limits.maxBytes)"
            )
        }
        var builder = TreeBuilder(limits: limits)
        let parser = EventParser(bytes: bytes)
        defer { parser.close() }
        try parser.run(into: &builder)
        return builder.root
    }

    /// Parses UTF-8 text; see ``parse(_:limits:)-(Array<UInt8>,_)``.
    public static func parse(_ text: String, limits: ParseLimits = .standard) throws(Diagnostic) -> Node? {
        try parse(Array(text.utf8), limits: limits)
    }
}

/// Owns a `yaml_parser_t` and the input bytes it points into (libyaml keeps that pointer, so the
/// bytes must live as long as the parser). Confined to one parse call; never shared.
final class EventParser {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeMutableBufferPointer<UInt8>
    private var closed = false

    init(bytes: [UInt8]) {
        parser = .allocate(capacity: 1)
        input = .allocate(capacity: max(bytes.count, 1))
        _ = input.initialize(from: bytes)
        Self.untabOuterWhitespace(input)
        yaml_parser_initialize(parser)
        yaml_parser_set_input_string(parser, input.baseAddress, bytes.count)
    }

    /// Turns tabs into spaces where libyaml refuses them although the input is fine: in the
    /// whitespace before the first and after the last token of the document.
    ///
    /// JSON counts tabs as whitespace, and Go's `json.MarshalIndent(v, "", "\t")` (GORB's own
    /// output) indents with them. Inside `{…}` and `[…]` libyaml accepts tabs, but outside any
    /// bracket it takes a tab at the start of a line for block indentation and stops with "found
    /// character that cannot start any token": a tab before the opening `{`, or a trailing line
    /// holding a tab, made a valid JSON file fail. Only blank lines before the content, the
    /// indentation of the first line when it opens a flow collection (`{` or `[`: JSON), and the
    /// trailing whitespace are touched, so YAML's rule (indent with spaces) is still enforced
    /// everywhere it matters. A tab and a space are both one byte and one libyaml column, so every
    /// position reported afterwards is unchanged.
    static func untabOuterWhitespace(_ text: UnsafeMutableBufferPointer<UInt8>) {
        let tab = UInt8(ascii: "\t"), space = UInt8(ascii: " ")
        // UTF-16 (libyaml reads it after its byte order mark): its bytes are not characters.
        if text.count >= 2, (text[0] == 0xFF && text[1] == 0xFE) || (text[0] == 0xFE && text[1] == 0xFF) { return }
        func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab || byte == 0x0A || byte == 0x0D }
        func untab(_ range: Range<Int>) {
            for index in range where text[index] == tab { text[index] = space }
        }
        var index = text.count >= 3 && text[0] == 0xEF && text[1] == 0xBB && text[2] == 0xBF ? 3 : 0
        var lineStart = index
        while index < text.count, isWhitespace(text[index]) {
            if text[index] == 0x0A || text[index] == 0x0D {
                untab(lineStart..<index)
                lineStart = index + 1
            }
            index += 1
        }
        let firstToken = index
        if firstToken == text.count || text[firstToken] == UInt8(ascii: "{") || text[firstToken] == UInt8(ascii: "[") {
            untab(lineStart..<firstToken)
        }
        var end = text.count
        while end > firstToken, isWhitespace(text[end - 1]) { end -= 1 }
        untab(end..<text.count)
    }

    func close() {
        guard !closed else { return }
        closed = true
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    deinit { assert(closed, "EventParser leaked: close() was not called") }

    /// Pulls every event of the input and hands each to `builder` as it comes, straight from
    /// libyaml's memory (no intermediate event value to copy and destroy).
    func run(into builder: inout TreeBuilder) throws(Diagnostic) {
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(parser, &event) == 1 else { throw error() }
            defer { yaml_event_delete(&event) }
            let mark = Mark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
            switch event.type {
            case YAML_STREAM_START_EVENT, YAML_DOCUMENT_END_EVENT:
                continue
            case YAML_STREAM_END_EVENT:
                return
            case YAML_DOCUMENT_START_EVENT:
                try builder.startDocument(at: mark)
            case YAML_ALIAS_EVENT:
                try builder.alias(Self.string(event.data.alias.anchor) ?? "", at: mark)
            case YAML_SCALAR_EVENT:
                let data = event.data.scalar
                let value = String(decoding: UnsafeBufferPointer(start: data.value, count: data.length), as: UTF8.self)
                let style: Scalar.Style =
                    switch data.style {
                    case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
                    case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
                    case YAML_LITERAL_SCALAR_STYLE: .literal
                    case YAML_FOLDED_SCALAR_STYLE: .folded
                    default: .plain
                    }
                try builder.scalar(Scalar(value, style: style), anchor: Self.string(data.anchor), tag: Self.string(data.tag), at: mark)
            case YAML_SEQUENCE_START_EVENT:
                let data = event.data.sequence_start
                try builder.start(isMapping: false, anchor: Self.string(data.anchor), tag: Self.string(data.tag), at: mark)
            case YAML_MAPPING_START_EVENT:
                let data = event.data.mapping_start
                try builder.start(isMapping: true, anchor: Self.string(data.anchor), tag: Self.string(data.tag), at: mark)
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                try builder.end()
            default:
                throw Diagnostic(mark: mark, message: "unexpected YAML event \(event.type.rawValue)")
            }
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    /// Turns libyaml's error fields into a positioned, readable diagnostic.
    private func error() -> Diagnostic {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? "invalid YAML"
        if state.error == YAML_READER_ERROR {
            // The reader reports a byte offset, not a mark; for a bad trailing byte, the offset of
            // that byte: point at the character it breaks (its lead byte) instead, which is where
            // an editor shows the replacement character.
            var offset = state.problem_offset
            if problem.contains("trailing"), offset > 0, offset <= input.count {
                var lead = offset - 1
                while lead > 0, input[lead] & 0xC0 == 0x80 { lead -= 1 }
                if input[lead] >= 0xC0 { offset = lead }
            }
            let mark = markOfByte(offset)
            var message = problem
            if problem.contains("UTF-8") || problem.contains("utf-8") {
                message = "the input is not valid UTF-8 (\(problem))"
            } else if problem.contains("control characters") {
                message = "the input contains binary data or a control character (\(problem))"
            }
            return Diagnostic(mark: mark, message: message)
        }
        let problemMark = Mark(line: Int(state.problem_mark.line) + 1, column: Int(state.problem_mark.column) + 1)
        // libyaml words a tab in the wrong place three ways, none of which says what to do.
        if problem.contains("tab character")
            || (problem.contains("cannot start any token") && byte(at: problemMark) == UInt8(ascii: "\t"))
        {
            let tabMark = tabOnLine(problemMark.line) ?? problemMark
            if lineIsBlank(problemMark.line) {
                return Diagnostic(
                    mark: tabMark,
                    message: "this blank line contains a tab character: remove it (YAML indents with spaces only)"
                )
            }
            return Diagnostic(mark: tabMark, message: "a tab character is not allowed here: indent with spaces")
        }
        var message = problem
        if let context = state.context.map({ String(cString: $0) }) {
            let contextMark = Mark(line: Int(state.context_mark.line) + 1, column: Int(state.context_mark.column) + 1)
            if contextMark != problemMark, problemMark >= endMark() {
                // The input ended inside something still open: the useful position is where that
                // began (the opening quote or bracket), not the end of the file.
                let what = context.replacingPrefix("while scanning ").replacingPrefix("while parsing ")
                if what == "a quoted scalar" {
                    return Diagnostic(
                        mark: contextMark,
                        message: "unterminated quoted string: its closing quote is missing (the input ends at \(problemMark))"
                    )
                }
                return Diagnostic(
                    mark: contextMark,
                    message: "unclosed \(what.replacingPrefix("a ").replacingPrefix("an ")): \(problem) before the input ends at \(problemMark)"
                )
            }
            message += " " + context
            if contextMark != problemMark {
                message += " that began at \(contextMark)"
            }
        }
        return Diagnostic(mark: problemMark, message: message)
    }

    // MARK: - Positions (error path only: these walk the input from its start)

    /// Where the text starts: after a UTF-8 byte order mark, which libyaml does not count.
    private var textStart: Int {
        input.count >= 3 && input[0] == 0xEF && input[1] == 0xBB && input[2] == 0xBF ? 3 : 0
    }

    /// Calls `body` with the byte offset and mark of every character, then with the end of input.
    /// Lines break at LF, CRLF and lone CR, as in libyaml; columns count characters.
    private func walk(_ body: (Int, Mark) -> Bool) {
        var line = 1
        var column = 1
        var index = textStart
        while index < input.count {
            if !body(index, Mark(line: line, column: column)) { return }
            let byte = input[index]
            if byte == 0x0A || (byte == 0x0D && (index + 1 == input.count || input[index + 1] != 0x0A)) {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 && byte != 0x0D {
                column += 1
            }
            index += 1
            // Skip the continuation bytes of a multi-byte character: they are part of it.
            if byte >= 0xC0 {
                while index < input.count, input[index] & 0xC0 == 0x80 { index += 1 }
            }
        }
        _ = body(input.count, Mark(line: line, column: column))
    }

    /// The first byte of the character at `mark`, if the input has one there.
    private func byte(at mark: Mark) -> UInt8? {
        var found: UInt8?
        walk { index, position in
            if position == mark {
                found = index < input.count ? input[index] : nil
                return false
            }
            return position < mark
        }
        return found
    }

    /// The position of the first tab on `line`.
    private func tabOnLine(_ line: Int) -> Mark? {
        var found: Mark?
        walk { index, position in
            if position.line == line, index < input.count, input[index] == UInt8(ascii: "\t") {
                found = position
                return false
            }
            return position.line <= line
        }
        return found
    }

    /// True when `line` holds only spaces and tabs.
    private func lineIsBlank(_ line: Int) -> Bool {
        var blank = true
        walk { index, position in
            guard position.line == line, index < input.count else { return position.line < line }
            let byte = input[index]
            if byte == 0x0A || byte == 0x0D { return false }
            if byte != 0x20 && byte != 0x09 { blank = false }
            return blank
        }
        return blank
    }

    /// The position just past the last character.
    private func endMark() -> Mark {
        var end = Mark(line: 1, column: 1)
        walk { _, position in
            end = position
            return true
        }
        return end
    }

    private func markOfByte(_ offset: Int) -> Mark {
        var mark = Mark(line: 1, column: 1)
        walk { index, position in
            mark = position
            return index < offset
        }
        return mark
    }
}

extension String {
    fileprivate func replacingPrefix(_ prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
    }
}
