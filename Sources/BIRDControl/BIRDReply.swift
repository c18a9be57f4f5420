/// One complete reply of BIRD's control socket: the code of its last line and the text of all its
/// lines, continuation lines included (BIRD's `doc/reply_codes`).
public struct BIRDReply: Sendable, Hashable, CustomStringConvertible {
    /// `0xxx` success, `1xxx` table entry, `2xxx` heading, `8xxx` run-time error, `9xxx` parse error.
    public var code: Int
    /// Every line's text without its code, in order.
    public var lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// A `0xxx`, `1xxx` or `2xxx` code: the command was carried out.
    public var succeeded: Bool { code < 8000 }

    /// `8002 Configuration file error` and its kin: what BIRD said, on one line.
    public var description: String {
        String(format4(code)) + " " + lines.joined(separator: " / ")
    }
}

/// `3` → `0003`.
func format4(_ code: Int) -> String {
    let digits = String(code)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
