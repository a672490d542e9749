import QueryPipeline

/// Turns one query message into one response message. The transport knows nothing about DNS: it hands over
/// the bytes of a datagram (UDP) or of a length-prefixed message (TCP, without the prefix) and sends back
/// whatever the handler writes.
///
/// Each transport thread (UDP worker, TCP event loop) owns its own handler instance, made by a
/// ``DatagramHandlerFactory``, and only ever calls it from that thread. Handlers can therefore keep mutable
/// scratch state (compression tables, name buffers) without locks, and need not be `Sendable`.
///
/// The call must not block: it runs on the thread that also services the sockets.
public protocol DatagramHandler {
    /// Writes the response to `query` into `response` and returns its length, or nil to send nothing.
    ///
    /// - Parameters:
    ///   - query: the message bytes, valid only during the call (they live in a buffer the worker reuses).
    ///   - context: peer, listener and transport.
    ///   - response: a buffer owned by the transport and reused for later queries; its `count` is the largest
    ///     response this transport can carry. For UDP that is the configured UDP response capacity (default
    ///     4096), and the handler must itself keep to the client's EDNS size or 512 and truncate (TC); for TCP
    ///     it is 65535.
    /// - Returns: the number of bytes written at the start of `response` (at most `response.count`, anything
    ///   larger is treated as a bug and dropped), or nil to drop the query.
    mutating func respond(
        to query: UnsafeRawBufferPointer,
        context: QueryContext,
        into response: UnsafeMutableRawBufferPointer
    ) -> Int?

    /// TCP only: a response of several messages (a zone transfer) to `query`, or nil to answer it with
    /// ``respond(to:context:into:)``. The transport pulls the stream's messages one at a time, as the client
    /// reads them, before it answers the connection's next query. Default: nil.
    mutating func stream(for query: UnsafeRawBufferPointer, context: QueryContext) -> (any ResponseStream)?
}

extension DatagramHandler {
    public mutating func stream(for query: UnsafeRawBufferPointer, context: QueryContext) -> (any ResponseStream)? {
        nil
    }
}

/// Makes one ``DatagramHandler`` per transport thread. Called once per UDP worker and once per TCP event loop,
/// on that thread, at start-up; never on the per-query path.
public protocol DatagramHandlerFactory: Sendable {
    associatedtype Handler: DatagramHandler
    func makeHandler() -> Handler
}

/// A ``DatagramHandlerFactory`` from a closure, for tests and simple set-ups.
public struct ClosureHandlerFactory<Handler: DatagramHandler>: DatagramHandlerFactory {
    private let make: @Sendable () -> Handler

    public init(_ make: @escaping @Sendable () -> Handler) {
        self.make = make
    }

    public func makeHandler() -> Handler { self.make() }
}
