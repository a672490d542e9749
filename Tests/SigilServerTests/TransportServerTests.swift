import Foundation
import Glibc
import QueryPipeline
import ServiceLifecycle
import SigilServer
import SigilTestSupport
import Testing

@testable import SigilServerTestSupport

@Suite struct TransportServerTests {
    @Test func servesUDPAndTCPOnTheSamePort() async throws {
        let server = TransportServer(
            listen: [try IPEndpoint(parsing: "127.0.0.1:0"), try IPEndpoint(parsing: "[::1]:0")],
            configuration: testConfiguration(),
            handlerFactory: echoFactory
        )
        let bound = try await server.start()
        for endpoint in bound {
            let udp = try ClientSocket(udp: endpoint.address.family)
            try udp.send(makeQuery(id: 11), to: endpoint)
            #expect(udp.receiveDatagram().map(messageID) == 11)

            let tcp = try ClientSocket(tcp: endpoint)
            try tcp.write(framed(makeQuery(id: 12)))
            guard case .bytes(let reply) = tcp.readMessage() else {
                Issue.record("no TCP answer on \(endpoint)")
                continue
            }
            #expect(messageID(reply) == 12)
        }
        await server.stop()
        #expect(throws: (any Error).self) { try ClientSocket(tcp: bound[0]) }
    }

    @Test func runsAsAServiceUntilCancelled() async throws {
        let server = TransportServer(
            listen: [try IPEndpoint(parsing: "127.0.0.1:0")],
            configuration: testConfiguration(),
            handlerFactory: echoFactory
        )
        let task = Task { try await server.run() }
        var bound: [IPEndpoint] = []
        for _ in 0..<100 where bound.isEmpty {
            try await Task.sleep(for: .milliseconds(20))
            bound = server.boundAddresses
        }
        let endpoint = try #require(bound.first)
        let udp = try ClientSocket(udp: .v4)
        try udp.send(makeQuery(id: 3), to: endpoint)
        #expect(udp.receiveDatagram().map(messageID) == 3)

        task.cancel()
        try await task.value
        #expect(server.boundAddresses.isEmpty)
    }
}
