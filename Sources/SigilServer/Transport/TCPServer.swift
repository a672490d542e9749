import NIOCore
import NIOPosix
import QueryPipeline
import Synchronization

/// The TCP side: a NIO `ServerBootstrap` per listen address on an event-loop group this server owns.
///
/// Each event loop gets one handler instance (made lazily, on that loop, by the factory) shared by all the
/// connections it serves; handlers run synchronously on the loop, which suits pure-CPU answering.
public final class TCPServer<Factory: DatagramHandlerFactory>: Sendable {
    /// Raised to refuse a connection that ``TCPConnectionRegistry`` does not admit; NIO then closes it.
    struct ConnectionLimitReached: Error {}

    /// The registry of open connections across all listeners and loops, and the channels it may evict.
    final class ConnectionTable: Sendable {
        private struct Guarded {
            var registry: TCPConnectionRegistry
            var channels: [UInt64: any Channel] = [:]
        }
        private let guarded: Mutex<Guarded>
        private let nextID = Atomic<UInt64>(0)
        let open = Atomic<Int>(0)
        let refused = Atomic<Int>(0)
        let evicted = Atomic<Int>(0)
        /// The most output bytes seen waiting in one connection when it became unwritable.
        let peakPendingOutput = Atomic<Int>(0)

        init(limits: TCPConnectionRegistry.Limits) {
            self.guarded = Mutex(Guarded(registry: TCPConnectionRegistry(limits: limits)))
        }

        /// Admits `channel` or returns nil; an evicted connection is told to finish and close.
        func admit(_ channel: any Channel, client: IPAddress) -> (UInt64, TCPConnectionActivity)? {
            let id = self.nextID.wrappingAdd(1, ordering: .relaxed).newValue
            let activity = TCPConnectionActivity()
            let (admission, victim) = self.guarded.withLock {
                guarded -> (TCPConnectionRegistry.Admission, (any Channel)?) in
                let admission = guarded.registry.admit(id: id, client: client, activity: activity)
                var victim: (any Channel)? = nil
                if case .admittedEvicting(let old) = admission { victim = guarded.channels.removeValue(forKey: old) }
                if admission != .refused { guarded.channels[id] = channel }
                return (admission, victim)
            }
            if admission == .refused {
                self.refused.wrappingAdd(1, ordering: .relaxed)
                return nil
            }
            if let victim {
                self.evicted.wrappingAdd(1, ordering: .relaxed)
                victim.pipeline.fireUserInboundEventTriggered(TCPEvictEvent())
            }
            self.open.wrappingAdd(1, ordering: .relaxed)
            return (id, activity)
        }

        func release(_ id: UInt64) {
            self.guarded.withLock { guarded in
                guarded.registry.remove(id: id)
                guarded.channels.removeValue(forKey: id)
            }
            self.open.wrappingSubtract(1, ordering: .relaxed)
        }

        var isBusy: Bool { self.guarded.withLock { $0.registry.isBusy } }
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
    private let table: ConnectionTable
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
        self.table = ConnectionTable(
            limits: .init(
                maxConnections: configuration.tcpMaxConnections,
                maxPerClient: configuration.tcpMaxConnectionsPerClient,
                ipv4Prefix: configuration.tcpIPv4Prefix, ipv6Prefix: configuration.tcpIPv6Prefix))
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
    public var openConnections: Int { self.table.open.load(ordering: .relaxed) }

    /// Connections closed on accept: a limit was reached and no idle connection could make way.
    public var refusedConnections: Int { self.table.refused.load(ordering: .relaxed) }

    /// Idle connections closed to make way for new ones.
    public var evictedConnections: Int { self.table.evicted.load(ordering: .relaxed) }

    /// The most output bytes one connection held when it stopped being read from (backpressure): at most
    /// ``TransportConfiguration/tcpMaxPendingOutputBytes`` plus one answer.
    public var peakPendingOutputBytes: Int { self.table.peakPendingOutput.load(ordering: .relaxed) }

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
        let table = self.table
        let configuration = self.configuration
        let timeouts = TCPConnectionTimeouts(
            idle: configuration.tcpIdleTimeout, busyIdle: configuration.tcpBusyIdleTimeout,
            io: configuration.tcpIOTimeout)
        let pending = max(configuration.tcpMaxPendingOutputBytes, 2)
        let isBusy: @Sendable () -> Bool = { table.isBusy }
        let onBlocked: @Sendable (ChannelHandlerContext) -> Void = { context in
            guard let bytes = try? context.channel.syncOptions?.getOption(.bufferedWritableBytes) else { return }
            table.peakPendingOutput.max(bytes, ordering: .relaxed)
        }
        let bootstrap = ServerBootstrap(group: self.group)
        if let size = configuration.tcpSocketSendBufferBytes {
            _ = bootstrap.childChannelOption(.socketOption(.so_sndbuf), value: SocketOptionValue(size))
        }
        return
            bootstrap
            .serverChannelOption(.backlog, value: configuration.tcpBacklog)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            // The output held for a client that does not read, and the input taken per read: both bound
            // what a pipelining client that never reads can make the server hold.
            .childChannelOption(.writeBufferWaterMark, value: .init(low: pending / 2, high: pending))
            .childChannelOption(
                .recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: 16384)
            )
            .childChannelInitializer { channel in
                guard let remote = channel.remoteAddress.flatMap(IPEndpoint.init),
                    let (id, activity) = table.admit(channel, client: remote.address)
                else {
                    return channel.eventLoop.makeFailedFuture(ConnectionLimitReached())
                }
                channel.closeFuture.whenComplete { _ in table.release(id) }
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
                    let connection = TCPConnectionHandler(
                        state: state, listener: listener, maxQueries: configuration.tcpMaxQueriesPerConnection,
                        timeouts: timeouts, activity: activity, isBusy: isBusy, onBlocked: onBlocked)
                    try channel.pipeline.syncOperations.addHandler(connection)
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
    }
}
