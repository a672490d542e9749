import Synchronization

/// Counters a UDP worker keeps, updated once per batch with relaxed atomics so that they can be read from
/// other threads (metrics, tests) at no cost to the loop.
public final class UDPWorkerCounters: Sendable {
    let received = Atomic<UInt64>(0)
    let sent = Atomic<UInt64>(0)
    let dropped = Atomic<UInt64>(0)
    let truncatedQueries = Atomic<UInt64>(0)
    let sendErrors = Atomic<UInt64>(0)
    let receiveErrors = Atomic<UInt64>(0)
    /// 1 while the worker thread is in its loop.
    let running = Atomic<Int>(0)

    init() {}

    var snapshot: UDPStatistics {
        UDPStatistics(
            received: self.received.load(ordering: .relaxed),
            sent: self.sent.load(ordering: .relaxed),
            dropped: self.dropped.load(ordering: .relaxed),
            truncatedQueries: self.truncatedQueries.load(ordering: .relaxed),
            sendErrors: self.sendErrors.load(ordering: .relaxed),
            receiveErrors: self.receiveErrors.load(ordering: .relaxed)
        )
    }
}

/// A snapshot of UDP counters, summed over workers.
public struct UDPStatistics: Sendable, Hashable {
    /// Datagrams read from the sockets.
    public var received: UInt64
    /// Responses the kernel accepted.
    public var sent: UInt64
    /// Queries the handler chose not to answer (returned nil, 0, or an impossible length).
    public var dropped: UInt64
    /// Datagrams larger than the receive buffer, dropped unseen by the handler.
    public var truncatedQueries: UInt64
    /// Responses lost to `sendmmsg` errors, including a full socket send buffer.
    public var sendErrors: UInt64
    /// `recvmmsg` failures other than "no more data".
    public var receiveErrors: UInt64

    public init(
        received: UInt64 = 0, sent: UInt64 = 0, dropped: UInt64 = 0, truncatedQueries: UInt64 = 0,
        sendErrors: UInt64 = 0, receiveErrors: UInt64 = 0
    ) {
        self.received = received
        self.sent = sent
        self.dropped = dropped
        self.truncatedQueries = truncatedQueries
        self.sendErrors = sendErrors
        self.receiveErrors = receiveErrors
    }

    static func + (lhs: UDPStatistics, rhs: UDPStatistics) -> UDPStatistics {
        UDPStatistics(
            received: lhs.received + rhs.received, sent: lhs.sent + rhs.sent, dropped: lhs.dropped + rhs.dropped,
            truncatedQueries: lhs.truncatedQueries + rhs.truncatedQueries,
            sendErrors: lhs.sendErrors + rhs.sendErrors, receiveErrors: lhs.receiveErrors + rhs.receiveErrors
        )
    }
}
