#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#endif
internal import CNetlink

/// `close(2)`, named apart from ``SystemNetlinkSocket/close()``.
private func systemClose(_ fd: CInt) -> CInt { close(fd) }

/// A kernel netlink socket (`AF_NETLINK`, `SOCK_RAW`) owning its file descriptor.
///
/// - Closing is explicit (``close()``); `deinit` only asserts that it happened, in the manner
///   of swift-nio's `BaseSocket`, so a leaked socket is found in tests instead of being closed
///   at an unpredictable time.
/// - Every call retries on `EINTR`. `ENOBUFS` becomes ``NetlinkError/receiveBufferOverrun``.
/// - The receive buffer is enlarged (with `SO_RCVBUFFORCE` when we have `CAP_NET_ADMIN`, as
///   IPVS requires anyway; else `SO_RCVBUF` up to `net.core.rmem_max`) because a batch queues
///   one acknowledgement per request, and each costs about a kilobyte of buffer accounting.
/// - `NETLINK_CAP_ACK` keeps error replies small (the request is not echoed: we know it by its
///   sequence number) and `NETLINK_EXT_ACK` asks for the kernel's error text.
/// - A receive timeout turns a kernel that never answers into ``NetlinkError/timedOut``.
///
/// Not thread-safe: one owner at a time.
public final class SystemNetlinkSocket: NetlinkSocket {
    /// `NETLINK_GENERIC`: generic netlink families such as IPVS.
    public static let generic: CInt = 16
    /// `NETLINK_ROUTE` (rtnetlink): links, addresses and routes.
    public static let route: CInt = 0

    private var fd: CInt
    public let portID: UInt32
    public let maximumSendSize: Int
    public let maximumRepliesInFlight: Int
    private var buffer: [UInt8]
    /// Datagrams received by the last `recvmmsg` and not yet handed out.
    private var pending: [[UInt8]] = []
    /// How many datagrams one receive call may take.
    static let receiveSlots = 4
    /// System calls made so far: `sendto` and `recvmmsg` (for benchmarks and tests).
    public private(set) var sendCalls = 0
    public private(set) var receiveCalls = 0

    /// The buffer accounting the kernel charges for one queued acknowledgement
    /// (`skb->truesize` of a 36-byte message is 768 bytes on x86-64; rounded up for safety).
    static let acknowledgementCost = 1024

