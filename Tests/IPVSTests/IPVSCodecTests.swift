import Addresses
import NetlinkTesting
import Testing
@testable import IPVS
@testable import Netlink

/// IPVS request bodies and reply decoding against hand-checked bytes (attribute numbers from
/// `include/uapi/linux/ip_vs.h`; ports and the IPv4 netmask big-endian, the rest host order).
struct IPVSCodecTests {
    static let web = IPVSService.Key.tcp(IPAddress("192.0.2.1")!, 80)

    @Test func newServiceRequest() {
        let body = IPVSCodec.body(of: .addService(IPVSService(key: Self.web, scheduler: "wrr")))
        let expected = hex(
            """
            01 01 00 00                     # genlmsghdr: IPVS_CMD_NEW_SERVICE, version 1
            48 00 01 00                     # IPVS_CMD_ATTR_SERVICE, 72 bytes, no NLA_F_NESTED
            06 00 01 00 02 00 00 00         #   AF = AF_INET (u16 + 2 padding)
            06 00 02 00 06 00 00 00         #   PROTOCOL = IPPROTO_TCP (host order)
            08 00 03 00 c0 00 02 01         #   ADDR = 192.0.2.1 (4 bytes)
            06 00 04 00 00 50 00 00         #   PORT = 80, big-endian
            08 00 06 00 77 72 72 00         #   SCHED_NAME = "wrr\\0"
            0c 00 07 00 00 00 00 00 ff ff ff ff   # FLAGS = {flags 0, mask ~0}
            08 00 08 00 00 00 00 00         #   TIMEOUT = 0
            08 00 09 00 ff ff ff ff         #   NETMASK = 255.255.255.255 (be32)
            """)
        #expect(body == expected, "\(HexDump.compact(body))")
    }

    @Test func persistentIPv6ServiceUsesHostOrderPrefixLength() {
        let key = IPVSService.Key.udp(IPAddress("2001:db8::1")!, 53)
        let service = IPVSService(key: key, scheduler: "sh", flags: [.persistent, .scheduler1, .hashed], timeout: 300, persistencePrefixLength: 64, persistenceEngine: "sip")
        let body = IPVSCodec.body(of: .updateService(service))
        let expected = hex(
            """
            02 01 00 00                     # IPVS_CMD_SET_SERVICE
            5c 00 01 00                     # IPVS_CMD_ATTR_SERVICE, 92 bytes
            06 00 01 00 0a 00 00 00         #   AF = AF_INET6
            06 00 02 00 11 00 00 00         #   PROTOCOL = IPPROTO_UDP
            14 00 03 00 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01   # ADDR, 16 bytes
            06 00 04 00 00 35 00 00         #   PORT = 53
            07 00 06 00 73 68 00 00         #   SCHED_NAME = "sh\\0"
            08 00 0b 00 73 69 70 00         #   PE_NAME = "sip\\0"
            0c 00 07 00 09 00 00 00 ff ff ff ff   # FLAGS = PERSISTENT|SCHED1 (HASHED dropped)
            08 00 08 00 2c 01 00 00         #   TIMEOUT = 300
            08 00 09 00 40 00 00 00         #   NETMASK = prefix 64, host order
            """)
        #expect(body == expected, "\(HexDump.compact(body))")
    }

