import Foundation
import Netlink
import NetlinkTesting
@testable import IPVS

/// Replies captured from the real kernel (Debian's 6.1, in the IPVS VM) by `ipvs-capture`:
/// one datagram per line, in hex. The family id in them is the VM's (``familyID``).
enum Fixture {
    /// The IPVS family id the VM kernel assigned when the fixtures were captured.
    static let familyID: UInt16 = 0x20

    static func datagrams(_ name: String) throws -> [[UInt8]] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "hex", subdirectory: "Fixtures") else {
            throw FixtureMissing(name: name)
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").map { hex(String($0)) }
    }

    static let names = [
        "family-ipvs", "batch-acks", "batch-errors", "info", "timeouts", "services-dump", "destinations-dump",
        "destinations-dump-missing-service", "get-service", "get-service-missing", "services-dump-multipart",
    ]

    struct FixtureMissing: Error { let name: String }
}
