/// The transport under a ``NetlinkConnection``: sends datagrams to the kernel and receives its
/// replies, one datagram at a time.
///
/// This is the seam that lets tests replay captured kernel bytes without a kernel (see the
/// test target's scripted socket). The real implementation is ``SystemNetlinkSocket``.
/// Implementations are used from one thread at a time (the connection is confined to its
/// owner), so the protocol does not require `Sendable`.
public protocol NetlinkSocket: AnyObject {
    /// The port id the kernel assigned to this socket; replies must carry it.
    var portID: UInt32 { get }
    /// The most bytes one ``send(_:)`` may carry (the socket's send buffer, less overhead).
    var maximumSendSize: Int { get }
    /// How many acknowledgements the kernel can queue for us before it drops them with
    /// `ENOBUFS`; a batch never has more requests than this in flight.
    var maximumRepliesInFlight: Int { get }
    /// Sends one datagram, which may hold several netlink messages.
    func send(_ datagram: [UInt8]) throws(NetlinkError)
    /// Receives one datagram, blocking until it arrives.
    func receive() throws(NetlinkError) -> [UInt8]
    /// Releases the socket; later calls throw ``NetlinkError/closed``.
    func close()
}
