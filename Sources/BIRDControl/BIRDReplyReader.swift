/// Assembles BIRD's reply lines into replies, by the rules of its own client (`client/client.c`,
/// `server_got_reply`):
///
/// - `NNNN-text`: a line of a reply with more to come;
/// - `NNNN text`: the last line of a reply;
/// - ` text` (a leading space): continues the previous line's code;
/// - `+text`: spontaneous output (a log message for `echo`), not part of any reply.
///
/// A value fed one line at a time, so the socket code and the scripted tests share it.
public struct BIRDReplyReader: Sendable {
    private var lines: [String] = []
    private var lastCode: Int?

    public init() {}

    /// Takes one line (without its `\n`); returns the reply it completes, if any.
    public mutating func feed(_ line: String) throws(BIRDError) -> BIRDReply? {
        if line.hasPrefix("+") { return nil }
        if line.hasPrefix(" ") {
            guard lastCode != nil else { throw .malformed(line) }
            lines.append(String(line.dropFirst()))
            return nil
        }
        let bytes = Array(line.utf8)
        guard bytes.count >= 5, bytes[0..<4].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), bytes[4] == 0x20 || bytes[4] == 0x2D,
              let code = Int(String(decoding: bytes[0..<4], as: UTF8.self))
        else { throw .malformed(line) }
        lines.append(String(decoding: bytes[5...], as: UTF8.self))
        lastCode = code
        guard bytes[4] == 0x20 else { return nil }
        defer {
            lines = []
            lastCode = nil
        }
        return BIRDReply(code: code, lines: lines)
    }

    /// A reply was begun and not finished.
    public var inReply: Bool { lastCode != nil }
}
