public import Addresses
public import YAMLBridge

/// Small value types with their own written forms. Each decodes leniently where GORB users expect
/// it (a number where a string was documented) and refuses anything ambiguous with a message that
/// shows the accepted forms.

/// A duration field (`5s`, `1m30s`, `500ms`).
public struct DurationValue: Sendable, Hashable, Encodable, NodeReadable, CustomStringConvertible {
    public var duration: Duration

    public init(_ duration: Duration) {
        self.duration = duration
    }

    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        let text = try String(reading: node, in: &context)
        guard let duration = DurationText.parse(text) else {
            let hint = Int(text.trimmingCharacters()) != nil ? " (add a unit: \(text.trimmingCharacters())s)" : ""
            throw ReadFailure(mark: node.mark, message: "expected a duration like 5s, 500ms or 1m30s, found \"\(text)\"\(hint)")
        }
        self.duration = duration
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public var description: String { DurationText.format(duration) }
}

/// `persistent`: `true` (the kernel's usual 300 s), `false`, a duration (`10m`), or a number of
/// seconds (as `ipvsadm -p 600` takes it).
public enum PersistenceValue: Sendable, Hashable, Encodable, NodeReadable {
    case off
    case on
    case timeout(Duration)

    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        // Decide by the written text (no throwing probes: valid input must not pay for errors).
        let text = node.string?.trimmingCharacters()
        if let text, let flag = ["true": true, "True": true, "TRUE": true, "false": false, "False": false, "FALSE": false][text] {
            self = flag ? .on : .off
        } else if let text, let seconds = UInt32(text) {
            self = seconds == 0 ? .off : .timeout(.seconds(seconds))
        } else if let text, let duration = DurationText.parse(text) {
            self = .timeout(duration)
        } else {
            throw ReadFailure(mark: node.mark, message: "expected true, false, or a persistence timeout like 300s or 10m")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .off: try container.encode(false)
        case .on: try container.encode(true)
        case .timeout(let duration): try container.encode(DurationText.format(duration))
        }
    }
}

/// `flags`: a list (`[sh-fallback, sh-port]`) or GORB's string form (`"sh-fallback|sh-port"`).
public struct FlagList: Sendable, Hashable, Encodable, NodeReadable {
    public var names: [String]

    public init(_ names: [String]) {
        self.names = names
    }

    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        if let list = node.strings {
            names = list
            return
        }
        let text = try String(reading: node, in: &context)
        names = text.split(separator: "|").map { String($0).trimmingCharacters() }.filter { !$0.isEmpty }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(names.joined(separator: "|"))
    }
}

/// `netmask`: the persistence granularity, as an IPv4 mask (`255.255.255.0`), or a prefix length
/// (`24`, `/24`; the only form IPv6 has).
public struct NetmaskValue: Sendable, Hashable, Encodable, NodeReadable, CustomStringConvertible {
    public var text: String

    public init(_ text: String) {
        self.text = text
    }

    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        if let number = try? UInt8(reading: node, in: &context) {
            text = String(number)
        } else {
            text = try String(reading: node, in: &context)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    public var description: String { text }

    /// The prefix length for `family`, or `nil` when the text is not a valid mask for it.
    public func prefixLength(for family: AddressFamily) -> Int? {
        var body = Substring(text.trimmingCharacters())
        if body.first == "/" { body = body.dropFirst() }
        let limit = family == .ipv4 ? 32 : 128
        if let length = Int(body), (1...limit).contains(length) { return length }
        guard family == .ipv4, let mask = IPAddress(String(body)), mask.family == .ipv4 else { return nil }
        let value = mask.bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let length = value.nonzeroBitCount
        guard length > 0, value == UInt32.max << (32 - length) else { return nil }
        return length
    }
}

/// The expected HTTP status codes: a code (`200`), a range (`200-399`), or a comma-separated
/// mix (`200,204,300-399`).
public struct StatusExpectation: Sendable, Hashable, CustomStringConvertible {
    public var ranges: [ClosedRange<Int>]

    public init(_ ranges: [ClosedRange<Int>]) {
        self.ranges = ranges
    }

    /// Parses the written form; `nil` when any part is not a code or range from 100 to 599.
    public static func parse(_ text: String) -> StatusExpectation? {
        // The usual form, one code in digits, without splitting and trimming.
        if !text.isEmpty, text.utf8.allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }) {
            guard let code = Int(text), (100...599).contains(code) else { return nil }
            return StatusExpectation([code...code])
        }
        var ranges: [ClosedRange<Int>] = []
        for part in text.split(separator: ",") {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
                .map { Int(String($0).trimmingCharacters()) }
            guard (1...2).contains(bounds.count), let low = bounds.first ?? nil, let high = bounds.last ?? nil,
                low <= high, (100...599).contains(low), (100...599).contains(high)
            else { return nil }
            ranges.append(low...high)
        }
        return ranges.isEmpty ? nil : StatusExpectation(ranges)
    }

    public func contains(_ status: Int) -> Bool { ranges.contains { $0.contains(status) } }

    public var description: String {
        ranges.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ",")
    }
}

/// `command` of an exec check: a list of arguments (`[/usr/bin/check, --fast]`), or one string
/// split on spaces (no shell is involved; wrap in `[sh, -c, "…"]` for one).
public struct CommandArguments: Sendable, Hashable, Encodable, NodeReadable {
    public var arguments: [String]

    public init(_ arguments: [String]) {
        self.arguments = arguments
    }

    public init(reading node: Node, in context: inout ReadContext) throws(ReadFailure) {
        if let list = node.strings {
            arguments = list
        } else {
            arguments = try String(reading: node, in: &context).split(separator: " ").map(String.init)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(arguments)
    }
}
