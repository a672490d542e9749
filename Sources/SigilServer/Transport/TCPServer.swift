import NIOCore
import NIOPosix
import QueryPipeline
import Synchronization

/// The TCP side: a NIO `ServerBootstrap` per listen address on an event-loop group this server owns.
///
/// Each event loop gets one handler instance (made lazily, on that loop, by the factory) shared by all the
/// connections it serves; handlers run synchronously on the loop, which suits pure-CPU answering.
public final class TCPServer<Factory: DatagramHandlerFactory>: Sendable {
    /// Raised to refuse a connection beyond ``TransportConfiguration/tcpMaxConnections``; NIO then closes it.
    struct ConnectionLimitReached: Error {}

    /// Counts open connections across all listeners and loops.
    final class ConnectionLimiter: Sendable {
        let open = Atomic<Int>(0)
        let refused = Atomic<Int>(0)
        let limit: Int

        init(limit: Int) { self.limit = limit }

        func acquire() -> Bool {
            if self.open.wrappingAdd(1, ordering: .relaxed).newValue <= self.limit { return true }
            self.open.wrappingSubtract(1, ordering: .relaxed)
            self.refused.wrappingAdd(1, ordering: .relaxed)
            return false
        }

        func release() {
            self.open.wrappingSubtract(1, ordering: .relaxed)
        }
    }

    private struct LoopSlot: Sendable {
        let loop: any EventLoop
        let box: NIOLoopBoundBox<TCPLoopState<Factory.Handler>?>
    }

    private struct Running: Sendable {
        var channels: [any Channel]
        var bound: [IPEndpoint]
    }

    private let addresses: [IPEndpoint]
    private let configuration: TransportConfiguration
    private let factory: Factory
    private let group: MultiThreadedEventLoopGroup
    private let slots: [LoopSlot]
    private let limiter: ConnectionLimiter
    private let state = Mutex<Running?>(nil)

    public init(addresses: [IPEndpoint], configuration: TransportConfiguration, handlerFactory: Factory) {
        precondition(configuration.tcpThreads > 0, "at least one TCP thread")
        self.addresses = addresses
        self.configuration = configuration
        self.factory = handlerFactory
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.tcpThreads)
        self.slots = self.group.makeIterator().map { loop in
            LoopSlot(loop: loop, box: .makeEmptyBox(valueType: TCPLoopState<Factory.Handler>.self, eventLoop: loop))
        }
        self.limiter = ConnectionLimiter(limit: configuration.tcpMaxConnections)
    }

    /// Binds every address and starts accepting. Returns the bound addresses, with port 0 resolved.
    @discardableResult
    public func start() async throws -> [IPEndpoint] {
        try await self.start(addresses: self.addresses)
    }

    /// Like ``start()`` but on `addresses` instead of those given at init: the same addresses with ports
    /// resolved, so that TCP can follow the ports UDP was given for port 0.
    @discardableResult
    func start(addresses: [IPEndpoint]) async throws -> [IPEndpoint] {
        precondition(addresses.count == self.addresses.count)
        var channels: [any Channel] = []
        var bound: [IPEndpoint] = []
        do {
            for address in addresses {
                let channel = try await self.bootstrap(listener: address).bind(to: address.nioAddress).get()
                channels.append(channel)
                var resolved = address
                if let local = channel.localAddress, let port = local.port { resolved.port = UInt16(port) }
                bound.append(resolved)
            }
        } catch {
            for channel in channels { try? await channel.close() }
            throw error
        }
        self.state.withLock { $0 = Running(channels: channels, bound: bound) }
        return bound
    }

    /// The bound addresses (ports resolved), or empty if not running.
    public var boundAddresses: [IPEndpoint] { self.state.withLock { $0?.bound ?? [] } }

    /// Connections currently open.
    public var openConnections: Int { self.limiter.open.load(ordering: .relaxed) }

    /// Connections closed on accept because ``TransportConfiguration/tcpMaxConnections`` were open.
    public var refusedConnections: Int { self.limiter.refused.load(ordering: .relaxed) }

    /// Stops listening, closes every connection and shuts the event loops down. Idempotent.
    public func stop() async {
        let running = self.state.withLock { state -> Running? in
            defer { state = nil }
            return state
        }
        for channel in running?.channels ?? [] { try? await channel.close() }
        try? await self.group.shutdownGracefully()
    }

    deinit {
        // A server dropped without stop() must not leak its event-loop threads; after stop() this is a no-op.
        self.group.shutdownGracefully { _ in }
    }

    private func bootstrap(listener: IPEndpoint) -> ServerBootstrap {
        let slots = self.slots
        let factory = self.factory
        let limiter = self.limiter
        let maxQueries = self.configuration.tcpMaxQueriesPerConnection
        let idle = self.configuration.tcpIdleTimeout
        return ServerBootstrap(group: self.group)
            .serverChannelOption(.backlog, value: self.configuration.tcpBacklog)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                guard limiter.acquire() else {
                    return channel.eventLoop.makeFailedFuture(ConnectionLimitReached())
                }
                channel.closeFuture.whenComplete { _ in limiter.release() }
                guard let slot = slots.first(where: { $0.loop === channel.eventLoop }) else {
                    preconditionFailure("TCP channel on a foreign event loop")
                }
                let state: TCPLoopState<Factory.Handler>
                if let existing = slot.box.value {
                    state = existing
                } else {
                    state = TCPLoopState(handler: factory.makeHandler())
                    slot.box.value = state
                }
                do {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(IdleStateHandler(allTimeout: idle))
                    let connection = TCPConnectionHandler(state: state, listener: listener, maxQueries: maxQueries)
                    try pipeline.addHandler(connection)
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
    }
}
