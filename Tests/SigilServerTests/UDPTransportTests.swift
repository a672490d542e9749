import Glibc
import QueryPipeline
import SigilServer
import Synchronization
import Testing

@testable import SigilServerTestSupport

@Suite struct UDPTransportTests {
    private func withUDPServer(
        _ address: String,
        configure: (inout TransportConfiguration) -> Void = { _ in },
        _ body: (UDPServer<ClosureHandlerFactory<EchoQRHandler>>, IPEndpoint) throws -> Void
    ) throws {
        let server = UDPServer(
            addresses: [try IPEndpoint(parsing: address)],
            configuration: testConfiguration(configure),
            handlerFactory: echoFactory
        )
        let bound = try server.start()
        defer { server.stop() }
        try body(server, bound[0])
    }

    @Test func answersOverIPv4() throws {
        try withUDPServer("127.0.0.1:0") { _, endpoint in
            #expect(endpoint.port != 0)
            let client = try ClientSocket(udp: .v4)
            for id: UInt16 in [1, 0xBEEF, 42] {
                try client.send(makeQuery(id: id), to: endpoint)
                let reply = try #require(client.receiveDatagram())
                #expect(messageID(reply) == id)
                #expect(reply[2] & 0x80 != 0)
                #expect(reply.count == makeQuery(id: id).count)
            }
        }
    }

    @Test func answersOverIPv6() throws {
        try withUDPServer("[::1]:0") { _, endpoint in
            let client = try ClientSocket(udp: .v6)
            try client.send(makeQuery(id: 6666), to: endpoint)
            let reply = try #require(client.receiveDatagram())
            #expect(messageID(reply) == 6666 && reply[2] & 0x80 != 0)
        }
    }

    @Test func wildcardAddressRepliesFromTheQueriedAddress() throws {
        // 0.0.0.0 uses IP_PKTINFO; a connected client socket only accepts replies from the address it queried.
        try withUDPServer("0.0.0.0:0") { _, endpoint in
            let client = try ClientSocket(udp: .v4)
            let target = IPEndpoint(address: .loopbackV4, port: endpoint.port)
            let rc = target.withSockAddr { connect(client.fd, $0, $1) }
            #expect(rc == 0)
            try client.send(makeQuery(id: 77), to: target)
            let reply = try #require(client.receiveDatagram())
            #expect(messageID(reply) == 77)
        }
    }

    @Test func answersEveryDatagramOfBursts() throws {
        try withUDPServer("127.0.0.1:0") { server, endpoint in
            let client = try ClientSocket(udp: .v4)
            client.setReceiveBuffer(4 << 20)
            let window = 200
            let total = 4000
            var seen = Set<UInt16>()
            for start in stride(from: 0, to: total, by: window) {
                for id in start..<(start + window) { try client.send(makeQuery(id: UInt16(id)), to: endpoint) }
                for _ in 0..<window {
                    guard let reply = client.receiveDatagram() else { break }
                    seen.insert(messageID(reply))
                }
            }
            #expect(seen.count == total)
            for _ in 0..<100 where server.statistics.sent < UInt64(total) { usleep(10_000) }
            let stats = server.statistics
            #expect(stats.received == UInt64(total) && stats.sent == UInt64(total))
        }
    }

    /// 450 queries arrive while the only worker is stuck in its handler (as when it is descheduled on a busy
    /// machine). The system's default receive buffer holds about 250 of them (each is charged about 830 bytes
    /// on loopback); the default configuration's larger buffer must hold them all, so every one is answered.
    @Test func queriesArrivingWhileTheWorkerIsBusyAreQueuedNotDropped() throws {
        let gate = Gate()
        let server = UDPServer(
            addresses: [try IPEndpoint(parsing: "127.0.0.1:0")],
            configuration: testConfiguration { $0.udpWorkers = 1 },
            handlerFactory: ClosureHandlerFactory { GatedHandler(gate: gate) }
        )
        let endpoint = try server.start()[0]
        defer { server.stop() }
        let client = try ClientSocket(udp: .v4)
        client.setReceiveBuffer(4 << 20)
        try client.send(makeQuery(id: 0), to: endpoint)
        for _ in 0..<200 where !gate.entered.load(ordering: .acquiring) { usleep(10_000) }
        let entered = gate.entered.load(ordering: .acquiring)
        #expect(entered)
        let total = 450
        for id in 1...total { try client.send(makeQuery(id: UInt16(id)), to: endpoint) }
        gate.open.store(true, ordering: .releasing)
        var seen = Set<UInt16>()
        while seen.count <= total, let reply = client.receiveDatagram() { seen.insert(messageID(reply)) }
        #expect(seen.count == total + 1)
        // The worker adds to its counters after its last batch's replies are out: wait for that.
        for _ in 0..<100 where server.statistics.received < UInt64(total + 1) { usleep(10_000) }
        #expect(server.statistics.received == UInt64(total + 1))
    }

