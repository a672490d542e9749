import Glibc
import NIOCore
import QueryPipeline
import SigilServer
import Testing

@testable import SigilServerTestSupport

/// The malloc counter from Benchmarks/load/malloc-count.c, present only under that LD_PRELOAD shim.
private let mallocCount: (@convention(c) () -> UInt)? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sigil_malloc_count") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) () -> UInt).self)
}()

/// Steady-state UDP must not allocate per datagram. Run via Benchmarks/load/udp-alloc-check.sh, which preloads
/// a malloc counter; the count is process-wide, so the client loop below is allocation-free too.
@Suite struct UDPAllocationTests {
    @Test(.enabled(if: mallocCount != nil, "needs LD_PRELOAD of Benchmarks/load/malloc-count.c"))
    func noAllocationsPerDatagram() throws {
        let server = UDPServer(
            addresses: [try IPEndpoint(parsing: "127.0.0.1:0")],
            configuration: testConfiguration { $0.udpWorkers = 1 },
            handlerFactory: echoFactory
        )
        let endpoint = try server.start()[0]
        defer { server.stop() }

        let client = try ClientSocket(udp: .v4)
        client.setReceiveBuffer(4 << 20)
        let query = UnsafeMutableRawBufferPointer.allocate(byteCount: 29, alignment: 8)
        let reply = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 8)
        defer {
            query.deallocate()
            reply.deallocate()
        }
        makeQuery(id: 0).withUnsafeBytes { query.copyMemory(from: $0) }
        let rc = endpoint.withSockAddr { connect(client.fd, $0, $1) }
        try #require(rc == 0)

        /// Sends `total` queries in windows of 64 and waits for each window's answers; returns answers seen.
        func exchange(_ total: Int) -> Int {
            var answered = 0
            var sent = 0
            while sent < total {
                let window = min(64, total - sent)
                for _ in 0..<window { _ = Glibc.send(client.fd, query.baseAddress, query.count, 0) }
                sent += window
                for _ in 0..<window {
                    guard recv(client.fd, reply.baseAddress, reply.count, 0) > 0 else { break }
                    answered += 1
                }
            }
            return answered
        }

        _ = exchange(2000)  // warm-up: lazy runtime state, first-touch of buffers
        let total = 50_000
        let before = mallocCount!()
        let start = NIODeadline.now()
        let answered = exchange(total)
        let elapsed = NIODeadline.now() - start
        let allocations = mallocCount!() - before
        let perDatagram = Double(allocations) / Double(total)
        let rate = Double(answered) / (Double(elapsed.nanoseconds) / 1e9)
        print("allocations per datagram: \(perDatagram) (\(allocations) over \(total))")
        print("loopback ping-pong, windows of 64, 1 worker: \(Int(rate)) datagrams/s")
        #expect(answered == total)
        #expect(perDatagram < 0.01)

        // The counter does see Swift allocations (so the zero above means something).
        let probeBefore = mallocCount!()
        let probe = UnsafeMutableRawPointer.allocate(byteCount: 100, alignment: 8)
        probe.deallocate()
        #expect(mallocCount!() > probeBefore)
    }
}