    @Test func destinationRequests() {
        let destination = IPVSDestination(address: IPAddress("10.0.1.1")!, port: 8080, forwarding: .tunnel, weight: 100, upperThreshold: 7, lowerThreshold: 3, tunnelType: .gue, tunnelPort: 6080, tunnelFlags: .checksum)
        let fwmark = IPVSService.Key.firewallMark(17, family: .ipv4)
        let add = IPVSCodec.body(of: .addDestination(destination, service: fwmark))
        let expected = hex(
            """
            05 01 00 00                     # IPVS_CMD_NEW_DEST
            14 00 01 00                     # IPVS_CMD_ATTR_SERVICE (key only)
            06 00 01 00 02 00 00 00         #   AF = AF_INET
            08 00 05 00 11 00 00 00         #   FWMARK = 17
            54 00 02 00                     # IPVS_CMD_ATTR_DEST, 84 bytes
            08 00 01 00 0a 00 01 01         #   ADDR = 10.0.1.1
            06 00 02 00 1f 90 00 00         #   PORT = 8080, big-endian
            06 00 0b 00 02 00 00 00         #   ADDR_FAMILY = AF_INET
            08 00 03 00 02 00 00 00         #   FWD_METHOD = TUNNEL
            08 00 04 00 64 00 00 00         #   WEIGHT = 100
            08 00 05 00 07 00 00 00         #   U_THRESH = 7
            08 00 06 00 03 00 00 00         #   L_THRESH = 3
            05 00 0d 00 01 00 00 00         #   TUN_TYPE = GUE (u8)
            06 00 0e 00 17 c0 00 00         #   TUN_PORT = 6080, big-endian
            06 00 0f 00 01 00 00 00         #   TUN_FLAGS = CSUM
            """)
        #expect(add == expected, "\(HexDump.compact(add))")

        let remove = IPVSCodec.body(of: .removeDestination(destination.key, service: Self.web))
        #expect(remove == hex(
            """
            07 01 00 00                     # IPVS_CMD_DEL_DEST
            24 00 01 00                     # SERVICE key: AF, PROTOCOL, ADDR, PORT
            06 00 01 00 02 00 00 00  06 00 02 00 06 00 00 00  08 00 03 00 c0 00 02 01  06 00 04 00 00 50 00 00
            1c 00 02 00                     # DEST: ADDR, PORT, ADDR_FAMILY only
            08 00 01 00 0a 00 01 01  06 00 02 00 1f 90 00 00  06 00 0b 00 02 00 00 00
            """))
    }

    @Test func globalRequests() {
        #expect(IPVSCodec.body(of: .flush) == hex("11 01 00 00"))
        #expect(IPVSCodec.body(of: .zero(nil)) == hex("10 01 00 00"))
        #expect(IPVSCodec.body(of: .setTimeouts(IPVSTimeouts(tcp: 900, tcpFin: 0, udp: 300))) == hex(
            """
            0c 01 00 00                     # IPVS_CMD_SET_CONFIG
            08 00 04 00 84 03 00 00         # TIMEOUT_TCP = 900
            08 00 05 00 00 00 00 00         # TIMEOUT_TCP_FIN = 0 (unchanged)
            08 00 06 00 2c 01 00 00         # TIMEOUT_UDP = 300
            """))
    }

    /// A service as the kernel writes it: 16-byte address, HASHED set, STATS with a PAD
    /// attribute before each u64 and STATS64, nests without NLA_F_NESTED, then DONE.
    static let serviceDumpDatagram = hex(
        """
        c0 00 00 00 25 00 02 00 05 00 00 00 92 10 00 00   # nlmsghdr, NLM_F_MULTI
        01 01 00 00                                       # NEW_SERVICE
        ac 00 01 00                                       # IPVS_CMD_ATTR_SERVICE
        06 00 01 00 02 00 00 00                           #   AF_INET
        06 00 02 00 06 00 00 00                           #   TCP
        14 00 03 00 c0 00 02 01 00 00 00 00 00 00 00 00 00 00 00 00   # ADDR, 16 bytes
        06 00 04 00 00 50 00 00                           #   PORT 80
        08 00 06 00 77 72 72 00                           #   "wrr"
        0c 00 07 00 03 00 00 00 ff ff ff ff               #   FLAGS PERSISTENT|HASHED
        08 00 08 00 2c 01 00 00                           #   TIMEOUT 300
        08 00 09 00 ff ff ff 00                           #   NETMASK 255.255.255.0
        2c 00 0a 00                                       #   STATS
        08 00 01 00 05 00 00 00                           #     CONNS 5 (u32)
        04 00 0b 00                                       #     PAD
        0c 00 04 00 00 10 00 00 00 00 00 00               #     INBYTES 4096 (u64)
        08 00 06 00 01 00 00 00                           #     CPS 1
        08 00 ff 00 00 00 00 00                           #     unknown: ignored
        2c 00 0c 00                                       #   STATS64
        04 00 0b 00                                       #     PAD
        0c 00 01 00 06 00 00 00 00 00 00 00               #     CONNS 6
        0c 00 04 00 00 20 00 00 00 00 00 00               #     INBYTES 8192
        0c 00 05 00 01 00 00 00 01 00 00 00               #     OUTBYTES 2^32 + 1
        14 00 00 00 03 00 02 00 05 00 00 00 92 10 00 00 00 00 00 00   # NLMSG_DONE
        """)

    @Test func decodesAServiceAsTheKernelWritesIt() throws {
        let replies = try IPVSReply.decode(datagram: Self.serviceDumpDatagram, familyID: 0x25)
        #expect(replies.count == 2)
        guard case .service(let service) = replies[0] else {
            Issue.record("expected a service, got \(replies[0])")
            return
        }
        #expect(service == IPVSService(key: Self.web, scheduler: "wrr", flags: .persistent, timeout: 300, persistencePrefixLength: 24))
        #expect(service.flags == .persistent)
        #expect(service.stats.connections == 6)
        #expect(service.stats.inBytes == 8192)
        #expect(service.stats.outBytes == 1 << 32 | 1)
        #expect(replies[1] == .done(sequence: 5))
    }
}
