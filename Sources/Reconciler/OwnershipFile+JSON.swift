/// The ownership file written by hand rather than by `JSONEncoder`: it holds a record per owned
/// service and destination (11,000 at 1,000 x 10), every cold start and every change of the
/// table rewrites it, and Foundation's encoder spent more on it than the netlink batch that made
/// the changes. Same shape and keys as the `Codable` form, which still reads it back.
extension OwnershipFile {
    /// `{"services": [...], "version": 1}`, one service per line and one destination per line,
    /// keys sorted as the decoder's output used to be: readable, diffable, and valid JSON.
    func json() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128 + services.count * 96 + services.reduce(0) { $0 + $1.destinations.count } * 112)
        out.append(contentsOf: #"{"services": ["#.utf8)
        for (index, service) in services.enumerated() {
            out.append(contentsOf: index == 0 ? "\n  {".utf8 : ",\n  {".utf8)
            if let address = service.address { field(&out, "address", string: address) }
            out.append(contentsOf: #""destinations": ["#.utf8)
            for (position, destination) in service.destinations.enumerated() {
                out.append(contentsOf: position == 0 ? "\n    {".utf8 : ",\n    {".utf8)
                field(&out, "address", string: destination.address)
                if let deadline = destination.drainDeadline { field(&out, "drainDeadline", number: "\(deadline)") }
                field(&out, "drainSeconds", number: "\(destination.drainSeconds)")
                field(&out, "id", string: destination.id)
                field(&out, "port", number: "\(destination.port)", last: true)
                out.append(UInt8(ascii: "}"))
            }
            out.append(contentsOf: service.destinations.isEmpty ? "], ".utf8 : "\n  ], ".utf8)
            if let family = service.family { field(&out, "family", string: family) }
            if let mark = service.fwmark { field(&out, "fwmark", number: "\(mark)") }
            field(&out, "id", string: service.id, last: service.port == nil && service.protocol == nil)
            if let port = service.port { field(&out, "port", number: "\(port)", last: service.protocol == nil) }
            if let proto = service.protocol { field(&out, "protocol", string: proto, last: true) }
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: services.isEmpty ? "], ".utf8 : "\n], ".utf8)
        out.append(contentsOf: "\"version\": \(version)}\n".utf8)
        return out
    }

    private func field(_ out: inout [UInt8], _ key: String, string value: String, last: Bool = false) {
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: key.utf8)
        out.append(contentsOf: "\": ".utf8)
        Self.appendString(value, to: &out)
        if !last { out.append(contentsOf: ", ".utf8) }
    }

    private func field(_ out: inout [UInt8], _ key: String, number: String, last: Bool = false) {
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: key.utf8)
        out.append(contentsOf: "\": ".utf8)
        out.append(contentsOf: number.utf8)
        if !last { out.append(contentsOf: ", ".utf8) }
    }

    /// A JSON string literal (RFC 8259 escapes; ids are plain ASCII in practice, but the file
    /// must stay valid whatever they hold).
    static func appendString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
