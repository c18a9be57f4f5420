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
        let builder = TreeBuilder(limits: limits)
        let parser = EventParser(bytes: bytes)
        defer { parser.close() }
        do {
            while true {
                let event = try parser.next()
                if try builder.consume(event) { break }
            }
        } catch {
            throw error
        }
        return builder.root
    }

    /// Parses UTF-8 text; see ``parse(_:limits:)-(Array<UInt8>,_)``.
    public static func parse(_ text: String, limits: ParseLimits = .standard) throws(Diagnostic) -> Node? {
        try parse(Array(text.utf8), limits: limits)
    }
}

/// One libyaml event, copied out of C memory into Swift values.
enum Event {
    case streamStart, streamEnd, documentStart(Mark), documentEnd
    case scalar(Scalar, anchor: String?, tag: String?, Mark)
    case sequenceStart(anchor: String?, tag: String?, Mark)
    case sequenceEnd
    case mappingStart(anchor: String?, tag: String?, Mark)
    case mappingEnd
    case alias(String, Mark)
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
        yaml_parser_initialize(parser)
        yaml_parser_set_input_string(parser, input.baseAddress, bytes.count)
    }

    func close() {
        guard !closed else { return }
        closed = true
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    deinit { assert(closed, "EventParser leaked: close() was not called") }

    func next() throws(Diagnostic) -> Event {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { throw error() }
        defer { yaml_event_delete(&event) }
        let mark = Mark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        switch event.type {
        case YAML_STREAM_START_EVENT: return .streamStart
        case YAML_STREAM_END_EVENT: return .streamEnd
        case YAML_DOCUMENT_START_EVENT: return .documentStart(mark)
        case YAML_DOCUMENT_END_EVENT: return .documentEnd
        case YAML_ALIAS_EVENT:
            return .alias(Self.string(event.data.alias.anchor) ?? "", mark)
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
            return .scalar(
                Scalar(value, style: style),
                anchor: Self.string(data.anchor),
                tag: Self.string(data.tag),
                mark
            )
        case YAML_SEQUENCE_START_EVENT:
            let data = event.data.sequence_start
            return .sequenceStart(anchor: Self.string(data.anchor), tag: Self.string(data.tag), mark)
        case YAML_SEQUENCE_END_EVENT: return .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            let data = event.data.mapping_start
            return .mappingStart(anchor: Self.string(data.anchor), tag: Self.string(data.tag), mark)
        case YAML_MAPPING_END_EVENT: return .mappingEnd
        default:
            throw Diagnostic(mark: mark, message: "unexpected YAML event \(event.type.rawValue)")
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
            // The reader reports a byte offset, not a mark.
            let mark = markOfByte(state.problem_offset)
            var message = problem
            if problem.contains("UTF-8") || problem.contains("utf-8") {
                message = "the input is not valid UTF-8 (\(problem))"
            } else if problem.contains("control characters") {
                message = "the input contains binary data (\(problem))"
            }
            return Diagnostic(mark: mark, message: message)
        }
        let problemMark = Mark(line: Int(state.problem_mark.line) + 1, column: Int(state.problem_mark.column) + 1)
        if problem.contains("cannot start any token"), character(at: state.problem_mark.index) == "\t" {
            return Diagnostic(mark: problemMark, message: "a tab character is not allowed here: indent with spaces")
        }
        var message = problem
        if let context = state.context.map({ String(cString: $0) }) {
            message += " " + context
            let contextMark = Mark(line: Int(state.context_mark.line) + 1, column: Int(state.context_mark.column) + 1)
            if contextMark != problemMark {
                message += " that began at \(contextMark)"
            }
        }
        return Diagnostic(mark: problemMark, message: message)
    }

    /// The character at a libyaml character index (libyaml counts characters, not bytes).
    private func character(at index: Int) -> Character? {
        let text = String(decoding: input, as: UTF8.self)
        var position = 0
        for character in text.unicodeScalars {
            if position == index { return Character(character) }
            position += 1
        }
        return nil
    }

    private func markOfByte(_ offset: Int) -> Mark {
        var line = 1
        var column = 1
        var index = 0
        while index < min(offset, input.count) {
            let byte = input[index]
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        return Mark(line: line, column: column)
    }
}
