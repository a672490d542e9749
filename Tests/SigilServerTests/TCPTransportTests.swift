import Glibc
import NIOCore
import QueryPipeline
import SigilServer
import Testing

@testable import SigilServerTestSupport

@Suite struct TCPTransportTests {
    private func withTCPServer(
        _ address: String = "127.0.0.1:0",
        configure: (inout TransportConfiguration) -> Void = { _ in },
        _ body: (TCPServer<ClosureHandlerFactory<EchoQRHandler>>, IPEndpoint) async throws -> Void
    ) async throws {
        let server = TCPServer(
            addresses: [try IPEndpoint(parsing: address)],
            configuration: testConfiguration(configure),
            handlerFactory: echoFactory
        )
        let bound = try await server.start()
        do {
            try await body(server, bound[0])
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test func answersPipelinedQueriesInOrder() async throws {
        try await withTCPServer { _, endpoint in
            let client = try ClientSocket(tcp: endpoint)
            let ids: [UInt16] = (0..<20).map { UInt16(1000 + $0 * 7) }
            try client.write(ids.flatMap { framed(makeQuery(id: $0)) })  // one write, twenty queries
            for id in ids {
                guard case .bytes(let reply) = client.readMessage() else {
                    Issue.record("no answer for \(id)")
                    return
                }
                #expect(messageID(reply) == id && reply[2] & 0x80 != 0)
            }
        }
    }

    @Test func answersOverIPv6AndAcrossSplitWrites() async throws {
        try await withTCPServer("[::1]:0") { _, endpoint in
            let client = try ClientSocket(tcp: endpoint)
            let bytes = framed(makeQuery(id: 31)) + framed(makeQuery(id: 32))
            // Byte by byte: the length prefix and the message arrive in pieces.
            for byte in bytes { try client.write([byte]) }
            for id: UInt16 in [31, 32] {
                guard case .bytes(let reply) = client.readMessage() else {
                    Issue.record("no answer for \(id)")
                    return
                }
                #expect(messageID(reply) == id)
            }
        }
    }

    @Test func carriesLargeResponses() async throws {
        try await withTCPServer { _, endpoint in
            let client = try ClientSocket(tcp: endpoint)
            try client.write(framed(makeQuery(id: 5, flags2: 0xFF)))
            guard case .bytes(let reply) = client.readMessage() else {
                Issue.record("no answer")
                return
            }
            #expect(reply.count == 60000 && messageID(reply) == 5 && reply[59999] == UInt8(truncatingIfNeeded: 59999))
        }
    }

    @Test func closesIdleConnections() async throws {
        try await withTCPServer(configure: { $0.tcpIdleTimeout = .milliseconds(300) }) { _, endpoint in
            let client = try ClientSocket(tcp: endpoint, timeout: 3)
            let start = NIODeadline.now()
            #expect(client.waitForClose())
            let elapsed = NIODeadline.now() - start
            #expect(elapsed >= .milliseconds(250) && elapsed < .seconds(2))
        }
    }

    @Test func activeConnectionsOutliveTheIdleTimeout() async throws {
        // The gaps are a third of the timeout so a loaded machine's late wake-ups can't close it,
        // and the whole exchange lasts well past one timeout.
        try await withTCPServer(configure: { $0.tcpIdleTimeout = .milliseconds(1500) }) { _, endpoint in
            let client = try ClientSocket(tcp: endpoint)
            for id: UInt16 in 0..<6 {
                try await Task.sleep(for: .milliseconds(500))
                try client.write(framed(makeQuery(id: id)))
                #expect(client.readMessage() != .closed)
            }
        }
    }

    @Test func closesAfterMaxQueriesPerConnection() async throws {
        try await withTCPServer(configure: { $0.tcpMaxQueriesPerConnection = 3 }) { _, endpoint in
            let client = try ClientSocket(tcp: endpoint)
            try client.write((0..<5).flatMap { framed(makeQuery(id: UInt16($0))) })
            // All five arrive in one read: every query already read is answered before the close.
            for id: UInt16 in 0..<5 {
                guard case .bytes(let reply) = client.readMessage() else {
                    Issue.record("no answer for \(id)")
                    return
                }
                #expect(messageID(reply) == id)
            }
            // Then a half-close: bytes sent after it are read and dropped, never answered with a reset.
            try? client.write(framed(makeQuery(id: 9)))
            #expect(client.waitForFIN())
        }
    }

    @Test func answersQueriesSentBeforeHalfClose() async throws {
        try await withTCPServer { _, endpoint in
            let client = try ClientSocket(tcp: endpoint)
            try client.write(framed(makeQuery(id: 1)) + framed(makeQuery(id: 2)))
            shutdown(client.fd, Int32(SHUT_WR))
            for id: UInt16 in [1, 2] {
                guard case .bytes(let reply) = client.readMessage() else {
                    Issue.record("no answer for \(id)")
                    return
                }
                #expect(messageID(reply) == id)
            }
            #expect(client.waitForClose())
        }
    }

    @Test func evictsTheOldestIdleConnectionAtTheCap() async throws {
        try await withTCPServer(configure: { $0.tcpMaxConnections = 2 }) { server, endpoint in
            var clients: [ClientSocket] = []
            for id: UInt16 in 0..<2 {
                let client = try ClientSocket(tcp: endpoint)
                try client.write(framed(makeQuery(id: id)))
                #expect(client.readMessage() != .closed)
                clients.append(client)
                try await Task.sleep(for: .milliseconds(20))  // so that the first is the older idle one
            }
            #expect(server.openConnections == 2)

            // A third is served; the oldest idle connection makes way for it with an orderly close.
            let third = try ClientSocket(tcp: endpoint)
            try third.write(framed(makeQuery(id: 3)))
            guard case .bytes(let reply) = third.readMessage() else {
                Issue.record("the third connection was not served")
                return
            }
            #expect(messageID(reply) == 3)
            #expect(clients[0].waitForFIN())
            #expect(server.evictedConnections == 1 && server.refusedConnections == 0)

            // With both slots in the middle of a message, nothing is idle: the next is refused.
            try clients[1].write([0])
            try third.write([0])
            try await Task.sleep(for: .milliseconds(50))
            let extra = try ClientSocket(tcp: endpoint)
            #expect(extra.waitForClose())
            #expect(server.refusedConnections >= 1)
        }
    }

    @Test func limitsConnectionsPerClient() async throws {
        try await withTCPServer(configure: { $0.tcpMaxConnectionsPerClient = 2 }) { server, endpoint in
            var held: [ClientSocket] = []
            for _ in 0..<2 {
                let client = try ClientSocket(tcp: endpoint)
                try client.write([0])  // mid-message: not idle, so not evictable
                held.append(client)
            }
            try await Task.sleep(for: .milliseconds(50))
            let third = try ClientSocket(tcp: endpoint)
            #expect(third.waitForClose())
            #expect(server.refusedConnections == 1)
            // Another address is another client (the server listens on 127.0.0.1, reachable from 127.0.0.2).
            let other = try ClientSocket(tcp: endpoint, source: "127.0.0.2")
            try other.write(framed(makeQuery(id: 7)))
            guard case .bytes(let reply) = other.readMessage() else {
                Issue.record("another client was refused")
                return
            }
            #expect(messageID(reply) == 7)
        }
    }

    /// A message trickled a byte at a time must still arrive whole within the I/O timeout of its first
    /// byte; the query answered before it is still delivered, then FIN.
    @Test func closesATricklingClientAtTheIOTimeout() async throws {
        try await withTCPServer(configure: { $0.tcpIOTimeout = .milliseconds(600) }) { _, endpoint in
            let client = try ClientSocket(tcp: endpoint, timeout: 5)
            try client.write(framed(makeQuery(id: 1)))
            guard case .bytes(let reply) = client.readMessage() else {
                Issue.record("the complete query was not answered")
                return
            }
            #expect(messageID(reply) == 1)
            let next = framed(makeQuery(id: 2))
            let start = NIODeadline.now()
            var closedAfter: TimeAmount? = nil
            // A byte every 100 ms: each one well inside any per-byte timeout, the whole far beyond 600 ms.
            for byte in next.dropLast() {
                var probe: UInt8 = 0
                if recv(client.fd, &probe, 1, Int32(MSG_DONTWAIT)) == 0 {
                    closedAfter = NIODeadline.now() - start
                    break
                }
                try client.write([byte])
                try await Task.sleep(for: .milliseconds(100))
            }
            let elapsed = try #require(closedAfter, "still open after the whole message but one byte")
            // Closed before the message could complete at all; the upper bound only allows for a loaded machine.
            #expect(elapsed >= .milliseconds(550) && elapsed < .milliseconds(2500), "closed after \(elapsed)")
        }
    }

    @Test func busyServersCloseIdleConnectionsSooner() async throws {
        try await withTCPServer(configure: {
            $0.tcpMaxConnections = 4; $0.tcpBusyIdleTimeout = .milliseconds(400)
        }) { _, endpoint in
            var clients: [ClientSocket] = []
            for _ in 0..<3 { clients.append(try ClientSocket(tcp: endpoint, timeout: 3)) }  // 3 of 4: busy
            let start = NIODeadline.now()
            #expect(clients[0].waitForFIN())
            #expect(NIODeadline.now() - start < .seconds(2))  // the idle timeout is 10 s
        }
    }

    /// A client that pipelines and never reads: the server stops reading it once the answers waiting for it
    /// pass the bound, so it holds at most the bound plus one answer (2 + 1,000 bytes here).
    @Test func boundsOutputForAClientThatNeverReads() async throws {
        try await withTCPServer(configure: { $0.tcpThreads = 1 }) { server, endpoint in
            let client = try ClientSocket(tcp: endpoint)
            client.setReceiveBuffer(4096)
            var query = makeQuery(id: 1)
            query += [UInt8](repeating: 0, count: 1000 - query.count)  // trailing bytes: echoed back
            let burst = (0..<64).flatMap { _ in framed(query) }
            _ = fcntl(client.fd, F_SETFL, fcntl(client.fd, F_GETFL) | O_NONBLOCK)
            var stalled = NIODeadline.now()
            // Writes until the server has not taken a byte for half a second: it stopped reading.
            while NIODeadline.now() - stalled < .milliseconds(500) {
                let rc = burst.withUnsafeBytes { send(client.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if rc > 0 { stalled = .now() } else { try await Task.sleep(for: .milliseconds(20)) }
            }
            let peak = server.peakPendingOutputBytes
            #expect(peak > 0, "backpressure never started")
            #expect(peak <= TransportConfiguration().tcpMaxPendingOutputBytes + 1002)
        }
    }

    @Test func slowReaderDoesNotStarveOthers() async throws {
        try await withTCPServer(configure: {
            $0.tcpThreads = 1; $0.tcpMaxQueriesPerConnection = 1000
        }) {
            _, endpoint in
            // The slow client asks for 200 × 60 kB and reads nothing for a while.
            let slow = try ClientSocket(tcp: endpoint, timeout: 5)
            let slowQueries = (0..<200).flatMap { framed(makeQuery(id: UInt16($0), flags2: 0xFF)) }
            try slow.write(slowQueries)

            // Meanwhile another client on the same (single) event loop is answered promptly.
            for id: UInt16 in 0..<10 {
                let other = try ClientSocket(tcp: endpoint, timeout: 1)
                try other.write(framed(makeQuery(id: 500 + id)))
                guard case .bytes(let reply) = other.readMessage() else {
                    Issue.record("other client starved")
                    return
                }
                #expect(messageID(reply) == 500 + id)
            }

            // The slow client eventually gets everything, in order.
            for id: UInt16 in 0..<200 {
                guard case .bytes(let reply) = slow.readMessage() else {
                    Issue.record("slow client lost answer \(id)")
                    return
                }
                #expect(messageID(reply) == id && reply.count == 60000)
            }
        }
    }
}
