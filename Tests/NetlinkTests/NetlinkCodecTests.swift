import Testing
@testable import Netlink
import NetlinkTesting

/// The netlink framing and attribute rules, against byte vectors checked by hand against
/// `include/uapi/linux/netlink.h` (little-endian host).
struct NetlinkCodecTests {
    @Test func writesHeaderGenericHeaderAndPaddedAttributes() {
        var writer = NetlinkMessageWriter()
        writer.beginMessage(type: 0x25, flags: [.request, .ack], sequence: 7, portID: 0x1092)
        writer.appendGenericHeader(command: 4, version: 1)
        writer.put(1, u16: 2)
        writer.put(6, string: "rr")
        let nest = writer.beginNest(10)
        writer.put(1, u64: 0x0102_0304_0506_0708)
        writer.put(2, u8: 0xAB)
        writer.endNest(nest)
        writer.endMessage()
        let expected = hex(
            """
            3c 00 00 00   # nlmsg_len 60
            25 00         # nlmsg_type: the family id
            05 00         # NLM_F_REQUEST | NLM_F_ACK
            07 00 00 00   # nlmsg_seq
            92 10 00 00   # nlmsg_pid
            04 01 00 00   # genlmsghdr: cmd 4, version 1, reserved
            06 00 01 00 02 00 00 00                # u16 attr 1 = 2, 2 bytes padding
            07 00 06 00 72 72 00 00                # string attr 6 = "rr\\0", 1 byte padding
            18 00 0a 00                            # nest attr 10, length 24 (no NLA_F_NESTED)
            0c 00 01 00 08 07 06 05 04 03 02 01    #   u64 attr 1
            05 00 02 00 ab 00 00 00                #   u8 attr 2, 3 bytes padding
            """)
        #expect(writer.bytes == expected, "\(HexDump.compact(writer.bytes))")
    }

    @Test func splitsSeveralMessagesPerDatagram() throws {
        let datagram = hex(
            """
            14 00 00 00 25 00 02 00 01 00 00 00 92 10 00 00   # 20-byte message, NLM_F_MULTI
            aa bb cc dd                                       # its payload
            13 00 00 00 25 00 02 00 01 00 00 00 92 10 00 00   # 19-byte message (unpadded length)
            01 02 03 00                                       # 3 payload bytes + 1 padding
            14 00 00 00 03 00 02 00 01 00 00 00 92 10 00 00   # NLMSG_DONE
            00 00 00 00
            """)
        let messages = try NetlinkMessage.split(datagram: datagram[...])
        #expect(messages.count == 3)
        #expect(Array(messages[0].payload) == [0xAA, 0xBB, 0xCC, 0xDD])
        #expect(Array(messages[1].payload) == [1, 2, 3])
        #expect(messages[2].header.type == NetlinkMessageType.done)
        #expect(messages[0].header.flags == .multi)
    }

    @Test(arguments: [
        ("short header", "10 00 00 00 25 00"),
        ("length below header", "08 00 00 00 25 00 00 00 00 00 00 00 00 00 00 00"),
        ("length past datagram", "20 00 00 00 25 00 00 00 00 00 00 00 00 00 00 00"),
        ("trailing garbage", "10 00 00 00 25 00 00 00 00 00 00 00 00 00 00 00 ff ff"),
    ])
    func rejectsBrokenFraming(name: String, bytes: String) {
        let datagram = hex(bytes)
        #expect(throws: NetlinkDecodingError.self, "\(name)") { try NetlinkMessage.split(datagram: datagram[...]) }
    }

    @Test func attributeRulesFollowTheKernel() throws {
        let block = hex(
            """
            08 00 01 80 01 00 00 00   # type 1 with NLA_F_NESTED set: flag masked off
            08 00 02 40 02 00 00 00   # type 2 with NLA_F_NET_BYTEORDER set
            08 00 0b 00 00 00 00 00   # type 11 (a PAD): present but never asked for
            08 00 02 00 03 00 00 00   # type 2 again: the last one wins
            08 00 ff 3f 09 00 00 00   # an unknown type: ignored
            00 00                     # 2 trailing bytes: padding
            """)
        let attributes = try NetlinkAttributes(block[...])
        #expect(try attributes[1]?.u32() == 1)
        #expect(try attributes[2]?.u32() == 3)
        #expect(attributes[3] == nil)
        #expect(attributes.all.count == 5)
    }

    @Test func attributeReadersCheckSizes() throws {
        let block = hex("06 00 01 00 01 02 00 00   05 00 02 00 41 00 00 00   04 00 03 00")
        let attributes = try NetlinkAttributes(block[...])
        #expect(try attributes[1]?.u16() == 0x0201)
        #expect(try attributes[1]?.be16() == 0x0102)
        #expect(throws: NetlinkDecodingError.self) { try attributes[1]?.u32() }
        #expect(try attributes[2]?.string() == "A")
        #expect(try attributes[3]?.string() == "")
        #expect(throws: NetlinkDecodingError.self) { try NetlinkAttributes(hex("03 00 01 00")[...]) }
        #expect(throws: NetlinkDecodingError.self) { try NetlinkAttributes(hex("09 00 01 00 00 00 00 00")[...]) }
    }

    @Test func errorMessagesCarryErrnoRequestAndExtendedText() throws {
        // NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS; error -17; the request header; a
        // NLMSGERR_ATTR_MSG "dup".
        let datagram = hex(
            """
            2c 00 00 00 02 00 00 03 09 00 00 00 92 10 00 00
            ef ff ff ff                                       # error = -17 (EEXIST)
            5c 00 00 00 25 00 05 00 09 00 00 00 92 10 00 00   # the failed request's header
            08 00 01 00 64 75 70 00                           # NLMSGERR_ATTR_MSG "dup"
            """)
        let messages = try NetlinkMessage.split(datagram: datagram[...])
        let error = try messages[0].errorPayload()
        #expect(error.errno == 17)
        #expect(error.request.type == 0x25)
        #expect(error.request.sequence == 9)
        #expect(error.message == "dup")
    }
}
