/// The little of RFC 1035 a DNS health check needs: encode one question, read the answer's code.
enum DNSMessage {
    static let types: [String: UInt16] = [
        "A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15, "TXT": 16, "AAAA": 28, "SRV": 33,
    ]
    static let codes = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"]

    /// A standard query (recursion desired) for `name` and `type`; `nil` if a label is empty or
    /// longer than 63 bytes, or the name longer than 255.
    static func query(id: UInt16, name: String, type: String) -> [UInt8]? {
        guard let qtype = types[type.uppercased()] else { return nil }
        var bytes: [UInt8] = [
            UInt8(id >> 8), UInt8(id & 0xFF),
            0x01, 0x00,  // RD
            0x00, 0x01,  // QDCOUNT
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        ]
        let trimmed = name.hasSuffix(".") ? String(name.dropLast()) : name
        if !trimmed.isEmpty {
            for label in trimmed.split(separator: ".", omittingEmptySubsequences: false) {
                let utf8 = Array(label.utf8)
                guard (1...63).contains(utf8.count) else { return nil }
                bytes.append(UInt8(utf8.count))
                bytes.append(contentsOf: utf8)
            }
        }
        bytes.append(0)
        guard bytes.count - 12 <= 255 else { return nil }
        bytes += [UInt8(qtype >> 8), UInt8(qtype & 0xFF), 0x00, 0x01]  // class IN
        return bytes
    }

    /// The response code of a reply to query `id`; `nil` when the datagram is not that reply (a
    /// stray or spoofed packet), a failure when it is garbage.
    static func responseCode(_ reply: [UInt8], id: UInt16) -> Result<UInt8, Problem>? {
        guard reply.count >= 12 else { return .failure(Problem("reply too short for DNS (\(reply.count) bytes)")) }
        guard UInt16(reply[0]) << 8 | UInt16(reply[1]) == id else { return nil }
        guard reply[2] & 0x80 != 0 else { return .failure(Problem("not a DNS response (QR bit clear)")) }
        return .success(reply[3] & 0x0F)
    }

    static func codeName(_ code: UInt8) -> String {
        Int(code) < codes.count ? codes[Int(code)] : "RCODE\(code)"
    }

    struct Problem: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
