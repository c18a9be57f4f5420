public import Addresses
public import Spec

/// The VIPs a config asks for, each with the services on it: every service with an address of
/// its own (`host:`). A service that takes its address from `settings.interface` uses an address
/// that is already there, and a firewall-mark service has none.
public enum DesiredVIPs {
    public static func of(_ config: Config) -> [IPAddress: [String]] {
        var vips: [IPAddress: [String]] = [:]
        for service in config.services {
            if case .address(.ip(let address), _, _) = service.endpoint {
                vips[address, default: []].append(service.id)
            }
        }
        return vips
    }
}
