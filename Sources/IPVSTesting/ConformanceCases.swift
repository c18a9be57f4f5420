import Addresses
import Foundation
import IPVS

// The conformance scenarios. Each expected line is what ipvsadm 1.31 prints for the table
// (`ipvsadm -Sn`), written by hand from its documented save format, and checked against the
// real ipvsadm inside the VM. Errnos are those of net/netfilter/ipvs/ip_vs_ctl.c.

private func ip(_ text: String) -> IPAddress { IPAddress(text)! }

private let web = IPVSService.Key.tcp(ip("10.0.0.1"), 80)
private let webLine = "-A -t 10.0.0.1:80 -s wrr"
private let dns6 = IPVSService.Key.udp(ip("2001:db8::1"), 53)
private let mark17 = IPVSService.Key.firewallMark(17, family: .ipv4)
private let mark18v6 = IPVSService.Key.firewallMark(18, family: .ipv6)

extension ConformanceCase {
    /// Every scenario, in the order they run.
    public static let all: [ConformanceCase] = [
        ConformanceCase(name: "service lifecycle: add, update in place, remove") { h in
            try h.step([.addService(IPVSService(key: web, scheduler: "wrr"))], lines: [webLine])
            let persistent = IPVSService(key: web, scheduler: "rr", flags: .persistent, timeout: 300, persistencePrefixLength: 24)
            try h.step([.updateService(persistent)], lines: ["-A -t 10.0.0.1:80 -s rr -p 300 -M 255.255.255.0"])
            try h.check(h.ipvs.service(web), equals: persistent)
            try h.step([.removeService(web)], lines: [])
        },
        ConformanceCase(name: "every kind of service key, flags and netmask") { h in
            try h.step(
                [
                    .addService(IPVSService(key: dns6, scheduler: "sh", flags: [.scheduler1, .scheduler2])),
                    .addService(IPVSService(key: .sctp(ip("10.0.0.4"), 9), scheduler: "dh", flags: .scheduler3)),
                    .addService(IPVSService(key: mark17, scheduler: "lc")),
                    .addService(IPVSService(key: mark18v6, scheduler: "wlc", flags: .onePacket)),
                    .addService(IPVSService(key: .tcp(ip("2001:db8::2"), 443), scheduler: "mh", flags: [.persistent, .scheduler2], timeout: 100, persistencePrefixLength: 64)),
                    .addService(IPVSService(key: .tcp(ip("10.0.0.9"), 80), scheduler: "none")),
                ],
                lines: [
                    "-A -u [2001:db8::1]:53 -s sh -b sh-fallback,sh-port",
                    "-A --sctp-service 10.0.0.4:9 -s dh -b flag-3",
                    "-A -f 17 -s lc",
                    "-A -f 18 -6 -s wlc -o",
                    "-A -t [2001:db8::2]:443 -s mh -p 100 -M 64 -b mh-port",
                    "-A -t 10.0.0.9:80 -s none",
                ])
            // Read back equals what was written (HASHED stripped, addresses in their family).
            let services = try h.ipvs.services()
            h.check(services.count, equals: 6)
            h.check(services.contains(IPVSService(key: mark17, scheduler: "lc")))
            try h.check(h.ipvs.service(mark18v6).flags, equals: .onePacket)
        },
        ConformanceCase(name: "the HASHED flag never shows and is never written") { h in
            let desired = IPVSService(key: web, scheduler: "wrr", flags: [.persistent, .hashed], timeout: 60)
            try h.step([.addService(desired)], lines: [webLine + " -p 60"])
            let actual = try h.ipvs.service(web)
            h.check(actual.flags, equals: .persistent)
            h.check(actual, equals: desired)
        },
        ConformanceCase(name: "persistence engine: set, read back, cleared by update, missing is ENOENT") { h in
            let sip = IPVSService(key: .udp(ip("10.0.0.6"), 5060), scheduler: "rr", flags: .persistent, timeout: 300, persistenceEngine: "sip")
            try h.step([.addService(sip)], lines: ["-A -u 10.0.0.6:5060 -s rr -p 300 --pe sip"])
            try h.check(h.ipvs.service(sip.key), equals: sip)
            var plain = sip
            plain.persistenceEngine = nil
            try h.step([.updateService(plain)], lines: ["-A -u 10.0.0.6:5060 -s rr -p 300"])
            try h.failing(.addService(IPVSService(key: web, scheduler: "rr", flags: .persistent, timeout: 300, persistenceEngine: "nosuch")), errno: ENOENT, lines: ["-A -u 10.0.0.6:5060 -s rr -p 300"])
        },
        ConformanceCase(name: "service errors") { h in
            let service = IPVSService(key: web, scheduler: "wrr")
            try h.step([.addService(service)], lines: [webLine])
            try h.failing(.addService(service), errno: EEXIST, lines: [webLine])
            let other = IPVSService.Key.tcp(ip("10.0.0.2"), 80)
            try h.failing(.updateService(IPVSService(key: other)), errno: ESRCH, lines: [webLine])
            try h.failing(.removeService(other), errno: ESRCH, lines: [webLine])
            try h.failing(.addService(IPVSService(key: other, scheduler: "nosuch")), errno: ENOENT, lines: [webLine])
            try h.failing(.updateService(IPVSService(key: web, scheduler: "nosuch")), errno: ENOENT, lines: [webLine])
            try h.failing(.addService(IPVSService(key: other, scheduler: "a-scheduler-name-too-long")), errno: EINVAL, lines: [webLine])
            let v6 = IPVSService.Key.tcp(ip("2001:db8::5"), 80)
            try h.failing(.addService(IPVSService(key: v6, scheduler: "rr", flags: .persistent, timeout: 10, persistencePrefixLength: 0)), errno: EINVAL, lines: [webLine])
            try h.failing(.addService(IPVSService(key: v6, scheduler: "rr", flags: .persistent, timeout: 10, persistencePrefixLength: 129)), errno: EINVAL, lines: [webLine])
            h.expectError(ESRCH) { () throws(IPVSError) in _ = try h.ipvs.service(other) }
            try h.check(h.ipvs.destinations(of: other).isEmpty)
        },
        ConformanceCase(name: "destination lifecycle, every forwarding method and tunnel") { h in
            let nat = IPVSDestination(address: ip("10.0.1.1"), port: 8080, forwarding: .masquerade, weight: 100)
            let dr = IPVSDestination(address: ip("10.0.1.2"), port: 80, forwarding: .directRoute, weight: 0, upperThreshold: 100, lowerThreshold: 10)
            let ipip = IPVSDestination(address: ip("10.0.1.3"), port: 80, forwarding: .tunnel, weight: 5)
            let gue = IPVSDestination(address: ip("10.0.1.4"), port: 80, forwarding: .tunnel, weight: 5, tunnelType: .gue, tunnelPort: 6080, tunnelFlags: .checksum)
            let gre = IPVSDestination(address: ip("10.0.1.5"), port: 80, forwarding: .tunnel, weight: 5, tunnelType: .gre)
            let mixed = IPVSDestination(address: ip("2001:db8::9"), port: 80, forwarding: .tunnel, weight: 3)
            var lines = [
                webLine,
                "-a -t 10.0.0.1:80 -r 10.0.1.1:8080 -m -w 100",
                "-a -t 10.0.0.1:80 -r 10.0.1.2:80 -g -w 0",
                "-a -t 10.0.0.1:80 -r 10.0.1.3:80 -i -w 5 --tun-type ipip",
                "-a -t 10.0.0.1:80 -r 10.0.1.4:80 -i -w 5 --tun-type gue --tun-port 6080 --tun-csum",
                "-a -t 10.0.0.1:80 -r 10.0.1.5:80 -i -w 5 --tun-type gre --tun-nocsum",
                "-a -t 10.0.0.1:80 -r [2001:db8::9]:80 -i -w 3 --tun-type ipip",
            ]
            try h.step([.addService(IPVSService(key: web, scheduler: "wrr"))] + [nat, dr, ipip, gue, gre, mixed].map { .addDestination($0, service: web) }, lines: lines)
            let read = try h.ipvs.destinations(of: web)
            h.check(read == [mixed, gre, gue, ipip, dr, nat], "the kernel lists destinations newest first")
            h.check(read.first { $0.key == dr.key }?.upperThreshold, equals: 100)
            h.check(read.first { $0.key == dr.key }?.lowerThreshold, equals: 10)

            var heavier = nat
            heavier.weight = 250
            lines[1] = "-a -t 10.0.0.1:80 -r 10.0.1.1:8080 -m -w 250"
            try h.step([.updateDestination(heavier, service: web)], lines: lines)
            var remcsum = gue
            remcsum.tunnelFlags = .remoteChecksum
            lines[4] = "-a -t 10.0.0.1:80 -r 10.0.1.4:80 -i -w 5 --tun-type gue --tun-port 6080 --tun-remcsum"
            try h.step([.updateDestination(remcsum, service: web)], lines: lines)
            try h.step([.removeDestination(ipip.key, service: web), .removeDestination(mixed.key, service: web)], lines: lines.filter { !$0.contains("10.0.1.3") && !$0.contains("2001:db8::9") })
            // Updating a service keeps its destinations.
            try h.step([.updateService(IPVSService(key: web, scheduler: "rr"))], lines: ["-A -t 10.0.0.1:80 -s rr"] + lines.dropFirst().filter { !$0.contains("10.0.1.3") && !$0.contains("2001:db8::9") })
        },
        ConformanceCase(name: "firewall-mark destinations, both families") { h in
            try h.step(
                [
                    .addService(IPVSService(key: mark17, scheduler: "lc")),
                    .addDestination(IPVSDestination(address: ip("10.0.1.6"), port: 0, forwarding: .directRoute, weight: 1), service: mark17),
                    .addService(IPVSService(key: mark18v6, scheduler: "wlc")),
                    .addDestination(IPVSDestination(address: ip("2001:db8::7"), port: 0, forwarding: .directRoute, weight: 1), service: mark18v6),
                ],
                lines: [
                    "-A -f 17 -s lc", "-a -f 17 -r 10.0.1.6:0 -g -w 1",
                    "-A -f 18 -6 -s wlc", "-a -f 18 -6 -r [2001:db8::7]:0 -g -w 1",
                ])
        },
        ConformanceCase(name: "destination errors") { h in
            let nat = IPVSDestination(address: ip("10.0.1.1"), port: 8080, weight: 1)
            let lines = [webLine, "-a -t 10.0.0.1:80 -r 10.0.1.1:8080 -m -w 1"]
            let missing = IPVSService.Key.tcp(ip("10.0.0.2"), 80)
            try h.step([.addService(IPVSService(key: web, scheduler: "wrr")), .addDestination(nat, service: web)], lines: lines)
            try h.failing(.addDestination(nat, service: missing), errno: ESRCH, lines: lines)
            try h.failing(.updateDestination(nat, service: missing), errno: ESRCH, lines: lines)
            try h.failing(.removeDestination(nat.key, service: missing), errno: ESRCH, lines: lines)
            try h.failing(.addDestination(nat, service: web), errno: EEXIST, lines: lines)
            let absent = IPVSDestination(address: ip("10.0.1.9"), port: 8080, weight: 1)
            try h.failing(.updateDestination(absent, service: web), errno: ENOENT, lines: lines)
            try h.failing(.removeDestination(absent.key, service: web), errno: ENOENT, lines: lines)
            var negative = absent
            negative.weight = -1
            try h.failing(.addDestination(negative, service: web), errno: ERANGE, lines: lines)
            var inverted = nat
            inverted.upperThreshold = 5
            inverted.lowerThreshold = 6
            try h.failing(.updateDestination(inverted, service: web), errno: ERANGE, lines: lines)
            try h.failing(.addDestination(IPVSDestination(address: ip("2001:db8::9"), port: 80, forwarding: .masquerade), service: web), errno: EINVAL, lines: lines)
            try h.failing(.addDestination(IPVSDestination(address: ip("10.0.1.4"), port: 80, forwarding: .tunnel, tunnelType: .gue), service: web), errno: EINVAL, lines: lines)
            try h.failing(.addDestination(IPVSDestination(address: ip("224.0.0.1"), port: 80), service: web), errno: EINVAL, lines: lines)
        },
        ConformanceCase(name: "a batch reports every request's own outcome") { h in
            let missing = IPVSService.Key.tcp(ip("10.0.0.2"), 80)
            let nat = IPVSDestination(address: ip("10.0.1.1"), port: 8080, weight: 1)
            try h.step(
                [
                    .addService(IPVSService(key: web, scheduler: "wrr")),
                    .addService(IPVSService(key: web, scheduler: "rr")),
                    .addDestination(nat, service: missing),
                    .addDestination(nat, service: web),
                    .removeService(missing),
                    .updateDestination(IPVSDestination(address: ip("10.0.1.1"), port: 8080, weight: 7), service: web),
                ],
                errnos: [nil, EEXIST, ESRCH, nil, ESRCH, nil],
                lines: [webLine, "-a -t 10.0.0.1:80 -r 10.0.1.1:8080 -m -w 7"])
        },
        ConformanceCase(name: "a large batch spans many datagrams and dumps") { h in
            var changes: [IPVSChange] = []
            var lines: [String] = []
            for index in 0..<300 {
                let key = IPVSService.Key.tcp(IPAddress(ipv4: 0x0A01_0000 + UInt32(index)), 80)
                changes.append(.addService(IPVSService(key: key, scheduler: "wrr")))
                lines.append("-A -t \(IPAddress(ipv4: 0x0A01_0000 + UInt32(index))):80 -s wrr")
                for backend in 0..<4 {
                    let address = IPAddress(ipv4: 0x0A02_0000 + UInt32(index * 4 + backend))
                    changes.append(.addDestination(IPVSDestination(address: address, port: 8080, weight: Int32(backend + 1)), service: key))
                    lines.append("-a -t \(IPAddress(ipv4: 0x0A01_0000 + UInt32(index))):80 -r \(address):8080 -m -w \(backend + 1)")
                }
            }
            try h.step(changes, lines: lines)
            try h.check(h.ipvs.services().count, equals: 300)
        },
        ConformanceCase(name: "flush and zero") { h in
            let lines = [webLine, "-a -t 10.0.0.1:80 -r 10.0.1.1:8080 -m -w 1"]
            try h.step([.addService(IPVSService(key: web, scheduler: "wrr")), .addDestination(IPVSDestination(address: ip("10.0.1.1"), port: 8080), service: web)], lines: lines)
            try h.step([.zero(nil), .zero(web)], lines: lines)
            try h.check(h.ipvs.service(web).stats, equals: .zero)
            try h.failing(.zero(.tcp(ip("10.0.0.2"), 80)), errno: ESRCH, lines: lines)
            try h.step([.flush], lines: [])
            try h.step([.flush], lines: [])
        },
        ConformanceCase(name: "timeouts: read, set, zero means unchanged, range") { h in
            try h.expectTimeouts(.kernelDefaults)
            try h.step([.setTimeouts(IPVSTimeouts(tcp: 1000, tcpFin: 0, udp: 0))], lines: [])
            try h.expectTimeouts(IPVSTimeouts(tcp: 1000, tcpFin: 120, udp: 300))
            try h.failing(.setTimeouts(IPVSTimeouts(tcp: 0, tcpFin: 0, udp: 8_589_935)), errno: EINVAL, lines: [])
            try h.step([.setTimeouts(IPVSTimeouts(tcp: 0, tcpFin: 60, udp: 8_589_934))], lines: [])
            try h.expectTimeouts(IPVSTimeouts(tcp: 1000, tcpFin: 60, udp: 8_589_934))
            try h.step([.setTimeouts(.kernelDefaults)], lines: [])
            try h.expectTimeouts(.kernelDefaults)
        },
        ConformanceCase(name: "info") { h in
            let info = try h.ipvs.info()
            h.check(info.version, equals: "1.2.1")
            h.check(info.connectionTableSize, equals: 4096)
        },
    ]
}
