import Addresses
import BGP
import Foundation
import Spec
import Testing

@Suite struct RoutesFileTests {
    let vips: Set<IPAddress> = [IPAddress("192.0.2.20")!, IPAddress("192.0.2.10")!, IPAddress("2001:db8::10")!]

    @Test func oneFamilyPerFileSorted() {
        #expect(RoutesFile.render(vips, family: .ipv4).hasSuffix("\nroute 192.0.2.10/32 blackhole;\nroute 192.0.2.20/32 blackhole;\n"))
        #expect(RoutesFile.render(vips, family: .ipv6).hasSuffix("\nroute 2001:db8::10/128 blackhole;\n"))
        #expect(!RoutesFile.render([], family: .ipv4).contains("route"))
    }

    @Test func writesBothFilesReadableByOthers() throws {
        let directory = NSTemporaryDirectory() + "gorb-routes-\(UUID().uuidString)"
        let settings = BGPSettings(routesFile: directory + "/vips.conf")
        try RoutesFile.write(vips, settings: settings)
        let v4 = try String(contentsOfFile: directory + "/vips.conf", encoding: .utf8)
        let v6 = try String(contentsOfFile: directory + "/vips-ipv6.conf", encoding: .utf8)
        #expect(v4.contains("route 192.0.2.10/32 blackhole;") && !v4.contains("2001"))
        #expect(v6.contains("route 2001:db8::10/128 blackhole;"))
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: directory + "/vips.conf")[.posixPermissions] as? Int)
        #expect(mode & 0o044 == 0o044)
    }
}
