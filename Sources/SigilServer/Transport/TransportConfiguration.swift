import NIOCore

/// Knobs of the transport layer. The defaults suit an authoritative server on a small machine.
public struct TransportConfiguration: Sendable {
    /// UDP worker threads, each with its own `SO_REUSEPORT` socket per listen address. Default: one per core.
    public var udpWorkers: Int = System.coreCount
    /// Datagrams per `recvmmsg`/`sendmmsg` call, and so receive and response buffers per worker.
    public var udpBatchSize: Int = 32
    /// The largest UDP query accepted; longer datagrams are dropped unseen. DNS queries are far smaller,
    /// so 4096 keeps each worker's buffers at 2 × 32 × 4 KiB.
    public var udpReceiveBufferSize: Int = 4096
    /// The size of each UDP response buffer, i.e. the largest UDP response a handler may write.
    /// The handler itself applies the client's EDNS buffer size (or 512) below this.
    public var udpResponseCapacity: Int = 4096
    /// The receive buffer of each UDP socket (`SO_RCVBUFFORCE` when privileged, else `SO_RCVBUF`, which the
    /// kernel caps at `net.core.rmem_max`), or nil for the system default.
    ///
    /// Why 1 MiB: each datagram is charged at its buffer's true size, about 830 bytes on loopback even for a
    /// 29-byte query, so the default (`rmem_default`, 208 KiB on Debian) holds only about 250 queries, and a
    /// burst arriving while the worker is descheduled overflows it: under `dnsperf -q 200` on a busy machine
    /// the kernel dropped a few queries per run on the server's socket (`/proc/net/udp` "drops"), none with
    /// 1 MiB. NSD asks for 1 MiB the same way.
    public var udpSocketReceiveBufferBytes: Int? = 1 << 20
    /// `SO_SNDBUF` for the UDP sockets, or nil for the system default.
    public var udpSocketSendBufferBytes: Int? = nil

    /// Event-loop threads for TCP. Default: one per core.
    public var tcpThreads: Int = System.coreCount
    /// A TCP connection with no reads or completed writes for this long is closed (RFC 7766 §6.2.3).
    public var tcpIdleTimeout: TimeAmount = .seconds(10)
    /// Open TCP connections across all listeners; further connections are closed as soon as accepted.
    public var tcpMaxConnections: Int = 1000
    /// Queries answered on one TCP connection before the server closes it (after sending the last answer).
    public var tcpMaxQueriesPerConnection: Int = 100
    /// The `listen(2)` backlog of the TCP sockets.
    public var tcpBacklog: Int32 = 256

    public init() {}
}
