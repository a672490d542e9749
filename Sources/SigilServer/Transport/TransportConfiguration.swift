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
    /// An idle TCP connection (nothing buffered either way) is closed after this long (RFC 7766 §6.2.3).
    public var tcpIdleTimeout: TimeAmount = .seconds(10)
    /// The idle timeout while more than half of ``tcpMaxConnections`` are open.
    public var tcpBusyIdleTimeout: TimeAmount = .seconds(2)
    /// A message must arrive whole within this long of its first byte (Knot's `tcp-io-timeout`): a client
    /// that trickles a byte at a time cannot hold a connection.
    public var tcpIOTimeout: TimeAmount = .seconds(2)
    /// Open TCP connections across all listeners. At the limit the oldest idle connection is closed to make
    /// way for a new one; the new one is refused only if none is idle.
    public var tcpMaxConnections: Int = 1000
    /// Open TCP connections per client prefix (``tcpIPv4Prefix``, ``tcpIPv6Prefix``), with the same
    /// eviction of that client's oldest idle connection.
    public var tcpMaxConnectionsPerClient: Int = 100
    public var tcpIPv4Prefix: Int = 32
    public var tcpIPv6Prefix: Int = 64
    /// Queries answered on one TCP connection before the server closes it (after sending the last answer);
    /// 0, the default, for no limit (like NSD, Knot and BIND).
    public var tcpMaxQueriesPerConnection: Int = 0
    /// Answer bytes waiting for a client that does not read, beyond which the connection is not read from
    /// (the write-buffer high-water mark).
    public var tcpMaxPendingOutputBytes: Int = 16384
    /// `SO_SNDBUF` of each TCP connection, or nil for the kernel's autotuning. Autotuning grows the buffer
    /// of a client that never reads to about 4 MiB of kernel memory (measured: 1 MB of answers queued per
    /// connection on loopback), so 1,000 such clients pin gigabytes; 64 KiB (the kernel doubles it) holds
    /// dozens of the largest DNS answers.
    public var tcpSocketSendBufferBytes: Int? = 65536
    /// The `listen(2)` backlog of the TCP sockets. 1,024 rather than 256: a client reconnecting as fast as
    /// it is refused fills a short queue, and then the kernel drops other clients' SYNs (a 1 s retransmit).
    public var tcpBacklog: Int32 = 1024

    public init() {}
}