    /// Opens and binds a netlink socket.
    ///
    /// - Parameters:
    ///   - protocol: the netlink protocol, `NETLINK_GENERIC` by default.
    ///   - bufferSize: the send and receive buffer sizes to ask for.
    ///   - receiveTimeoutSeconds: how long a receive may block.
    /// - Throws: ``NetlinkError/systemCall(name:errno:)`` when the socket cannot be created.
    public init(protocol netlinkProtocol: CInt = SystemNetlinkSocket.generic, bufferSize: Int = 8 << 20, receiveTimeoutSeconds: Int = 30)
        throws(NetlinkError)
    {
        let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), netlinkProtocol)
        guard fd >= 0 else { throw .systemCall(name: "socket", errno: errno) }
        do throws(NetlinkError) {
            // Ask for big buffers: forced (needs CAP_NET_ADMIN) or capped by rmem_max/wmem_max.
            if !Self.setOption(fd, SOL_SOCKET, SO_RCVBUFFORCE, CInt(bufferSize)) {
                _ = Self.setOption(fd, SOL_SOCKET, SO_RCVBUF, CInt(bufferSize))
            }
            if !Self.setOption(fd, SOL_SOCKET, SO_SNDBUFFORCE, CInt(bufferSize)) {
                _ = Self.setOption(fd, SOL_SOCKET, SO_SNDBUF, CInt(bufferSize))
            }
            _ = Self.setOption(fd, SOL_NETLINK, NETLINK_CAP_ACK, 1)
            _ = Self.setOption(fd, SOL_NETLINK, NETLINK_EXT_ACK, 1)
            var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

            var address = sockaddr_nl()
            address.nl_family = sa_family_t(AF_NETLINK)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_nl>.size))
                }
            }
            guard bound == 0 else { throw .systemCall(name: "bind", errno: errno) }
            var length = socklen_t(MemoryLayout<sockaddr_nl>.size)
            let named = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            guard named == 0 else { throw .systemCall(name: "getsockname", errno: errno) }
            portID = address.nl_pid

            let receiveBuffer = Self.getOption(fd, SO_RCVBUF) ?? 212_992
            let sendBuffer = Self.getOption(fd, SO_SNDBUF) ?? 212_992
            // netlink_sendmsg refuses a datagram larger than sk_sndbuf - 32.
            maximumSendSize = max(4096, sendBuffer - 64)
            maximumRepliesInFlight = max(16, receiveBuffer / Self.acknowledgementCost)
        } catch {
            _ = systemClose(fd)
            throw error
        }
        self.fd = fd
        // Dump datagrams are at most 32 KiB in current kernels (the kernel sizes them from our
        // receive length, capped there): four 64 KiB slots leave headroom, and MSG_TRUNC
        // reports anything bigger instead of silently cutting it.
        buffer = [UInt8](repeating: 0, count: Self.receiveSlots * (64 << 10))
    }

    deinit {
        assert(fd < 0, "leak of an open SystemNetlinkSocket: call close()")
    }

    private static func setOption(_ fd: CInt, _ level: CInt, _ name: CInt, _ value: CInt) -> Bool {
        var value = value
        return setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<CInt>.size)) == 0
    }

    private static func getOption(_ fd: CInt, _ name: CInt) -> Int? {
        var value: CInt = 0
        var length = socklen_t(MemoryLayout<CInt>.size)
        guard getsockopt(fd, SOL_SOCKET, name, &value, &length) == 0 else { return nil }
        return Int(value)
    }

    /// Sends one datagram to the kernel (port 0). The corresponding C function is `sendto`.
    public func send(_ datagram: [UInt8]) throws(NetlinkError) {
        guard fd >= 0 else { throw .closed }
        var kernel = sockaddr_nl()
        kernel.nl_family = sa_family_t(AF_NETLINK)
        while true {
            sendCalls += 1
            let sent = datagram.withUnsafeBytes { bytes in
                withUnsafePointer(to: &kernel) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(fd, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_nl>.size))
                    }
                }
            }
            if sent >= 0 {
                // Netlink datagrams are all or nothing.
                return
            }
            let code = errno
            if code == EINTR { continue }
            if code == ENOBUFS { throw .receiveBufferOverrun }
            throw .systemCall(name: "sendto", errno: code)
        }
    }

    /// Receives one datagram.
    ///
    /// The corresponding C function is `recvmmsg` with `MSG_WAITFORONE`: it blocks for one
    /// datagram and also takes every other one already queued (up to ``receiveSlots``),
    /// which later calls return without a system call. During a dump the kernel queues the
    /// next datagram (often `NLMSG_DONE`) while the previous one is being read, so a small
    /// dump costs one receive call instead of two. `MSG_TRUNC` makes an oversized datagram
    /// an error instead of silently cut.
    public func receive() throws(NetlinkError) -> [UInt8] {
        guard fd >= 0 else { throw .closed }
        if !pending.isEmpty { return pending.removeFirst() }
        let slots = Self.receiveSlots
        let slotSize = buffer.count / slots
        while true {
            var received: CInt = 0
            var lengths = [Int](repeating: 0, count: slots)
            var truncated = false
            receiveCalls += 1
            buffer.withUnsafeMutableBytes { raw in
                var vectors = (0..<slots).map { index in
                    iovec(iov_base: raw.baseAddress! + index * slotSize, iov_len: slotSize)
                }
                vectors.withUnsafeMutableBufferPointer { iovecs in
                    var headers = (0..<slots).map { index in
                        var header = CNetlink_mmsghdr()
                        header.msg_hdr.msg_iov = iovecs.baseAddress! + index
                        header.msg_hdr.msg_iovlen = 1
                        return header
                    }
                    received = CNetlink_recvmmsg(fd, &headers, UInt32(slots), CInt(CNetlink_MSG_WAITFORONE) | CInt(MSG_TRUNC), nil)
                    if received > 0 {
                        for index in 0..<Int(received) {
                            lengths[index] = Int(headers[index].msg_len)
                            if headers[index].msg_hdr.msg_flags & CInt(MSG_TRUNC) != 0 || lengths[index] > slotSize { truncated = true }
                        }
                    }
                }
            }
            if received > 0 {
                guard !truncated else { throw .truncated(size: lengths.max() ?? 0, capacity: slotSize) }
                for index in 1..<Int(received) {
                    pending.append(Array(buffer[(index * slotSize)..<(index * slotSize + lengths[index])]))
                }
                return Array(buffer[0..<lengths[0]])
            }
            let code = errno
            switch code {
            case EINTR: continue
            case ENOBUFS: throw .receiveBufferOverrun
            case EAGAIN: throw .timedOut
            default: throw .systemCall(name: "recvmmsg", errno: code)
            }
        }
    }

    /// Closes the file descriptor. Safe to call twice. `EINTR` from `close` is ignored on
    /// purpose: on Linux the descriptor is released regardless.
    public func close() {
        guard fd >= 0 else { return }
        _ = systemClose(fd)
        fd = -1
        pending = []
    }
}
