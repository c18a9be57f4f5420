/// Hex renderings of netlink bytes for trace logs and test failure messages.
enum HexDump {
    /// `0a1b2c…`, two lower-case digits per byte.
    static func compact(_ bytes: some Collection<UInt8>) -> String {
        let digits: [Character] = Array("0123456789abcdef")
        var text = ""
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        return text
    }
}
