/// One write to the IPVS table: the unit of a batch (``IPVS/apply(_:)``).
///
/// `description` is the equivalent `ipvsadm` command line (`-A -t 192.0.2.1:80 -s wrr`), so
/// plans and error messages read the way operators already know.
public enum IPVSChange: Sendable, Hashable, CustomStringConvertible {
    /// Create a service (`ipvsadm -A`). EEXIST if it exists.
    case addService(IPVSService)
    /// Replace a service's settings in place (`ipvsadm -E`), keeping its destinations and
    /// counters. ESRCH if it does not exist.
    case updateService(IPVSService)
    /// Delete a service and its destinations (`ipvsadm -D`). ESRCH if it does not exist.
    case removeService(IPVSService.Key)
    /// Add a destination (`ipvsadm -a`). ESRCH without the service, EEXIST if present.
    case addDestination(IPVSDestination, service: IPVSService.Key)
    /// Change a destination in place (`ipvsadm -e`). ENOENT if it does not exist.
    case updateDestination(IPVSDestination, service: IPVSService.Key)
    /// Remove a destination (`ipvsadm -d`). ENOENT if it does not exist.
    case removeDestination(IPVSDestination.Key, service: IPVSService.Key)
    /// Delete every service (`ipvsadm -C`).
    case flush
    /// Zero the counters of one service, or of everything with `nil` (`ipvsadm -Z`).
    case zero(IPVSService.Key?)
    /// Set the global timeouts; zero fields are left unchanged (`ipvsadm --set`).
    case setTimeouts(IPVSTimeouts)

    /// Whether the kernel reports errors of this change against a service (so ENOENT means a
    /// missing scheduler or persistence engine) or against a destination (ENOENT: no such
    /// destination).
    var isDestinationChange: Bool {
        switch self {
        case .addDestination, .updateDestination, .removeDestination: true
        default: false
        }
    }

    public var description: String { ipvsadmCommand }
}
