public import Addresses
public import Spec

/// The routes files BIRD includes: one `route VIP/32 blackhole;` (or `/128`) line per VIP to
/// announce, one file per address family (a static protocol has one channel). Written whole and
/// atomically (``AtomicFile``: temp + rename, mode 0644 so BIRD's user reads it); an empty file
/// withdraws everything.
public enum RoutesFile {
    /// The text of the file for `vips` (those of `family` only), sorted so the same set always
    /// gives the same bytes.
    public static func render(_ vips: some Sequence<IPAddress>, family: AddressFamily) -> String {
        let lines = vips.filter { $0.family == family }.sorted { "\($0)" < "\($1)" }.map { vip in
            "route \(vip)/\(family == .ipv4 ? 32 : 128) blackhole;\n"
        }
        return "# Written by gorb-reconcile: the VIPs this host announces. Do not edit.\n" + lines.joined()
    }

    /// Writes both files for `vips`.
    public static func write(_ vips: Set<IPAddress>, settings: BGPSettings) throws(AtomicFile.Failure) {
        for (path, family) in [(settings.routesFile, AddressFamily.ipv4), (settings.routesFileIPv6, .ipv6)] {
            let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
            try AtomicFile.write(Array(render(vips, family: family).utf8), to: path, in: directory.isEmpty ? "/" : directory)
        }
    }
}
