import Testing
@testable import Netlink

struct IPAddressTests {
    @Test(arguments: [
        ("192.0.2.1", "192.0.2.1"),
        ("0.0.0.0", "0.0.0.0"),
        ("2001:db8::1", "2001:db8::1"),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("::", "::"),
        ("::1", "::1"),
        ("1::", "1::"),
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
        ("FE80::ABCD", "fe80::abcd"),
    ])
    func parsesAndPrints(input: String, printed: String) throws {
        let address = try #require(IPAddress(input))
        #expect(address.description == printed)
        #expect(IPAddress(printed) == address)
        #expect(IPAddress(bytes: address.bytes) == address)
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", ":::", "g::1", "1.2.3.4:80", "[::1]"])
    func rejects(input: String) {
        #expect(IPAddress(input) == nil)
    }

    @Test func unicastRules() {
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
