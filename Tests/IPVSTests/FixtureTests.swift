import Addresses
import Foundation
import Logging
import NetlinkTesting
import Testing
@testable import IPVS
@testable import Netlink

/// Decodes replies captured from the real kernel and checks them against the configuration
/// `ipvs-capture` wrote before capturing.
struct FixtureTests {
    private func decodeAll(_ name: String, serviceFamily: AddressFamily = .ipv4) throws -> [IPVSReply] {
        try Fixture.datagrams(name).flatMap { try IPVSReply.decode(datagram: $0, familyID: Fixture.familyID, serviceFamily: serviceFamily) }
    }

    private static let web = IPVSService.Key.tcp(IPAddress("10.0.0.1")!, 80)

    @Test func familyLookup() throws {
        let datagrams = try Fixture.datagrams("family-ipvs")
        let messages = try NetlinkMessage.split(datagram: datagrams[0][...])
        let family = try GenericNetlinkFamily.decode(messages[0])
        #expect(family.name == "IPVS")
        #expect(family.id == Fixture.familyID)
        #expect(family.version == 1)
        #expect(family.maximumAttribute == 6)
    }

    @Test func services() throws {
        let replies = try decodeAll("services-dump")
        let services = replies.compactMap { if case .service(let s) = $0 { s } else { nil } }
        #expect(Set(services) == [
            IPVSService(key: Self.web, scheduler: "wrr", flags: .persistent, timeout: 300, persistencePrefixLength: 24),
            IPVSService(key: .udp(IPAddress("2001:db8::1")!, 53), scheduler: "sh", flags: [.scheduler1, .scheduler2]),
            IPVSService(key: .firewallMark(17, family: .ipv4), scheduler: "lc"),
            IPVSService(key: .firewallMark(18, family: .ipv6), scheduler: "mh", flags: [.onePacket, .persistent], timeout: 60, persistencePrefixLength: 64),
            IPVSService(key: .sctp(IPAddress("10.0.0.4")!, 9), scheduler: "none"),
        ])
        #expect(replies.last == .done(sequence: replies.compactMap { if case .done(let s) = $0 { s } else { nil } }.first!))
    }

    @Test func destinations() throws {
        let destinations = try decodeAll("destinations-dump").compactMap { if case .destination(let d) = $0 { d } else { nil } }
        #expect(destinations == [
            IPVSDestination(address: IPAddress("2001:db8::9")!, port: 80, forwarding: .tunnel, weight: 3, tunnelType: .gre, tunnelFlags: .remoteChecksum),
            IPVSDestination(address: IPAddress("10.0.1.4")!, port: 80, forwarding: .tunnel, weight: 5, tunnelType: .gue, tunnelPort: 6080, tunnelFlags: .checksum),
            IPVSDestination(address: IPAddress("10.0.1.2")!, port: 80, forwarding: .directRoute, weight: 0),
            IPVSDestination(address: IPAddress("10.0.1.1")!, port: 8080, weight: 100, upperThreshold: 1000, lowerThreshold: 10),
        ])
        #expect(destinations.allSatisfy { $0.activeConnections == 0 && $0.stats == .zero })
        #expect(try decodeAll("destinations-dump-missing-service").count == 1)
    }

    @Test func batchOutcomes() throws {
        let acks = try decodeAll("batch-acks")
        #expect(acks.count == 1, "one acknowledgement for a whole successful batch")
        let errnos = try decodeAll("batch-errors").compactMap { if case .acknowledgement(_, let errno) = $0 { errno } else { nil } }
        #expect(errnos == [EEXIST, ESRCH, ENOENT, ERANGE, ENOENT, EINVAL])
    }

    @Test func infoTimeoutsAndSingleService() throws {
        #expect(try decodeAll("info").first == .info(IPVSInfo(versionCode: 0x010201, connectionTableSize: 4096)))
        #expect(try decodeAll("timeouts").first == .timeouts(.kernelDefaults))
        guard case .service(let service) = try decodeAll("get-service").first else {
            Issue.record("no service in get-service")
            return
        }
        #expect(service.key == Self.web)
        guard case .acknowledgement(_, let errno) = try decodeAll("get-service-missing").first else {
            Issue.record("no error in get-service-missing")
            return
        }
        #expect(errno == ESRCH)
    }

    @Test func multipartDumpAcrossDatagrams() throws {
        let datagrams = try Fixture.datagrams("services-dump-multipart")
        #expect(datagrams.count > 1)
        let services = try decodeAll("services-dump-multipart").filter { if case .service = $0 { true } else { false } }
        #expect(services.count == 205, "200 bulk services plus the 5 of the setup")
    }

    /// The whole client over the captured bytes: family lookup, then a dump that spans
    /// datagrams, replayed twice over (a repeated datagram must not duplicate services).
    @Test func kernelClientReplaysCapturedDump() throws {
        let family = try Fixture.datagrams("family-ipvs")
        var dump = try Fixture.datagrams("services-dump-multipart")
        dump.insert(dump[1], at: 2)
        let socket = ScriptedNetlinkSocket { request in
            request.header.type == UInt16(0x10) ? family : dump
        }
        let ipvs = try KernelIPVS(socket: socket, logger: Logger(label: "test"))
        defer { ipvs.close() }
        #expect(ipvs.family.id == Fixture.familyID)
        let services = try ipvs.services()
        #expect(services.count == 205, "200 bulk services plus the 5 of the setup")
        #expect(Set(services.map(\.key)).count == 205)
    }
}
