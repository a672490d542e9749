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
            for id: UInt16 in 0..<3 {
                guard case .bytes(let reply) = client.readMessage() else {
                    Issue.record("no answer for \(id)")
                    return
                }
                #expect(messageID(reply) == id)
            }
            #expect(client.waitForClose())
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

    @Test func refusesConnectionsBeyondTheCap() async throws {
        try await withTCPServer(configure: { $0.tcpMaxConnections = 2 }) { server, endpoint in
            var clients: [ClientSocket] = []
            for id: UInt16 in 0..<2 {
                let client = try ClientSocket(tcp: endpoint)
                try client.write(framed(makeQuery(id: id)))
                #expect(client.readMessage() != .closed)
                clients.append(client)
            }
            #expect(server.openConnections == 2)

            let extra = try ClientSocket(tcp: endpoint)  // the kernel accepts; the server then closes it
            #expect(extra.waitForClose())
            #expect(server.refusedConnections >= 1)

            clients.removeFirst()  // closes one; a new connection fits again once the server notices
            var served = false
            for _ in 0..<20 where !served {
                try await Task.sleep(for: .milliseconds(50))
                let again = try ClientSocket(tcp: endpoint)
                try? again.write(framed(makeQuery(id: 99)))
                if case .bytes(let reply) = again.readMessage() { served = messageID(reply) == 99 }
            }
            #expect(served)
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
