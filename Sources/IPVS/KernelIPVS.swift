#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#endif
internal import CNetlink
public import Logging
import Synchronization
public import Netlink
import Addresses

/// The IPVS table of the calling process's network namespace, through generic netlink.
///
/// Holds one netlink socket (opened by ``init(logger:)``, released by ``close()``) and the
/// resolved "IPVS" family id. Calls are serialised by an internal lock; each is a short,
/// blocking exchange (see ``IPVS`` for why the API is synchronous). Needs `CAP_NET_ADMIN`
/// for reads too (every IPVS command is admin-only).
public final class KernelIPVS: IPVS {
    private struct State {
        var connection: NetlinkConnection?
    }

    private let state: Mutex<State>
    /// The resolved generic netlink family.
    public let family: GenericNetlinkFamily
    private let logger: Logger

    /// Opens a netlink socket and resolves the IPVS family.
    ///
    /// - Throws: ``IPVSError/Code/ipvsUnavailable`` when the kernel has no IPVS (load the
    ///   `ip_vs` module), or a transport error when the socket cannot be opened.
    public convenience init(logger: Logger) throws(IPVSError) {
        let socket: SystemNetlinkSocket
        do {
            socket = try SystemNetlinkSocket()
        } catch {
            throw IPVSError.netlink(error, operation: "open netlink socket", change: nil)
        }
        try self.init(socket: socket, logger: logger)
    }

    /// Uses `socket` (a real one, or a scripted one in tests) and resolves the IPVS family
    /// over it. The client takes ownership: ``close()`` closes the socket, and so does a
    /// failed initialisation.
    public init(socket: sending any NetlinkSocket, logger: Logger) throws(IPVSError) {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        let connection = NetlinkConnection(socket: socket, initialSequence: UInt32(truncatingIfNeeded: time.tv_nsec), logger: logger)
        do {
            family = try connection.resolveFamily(named: IPVS_GENL_NAME)
        } catch {
            socket.close()
            throw IPVSError.netlink(error, operation: "resolve generic netlink family \(IPVS_GENL_NAME)", change: nil)
        }
        self.logger = logger
        state = Mutex(State(connection: connection))
        logger.debug("IPVS generic netlink family resolved", metadata: ["id": "\(family.id)", "version": "\(family.version)"])
    }

    deinit {
        state.withLock { state in
            assert(state.connection == nil, "leak of an open KernelIPVS: call close()")
        }
    }

    /// Closes the socket. Later calls throw a transport error.
    public func close() {
        state.withLock { state in
            state.connection?.socket.close()
            state.connection = nil
        }
    }

    private func withConnection<T: Sendable>(
        operation: @autoclosure () -> String,
        _ body: (NetlinkConnection) throws(NetlinkError) -> T
    ) throws(IPVSError) -> T {
        let result: Result<T, NetlinkError> = state.withLock { state in
            guard let connection = state.connection else { return .failure(.closed) }
            do throws(NetlinkError) {
                return .success(try body(connection))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let value): return value
        case .failure(let error): throw IPVSError.netlink(error, operation: operation(), change: nil)
        }
    }

    private func request(_ body: [UInt8], flags: NetlinkMessageFlags = []) -> NetlinkConnection.Request {
        NetlinkConnection.Request(type: family.id, flags: flags, body: body)
    }

    private func decode(_ messages: [NetlinkMessage], operation: String, serviceFamily: AddressFamily = .ipv4) throws(IPVSError) -> [IPVSReply] {
        var replies: [IPVSReply] = []
        replies.reserveCapacity(messages.count)
        for message in messages where message.header.type == family.id {
            do {
                replies.append(try IPVSReply.decode(message, serviceFamily: serviceFamily))
            } catch {
                throw IPVSError.netlink(.malformed(error), operation: operation, change: nil)
            }
        }
        return replies
    }

    public func info() throws(IPVSError) -> IPVSInfo {
        let body = IPVSCodec.request(IPVS_CMD_GET_INFO)
        let messages = try withConnection(operation: "get IPVS info") { connection throws(NetlinkError) in
            try connection.execute(request(body))
        }
        for case .info(let info) in try decode(messages, operation: "get IPVS info") { return info }
        throw IPVSError(code: .malformedReply, errno: nil, operation: "get IPVS info", message: "the kernel sent no IPVS info")
    }

    public func services() throws(IPVSError) -> [IPVSService] {
        let body = IPVSCodec.request(IPVS_CMD_GET_SERVICE)
        let messages = try withConnection(operation: "list services") { connection throws(NetlinkError) in
            try connection.dump(request(body))
        }
        var seen = Set<IPVSService.Key>()
        var services: [IPVSService] = []
        for case .service(let service) in try decode(messages, operation: "list services") where seen.insert(service.key).inserted {
            services.append(service)
        }
        return services
    }

    public func service(_ key: IPVSService.Key) throws(IPVSError) -> IPVSService {
        let body = IPVSCodec.request(IPVS_CMD_GET_SERVICE) { IPVSCodec.putServiceKey(key, into: &$0) }
        let operation = "get service " + key.ipvsadmArguments.joined(separator: " ")
        let messages = try withConnection(operation: operation) { connection throws(NetlinkError) in
            try connection.execute(request(body))
        }
        for case .service(let service) in try decode(messages, operation: operation) { return service }
        throw IPVSError.kernel(errno: ESRCH, operation: operation, change: nil)
    }

    public func destinations(of service: IPVSService.Key) throws(IPVSError) -> [IPVSDestination] {
        let body = IPVSCodec.request(IPVS_CMD_GET_DEST) { IPVSCodec.putServiceKey(service, into: &$0) }
        let operation = "list destinations of " + service.ipvsadmArguments.joined(separator: " ")
        let messages = try withConnection(operation: operation) { connection throws(NetlinkError) in
            try connection.dump(request(body))
        }
        var seen = Set<IPVSDestination.Key>()
        var destinations: [IPVSDestination] = []
        for case .destination(let destination) in try decode(messages, operation: operation, serviceFamily: service.family)
        where seen.insert(destination.key).inserted {
            destinations.append(destination)
        }
        return destinations
    }

    public func timeouts() throws(IPVSError) -> IPVSTimeouts {
        let body = IPVSCodec.request(IPVS_CMD_GET_CONFIG)
        let messages = try withConnection(operation: "get timeouts") { connection throws(NetlinkError) in
            try connection.execute(request(body))
        }
        for case .timeouts(let timeouts) in try decode(messages, operation: "get timeouts") { return timeouts }
        throw IPVSError(code: .malformedReply, errno: nil, operation: "get timeouts", message: "the kernel sent no timeouts")
    }

    public func apply(_ changes: [IPVSChange]) throws(IPVSError) -> IPVSBatchResult {
        if changes.isEmpty { return IPVSBatchResult(changes: [], errors: []) }
        let requests = changes.map { request(IPVSCodec.body(of: $0)) }
        let outcomes = try withConnection(operation: "apply \(changes.count) IPVS changes") { connection throws(NetlinkError) in
            try connection.executeBatch(requests)
        }
        var errors: [IPVSError?] = []
        errors.reserveCapacity(changes.count)
        for (change, outcome) in zip(changes, outcomes) {
            errors.append(outcome.map { IPVSError.netlink($0, operation: change.ipvsadmCommand, change: change) })
        }
        let result = IPVSBatchResult(changes: changes, errors: errors)
        if !result.succeeded {
            logger.debug("IPVS batch had failures", metadata: ["failed": "\(result.failures.count)", "total": "\(changes.count)"])
        }
        return result
    }
}
