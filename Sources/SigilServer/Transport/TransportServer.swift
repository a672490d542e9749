import Logging
import NIOCore
import QueryPipeline
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// UDP workers and TCP listeners on the same list of addresses, started and stopped together.
///
/// As a swift-service-lifecycle `Service`, ``run()`` serves until graceful shutdown or cancellation.
/// ``start()`` and ``stop()`` are also public for callers (and tests) that manage the lifetime themselves.
public final class TransportServer<Factory: DatagramHandlerFactory>: Service {
    public let udp: UDPServer<Factory>
    public let tcp: TCPServer<Factory>
    private let addresses: [IPEndpoint]
    private let configuration: TransportConfiguration
    private let logger: Logger

    /// - Parameters:
    ///   - addresses: where to listen, on both UDP and TCP. Port 0 picks a free port (the same for UDP and TCP).
    ///   - handlerFactory: makes one handler per UDP worker thread and per TCP event loop.
    public init(
        listen addresses: [IPEndpoint],
        configuration: TransportConfiguration = TransportConfiguration(),
        handlerFactory: Factory,
        logger: Logger = Logger(label: "sigil.transport")
    ) {
        self.addresses = addresses
        self.configuration = configuration
        self.logger = logger
        self.udp = UDPServer(addresses: addresses, configuration: configuration, handlerFactory: handlerFactory)
        // TCP binds the ports UDP resolved (see start()), so port 0 yields one port for both.
        self.tcp = TCPServer(addresses: addresses, configuration: configuration, handlerFactory: handlerFactory)
    }

    /// Binds UDP (resolving port 0), then TCP on the same ports, and starts serving.
    /// Returns the bound addresses. On failure nothing is left running.
    ///
    /// The port the kernel gives UDP for port 0 may be held on TCP by another server (even on UDP,
    /// when both sockets allow address reuse): then UDP is closed and a new port picked, up to 16
    /// times, so port 0 does not fail on such a collision.
    @discardableResult
    public func start() async throws -> [IPEndpoint] {
        let attempts = self.addresses.contains { $0.port == 0 } ? 16 : 1
        for attempt in 1...attempts {
            let bound = try self.udp.start()
            do {
                try await self.tcp.start(addresses: bound)
            } catch {
                self.udp.stop()
                if attempt < attempts, (error as? IOError)?.errnoCode == EADDRINUSE { continue }
                await self.tcp.stop()
                throw error
            }
            self.logger.info(
                "transport listening",
                metadata: [
                    "addresses": "\(bound.map(\.description).joined(separator: " "))",
                    "udpWorkers": "\(self.configuration.udpWorkers)", "tcpThreads": "\(self.configuration.tcpThreads)",
                ]
            )
            return bound
        }
        preconditionFailure("unreachable: the last attempt returns or throws")
    }

    /// The bound addresses (ports resolved), or empty if not running.
    public var boundAddresses: [IPEndpoint] { self.udp.boundAddresses }

    /// Stops TCP (closing all connections) and joins the UDP worker threads. Idempotent.
    public func stop() async {
        await self.tcp.stop()
        self.udp.stop()
        self.logger.info("transport stopped")
    }

    /// Serves until graceful shutdown is requested or the task is cancelled, then stops.
    public func run() async throws {
        try await self.start()
        do {
            try await gracefulShutdown()
        } catch {
            // Cancelled: stop all the same.
        }
        await self.stop()
    }
}
