#if canImport(Glibc)
import Glibc
import QueryPipeline
import Synchronization

/// Runs the UDP side: ``TransportConfiguration/udpWorkers`` threads, each with one socket per listen address,
/// its own epoll instance and its own handler. See ``UDPWorker`` for the loop and docs/TRANSPORT.md for why
/// this is not built on NIO.
public final class UDPServer<Factory: DatagramHandlerFactory>: Sendable {
    private struct Running {
        var threads: [WorkerThread]
        var wakeFDs: [Int32]
        var descriptors: [Int32]
        var bound: [IPEndpoint]
    }

    private let addresses: [IPEndpoint]
    private let configuration: TransportConfiguration
    private let factory: Factory
    private let counters: [UDPWorkerCounters]
    private let state = Mutex<Running?>(nil)

    public init(addresses: [IPEndpoint], configuration: TransportConfiguration, handlerFactory: Factory) {
        precondition(configuration.udpWorkers > 0, "at least one UDP worker")
        precondition(configuration.udpBatchSize > 0, "UDP batch size must be positive")
        precondition(configuration.udpReceiveBufferSize > 0 && configuration.udpResponseCapacity > 0)
        self.addresses = addresses
        self.configuration = configuration
        self.factory = handlerFactory
        self.counters = (0..<configuration.udpWorkers).map { _ in UDPWorkerCounters() }
    }

    /// Opens and binds all sockets, then starts the workers. Returns the bound addresses in the order given,
    /// with port 0 replaced by the port the kernel chose (all workers share it).
    ///
    /// Binding happens here, on the caller's thread, so that a bad address fails `start` rather than a worker.
    @discardableResult
    public func start() throws -> [IPEndpoint] {
        precondition(self.state.withLock { $0 == nil }, "UDPServer started twice")
        let config = self.configuration
        var descriptors: [Int32] = []
        var setups: [UDPWorkerSetup] = []
        var bound = self.addresses
        do {
            var socketsPerWorker = [[Int32]](repeating: [], count: config.udpWorkers)
            for (index, address) in self.addresses.enumerated() {
                for worker in 0..<config.udpWorkers {
                    let fd = try UDPSocket.open(
                        bound[index],
                        receiveBufferBytes: config.udpSocketReceiveBufferBytes,
                        sendBufferBytes: config.udpSocketSendBufferBytes
                    )
                    descriptors.append(fd)
                    socketsPerWorker[worker].append(fd)
                    if worker == 0 && address.port == 0, let local = IPEndpoint.localAddress(ofSocket: fd) {
                        bound[index].port = local.port
                    }
                }
            }
            for worker in 0..<config.udpWorkers {
                let epoll = try EPoll.create()
                descriptors.append(epoll)
                let wake = try EPoll.makeEventFD()
                descriptors.append(wake)
                let setup = UDPWorkerSetup(
                    sockets: socketsPerWorker[worker], listeners: bound, epoll: epoll, wakeFD: wake,
                    batchSize: config.udpBatchSize, receiveBufferSize: config.udpReceiveBufferSize,
                    responseCapacity: config.udpResponseCapacity
                )
                try UDPWorker<Factory.Handler>.register(setup)
                setups.append(setup)
            }
        } catch {
            for fd in descriptors { close(fd) }
            throw error
        }

        var threads: [WorkerThread] = []
        for (index, setup) in setups.enumerated() {
            let factory = self.factory
            let counters = self.counters[index]
            do {
                threads.append(
                    try WorkerThread.spawn(name: "sigil-udp-\(index)") {
                        counters.running.add(1, ordering: .relaxed)
                        UDPWorker(handler: factory.makeHandler(), setup: setup, counters: counters).run()
                        counters.running.subtract(1, ordering: .relaxed)
                    }
                )
            } catch {
                for setup in setups { EPoll.signal(eventFD: setup.wakeFD) }
                for thread in threads { thread.join() }
                for fd in descriptors { close(fd) }
                throw error
            }
        }
        self.state.withLock {
            $0 = Running(threads: threads, wakeFDs: setups.map(\.wakeFD), descriptors: descriptors, bound: bound)
        }
        return bound
    }

    /// The bound addresses (ports resolved), or empty if not running.
    public var boundAddresses: [IPEndpoint] { self.state.withLock { $0?.bound ?? [] } }

    /// Wakes every worker, waits for all threads to exit, then closes all descriptors. Idempotent.
    ///
    /// Blocks the caller until the workers have finished their current batch (microseconds).
    public func stop() {
        guard
            let running = self.state.withLock({ state -> Running? in
                defer { state = nil }
                return state
            })
        else { return }
        for fd in running.wakeFDs { EPoll.signal(eventFD: fd) }
        for thread in running.threads { thread.join() }
        for fd in running.descriptors { close(fd) }
    }

    /// Worker threads currently inside their loop (0 once ``stop()`` has returned).
    public var runningWorkers: Int { self.counters.reduce(0) { $0 + $1.running.load(ordering: .relaxed) } }

    /// Counters summed over all workers.
    public var statistics: UDPStatistics {
        self.counters.reduce(UDPStatistics()) { $0 + $1.snapshot }
    }

    deinit {
        self.stop()
    }
}
#endif
