import Synchronization

/// An address table in memory: the VIP keeper's tests and `run --fake-kernel` (which must not
/// change the host's interfaces). Interfaces are created by ``addInterface(_:index:)``; a
/// failure to inject makes every later call throw it until cleared.
public final class MemoryAddressTable: AddressTable, Sendable {
    private struct State {
        var interfaces: [String: UInt32] = [:]
        var entries: [InterfaceAddress] = []
        var failure: AddressTableError?
        var changes = 0
    }

    private let state = Mutex(State())

    /// - Parameter interfaces: names with their indexes.
    public init(interfaces: [String: UInt32] = [:]) {
        state.withLock { $0.interfaces = interfaces }
    }

    public func addInterface(_ name: String, index: UInt32) { state.withLock { $0.interfaces[name] = index } }
    public func removeInterface(_ name: String) {
        state.withLock { state in
            if let index = state.interfaces.removeValue(forKey: name) { state.entries.removeAll { $0.interfaceIndex == index } }
        }
    }

    /// Makes every call throw `failure` (or none with `nil`).
    public func failEveryCall(with failure: AddressTableError?) { state.withLock { $0.failure = failure } }

    /// Every address of every interface.
    public var entries: [InterfaceAddress] { state.withLock { $0.entries } }

    /// Adds and removals done so far (by anyone).
    public var changes: Int { state.withLock { $0.changes } }

    public func interfaceIndex(named name: String) throws(AddressTableError) -> UInt32 {
        let result: Result<UInt32, AddressTableError> = state.withLock { state in
            if let failure = state.failure { return .failure(failure) }
            guard let index = state.interfaces[name] else { return .failure(.noSuchInterface(name)) }
            return .success(index)
        }
        return try result.get()
    }

    public func addresses(on interfaceIndex: UInt32) throws(AddressTableError) -> [InterfaceAddress] {
        let result: Result<[InterfaceAddress], AddressTableError> = state.withLock { state in
            if let failure = state.failure { return .failure(failure) }
            return .success(state.entries.filter { $0.interfaceIndex == interfaceIndex })
        }
        return try result.get()
    }

    public func add(_ address: InterfaceAddress) throws(AddressTableError) {
        let failure: AddressTableError? = state.withLock { state in
            if let failure = state.failure { return failure }
            if state.entries.contains(where: { $0.interfaceIndex == address.interfaceIndex && $0.address == address.address }) { return .exists(address) }
            state.entries.append(address)
            state.changes += 1
            return nil
        }
        if let failure { throw failure }
    }

    public func remove(_ address: InterfaceAddress) throws(AddressTableError) {
        let failure: AddressTableError? = state.withLock { state in
            if let failure = state.failure { return failure }
            guard let position = state.entries.firstIndex(where: { $0.interfaceIndex == address.interfaceIndex && $0.address == address.address && $0.prefixLength == address.prefixLength }) else { return .notFound(address) }
            state.entries.remove(at: position)
            state.changes += 1
            return nil
        }
        if let failure { throw failure }
    }

    public func close() {}
}
