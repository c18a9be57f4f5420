import Addresses
import Testing

/// Parsing, printing, bytes and kinds of the one address type (the tables of the file model's
/// and the IPVS client's former address types, merged).
@Suite struct IPAddressTests {
    @Test(arguments: [
        ("192.0.2.1", "192.0.2.1"),
        ("0.0.0.0", "0.0.0.0"),
        ("2001:db8::1", "2001:db8::1"),
        ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("::", "::"),
        ("::1", "::1"),
        ("1::", "1::"),
        ("fe80::", "fe80::"),
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        // IPv4-mapped: printed with the dotted tail, as inet_ntop and ipvsadm print it, however
        // it was spelled.
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
        ("::ffff:c000:201", "::ffff:192.0.2.1"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
        ("1:0:3:4:5:6:7:8", "1:0:3:4:5:6:7:8"),
        ("FE80::ABCD", "fe80::abcd"),
    ])
    func parsesAndPrintsCanonically(text: String, canonical: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.description == canonical)
        #expect(IPAddress(canonical) == address)
        #expect(IPAddress(bytes: address.bytes) == address)
    }

    @Test(arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "256.0.0.1", "01.2.3.4", "1.2.3.-4", "a.b.c.d", "1:2:3:4:5:6:7:8:9",
        "1::2::3", "12345::", "fe80::1%eth0", "[::1]", "www.example.com", ":::", "1:2:3:4:5:6:7::8:9",
        "::ffff:1.2.3", " 1.2.3.4", "g::1", "1.2.3.4:80",
    ])
    func rejects(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func families() throws {
        #expect(try #require(IPAddress("10.0.0.1")).family == .ipv4)
        #expect(try #require(IPAddress("fd00::1")).family == .ipv6)
    }

    /// What the file accepts as a VIP or backend.
    @Test(arguments: [("10.0.0.1", true), ("0.0.0.0", false), ("224.0.0.1", false), ("255.255.255.255", false), ("::", false), ("ff02::1", false), ("2001:db8::1", true)])
    func unicast(text: String, expected: Bool) throws {
        #expect(try #require(IPAddress(text)).isUnicast == expected)
    }

    /// What the kernel accepts as a real server.
    @Test func unicastForIPVS() {
        #expect(IPAddress("10.0.0.1")!.isUnicastForIPVS)
        #expect(!IPAddress("224.0.0.1")!.isUnicastForIPVS)
        #expect(!IPAddress("0.0.0.0")!.isUnicastForIPVS)
        #expect(!IPAddress("255.255.255.255")!.isUnicastForIPVS)
        #expect(IPAddress("2001:db8::1")!.isUnicastForIPVS)
        #expect(!IPAddress("ff02::1")!.isUnicastForIPVS)
        #expect(!IPAddress("fe80::1")!.isUnicastForIPVS)
        #expect(!IPAddress("::")!.isUnicastForIPVS)
    }
}