    @Test func garbageDoesNotKillTheWorker() throws {
        try withUDPServer("127.0.0.1:0", configure: { $0.udpWorkers = 1 }) { server, endpoint in
            let client = try ClientSocket(udp: .v4, timeout: 0.3)
            try client.send([], to: endpoint)
            try client.send([1, 2, 3], to: endpoint)
            try client.send([UInt8](repeating: 0xAB, count: 5000), to: endpoint)  // > udpReceiveBufferSize
            #expect(client.receiveDatagram() == nil)
            client.setTimeout(2)
            try client.send(makeQuery(id: 9), to: endpoint)
            let reply = try #require(client.receiveDatagram())
            #expect(messageID(reply) == 9)
            // Counters are bumped after sendmmsg returns, which can be after the client has the reply.
            for _ in 0..<100 where server.statistics.sent < 1 { usleep(10_000) }
            let stats = server.statistics
            #expect(stats.dropped == 2)
            #expect(stats.truncatedQueries == 1)
            #expect(stats.sent == 1)
        }
    }

    @Test func severalAddressesAndWorkers() throws {
        let server = UDPServer(
            addresses: [try IPEndpoint(parsing: "127.0.0.1:0"), try IPEndpoint(parsing: "[::1]:0")],
            configuration: testConfiguration { $0.udpWorkers = 3 },
            handlerFactory: echoFactory
        )
        let bound = try server.start()
        defer { server.stop() }
        #expect(bound.count == 2 && bound.allSatisfy { $0.port != 0 })
        for endpoint in bound {
            // Different source ports hash to different SO_REUSEPORT sockets; all must answer.
            for id: UInt16 in 0..<20 {
                let client = try ClientSocket(udp: endpoint.address.family)
                try client.send(makeQuery(id: id), to: endpoint)
                #expect(client.receiveDatagram().map(messageID) == id)
            }
        }
    }

    @Test func stopJoinsAllWorkerThreads() throws {
        let server = UDPServer(
            addresses: [try IPEndpoint(parsing: "127.0.0.1:0")],
            configuration: testConfiguration { $0.udpWorkers = 4 },
            handlerFactory: echoFactory
        )
        let bound = try server.start()
        for _ in 0..<100 where server.runningWorkers < 4 { usleep(10_000) }
        #expect(server.runningWorkers == 4)
        // Named threads really exist (other tests' workers may be there too, hence >=).
        #expect(threadNames().filter { $0.hasPrefix("sigil-udp-") }.count >= 4)
        server.stop()
        #expect(server.runningWorkers == 0)  // stop() returned, so every worker was joined
        server.stop()  // idempotent
        #expect(server.boundAddresses.isEmpty)

        // The port is free again: nobody answers there.
        let client = try ClientSocket(udp: .v4, timeout: 0.3)
        try? client.send(makeQuery(id: 1), to: bound[0])
        #expect(client.receiveDatagram() == nil)
    }

    @Test func bindErrorNamesTheAddress() throws {
        // 192.0.2.1 (TEST-NET-1) is not a local address.
        let server = UDPServer(
            addresses: [try IPEndpoint(parsing: "192.0.2.1:0")],
            configuration: testConfiguration(),
            handlerFactory: echoFactory
        )
        #expect(throws: TransportError.self) { try server.start() }
        do { try server.start() } catch { #expect("\(error)".contains("192.0.2.1")) }
    }
}

/// Holds the handler in its first query until `open`, so queries pile up in the socket.
private final class Gate: Sendable {
    let entered = Atomic<Bool>(false)
    let open = Atomic<Bool>(false)
}

private struct GatedHandler: DatagramHandler {
    let gate: Gate
    var inner = EchoQRHandler()

    mutating func respond(
        to query: UnsafeRawBufferPointer,
        context: QueryContext,
        into response: UnsafeMutableRawBufferPointer
    ) -> Int? {
        self.gate.entered.store(true, ordering: .releasing)
        for _ in 0..<500 where !self.gate.open.load(ordering: .acquiring) { usleep(10_000) }
        return self.inner.respond(to: query, context: context, into: response)
    }
}
