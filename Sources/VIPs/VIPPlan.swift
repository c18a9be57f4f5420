public import Addresses
public import RouteNetlink

/// What to change on the VIP interface: a pure function of the VIPs desired, the addresses the
/// interface has, and the ones this daemon owns (added itself).
///
/// The rules (invariant 4 for addresses: only what the daemon added is ever removed):
/// - a desired VIP that is not on the interface is added, and owned from then on;
/// - a desired VIP that is there but not owned is *adopted*: used, never removed;
/// - an owned address no service uses any more is removed; an owned one that is gone already
///   is forgotten;
/// - anything else on the interface is not the daemon's business.
public struct VIPPlan: Sendable, Hashable {
    /// Host addresses (/32, /128 without DAD) to add, in address order.
    public var additions: [InterfaceAddress]
    /// Owned addresses to remove, exactly as the interface holds them.
    public var removals: [InterfaceAddress]
    /// Desired VIPs that were there before and are not owned.
    public var adopted: Set<IPAddress>
    /// What is owned once every change has succeeded.
    public var owned: Set<IPAddress>

    public var isEmpty: Bool { additions.isEmpty && removals.isEmpty }

    /// - Parameters:
    ///   - desired: the VIPs the services use.
    ///   - present: the interface's addresses (all of them, any prefix length).
    ///   - owned: the addresses this daemon added to this interface (the ownership record).
    ///   - interfaceIndex: the interface's index, for the additions.
    public static func make(desired: Set<IPAddress>, present: [InterfaceAddress], owned: Set<IPAddress>, interfaceIndex: UInt32) -> VIPPlan {
        let presentAddresses = Set(present.map(\.address))
        let missing = desired.subtracting(presentAddresses)
        let additions = missing.sorted().map { InterfaceAddress.host($0, on: interfaceIndex) }
        let removals = present
            .filter { owned.contains($0.address) && !desired.contains($0.address) }
            .sorted { ($0.address, $0.prefixLength) < ($1.address, $1.prefixLength) }
        let adopted = desired.intersection(presentAddresses).subtracting(owned)
        return VIPPlan(additions: additions, removals: removals, adopted: adopted, owned: owned.intersection(desired).union(missing))
    }
}
