import DNSSEC
import DNSWire
import DNSZone
import Glibc
import Logging
import QueryControls
import QueryPipeline
import SigilServer
import TSIG
import Testing

@testable import SigilServerTestSupport

/// The malloc counter from Benchmarks/load/malloc-count.c, present only under that LD_PRELOAD shim.
private let mallocCount: (@convention(c) () -> UInt)? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sigil_malloc_count") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) () -> UInt).self)
}()

/// Debug builds allocate inside DNSWire's unspecialized generic appends (see DNSZone's
/// SteadyStateTests), so the count is only meaningful in a release build.
#if DEBUG
private let optimized = false
#else
private let optimized = true
#endif

private let measurable = mallocCount != nil && optimized

/// The whole query path — UDP worker, responder, zone lookup, encoder, EDNS, truncation — must not
/// allocate per query once warm. Run in release with the shim of Benchmarks/load/udp-alloc-check.sh:
///
///     swift build -c release --build-tests -Xswiftc -enable-testing
///     clang -O2 -shared -fPIC -o /tmp/mc.so Benchmarks/load/malloc-count.c
///     LD_PRELOAD=/tmp/mc.so swift test -c release --skip-build --filter ResponderAllocationTests
@Suite(.serialized) struct ResponderAllocationTests {
    /// Signed answers (DO set) on a warm signature cache, in both denial modes: a positive answer
    /// with its RRSIG, an NXDOMAIN with its NSEC3 proofs, a signed truncation, a DNSKEY query.
    @Test(
        .enabled(if: measurable, "needs a release build and LD_PRELOAD of Benchmarks/load/malloc-count.c"),
        arguments: DenialMode.allCases)
    func noAllocationsPerSignedQuery(denial: DenialMode) throws {
        var responder = Responder(store: try ResponderSigningTests.signedStore(denial: denial))
        let context = try ResponderTests.context()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 8)
        defer { buffer.deallocate() }
        var small = rawQuery(id: 3, name: "big.it.test", type: 1).withDO()
        small[small.count - 8] = 0x02
        small[small.count - 7] = 0x00
        let cases: [(String, [UInt8])] = [
            ("signed positive", rawQuery(id: 1, name: "www.it.test", type: 1).withDO()),
            ("signed nxdomain", rawQuery(id: 2, name: "nope.it.test", type: 28).withDO()),
            ("signed nodata", rawQuery(id: 2, name: "www.it.test", type: 28).withDO()),
            ("signed truncated", small),
            ("signed dnskey", rawQuery(id: 4, name: "it.test", type: 48).withDO()),
            ("signed referral", rawQuery(id: 5, name: "a.child.it.test", type: 1).withDO()),
        ]
        for (label, packet) in cases {
            let allocations = Self.allocationsOver1000(&responder, packet, context, buffer)
            print("responder allocations, \(label) (\(denial.rawValue)): \(Double(allocations) / 1000) per query")
            #expect(allocations == 0, "\(label), \(denial.rawValue)")
        }
    }

    /// Every abuse control on (cookies, rate limit, signing budget), narrow signing: answers,
    /// limited responses (dropped and slipped), cookie checks, budget refusals — none allocates.
    @Test(.enabled(if: measurable, "needs a release build and LD_PRELOAD of Benchmarks/load/malloc-count.c"))
    func noAllocationsPerQueryWithEveryControl() throws {
        var limit = RateLimitConfiguration()
        limit.responsesPerSecond = 50
        var budget = SigningBudgetConfiguration()
        budget.perClient = 50
        let plan = AbuseControlsPlan(cookies: CookieSecrets(), rateLimit: limit, signingBudget: budget)
        var responder = Responder(
            store: try ResponderSigningTests.signedStore(denial: .nsec3Narrow), stages: plan.makeStage())
        let context = try ResponderTests.context()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 8)
        defer { buffer.deallocate() }
        let client: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
        let cases: [(String, [UInt8])] = [
            ("limited positive, client cookie", rawQuery(id: 1, name: "www.it.test", type: 1).withCookie(client)),
            ("limited signed nxdomain", rawQuery(id: 2, name: "nope.it.test", type: 28).withDO()),
            (
                "bad server cookie",
                rawQuery(id: 3, name: "www.it.test", type: 1).withCookie(client + [UInt8](repeating: 1, count: 16))
            ),
            ("malformed cookie", rawQuery(id: 4, name: "www.it.test", type: 1).withCookie([1, 2, 3])),
            ("refused", rawQuery(id: 6, name: "example.com", type: 1)),
            ("tcp-less plain", rawQuery(id: 7, name: "it.test", type: 6)),
        ]
        for (label, packet) in cases {
            let allocations = Self.allocationsOver1000(&responder, packet, context, buffer)
            print("responder allocations with every control, \(label): \(Double(allocations) / 1000) per query")
            #expect(allocations == 0, "\(label)")
        }
    }

    /// Heap allocations while answering `packet` 1000 times, after 100 answers to warm caches up.
    static func allocationsOver1000<Stages: QueryStage>(
        _ responder: inout Responder<Stages>, _ packet: [UInt8], _ context: QueryContext,
        _ buffer: UnsafeMutableRawBufferPointer
    ) -> UInt {
        packet.withUnsafeBytes { query in
            for _ in 0..<100 { _ = responder.respond(to: query, context: context, into: buffer) }
            let before = mallocCount!()
            for _ in 0..<1000 { _ = responder.respond(to: query, context: context, into: buffer) }
            return mallocCount!() - before
        }
    }

    /// Each kind of query on its own, in process: which path allocates, if any.
    @Test(.enabled(if: measurable, "needs a release build and LD_PRELOAD of Benchmarks/load/malloc-count.c"))
    func noAllocationsPerQueryKind() throws {
        var responder = Responder(store: try ResponderTests.store())
        let context = try ResponderTests.context()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 8)
        defer { buffer.deallocate() }
        var badVersion = rawQuery(id: 9, name: "www.it.test", type: 1).withOPT()
        badVersion[badVersion.count - 5] = 1
        let cases: [(String, [UInt8])] = [
            ("positive", rawQuery(id: 1, name: "www.it.test", type: 1)),
            ("truncated", rawQuery(id: 2, name: "big.it.test", type: 1)),
            ("edns", rawQuery(id: 3, name: "big.it.test", type: 1).withOPT()),
            ("nxdomain", rawQuery(id: 4, name: "nope.it.test", type: 28)),
            ("referral", rawQuery(id: 5, name: "a.child.it.test", type: 1)),
            ("refused", rawQuery(id: 6, name: "example.com", type: 1)),
            ("formerr, name cut short", Array(rawQuery(id: 7, name: "www.it.test", type: 1)[0..<20])),
            ("formerr, trailing data", rawQuery(id: 7, name: "www.it.test", type: 1).withOPT() + [0xde, 0xad]),
            ("formerr, no question", Array(rawQuery(id: 7, name: "www.it.test", type: 1)[0..<12])),
            ("badvers", badVersion),
        ]
        for (label, packet) in cases {
            let allocations = Self.allocationsOver1000(&responder, packet, context, buffer)
            print("responder allocations, \(label): \(Double(allocations) / 1000) per query")
            // A malformed query makes `Query.decode` throw. In the test process every throw costs one
            // allocation that the `sigil` binary does not show (a release `sigil serve` under the
            // same shim: the process total does not grow with 10 000 malformed queries), presumably
            // the test library's hook on thrown errors boxing the typed error.
            #expect(allocations <= (label.hasPrefix("formerr") ? 1000 : 0), "\(label)")
        }
    }

    /// Through the server's own handler over a UDP worker: the pipeline alone, and with every stage the
    /// server can switch on (cookies, a rate limit the mix stays under, the signing budget, and the transfer
    /// service with its TSIG check).
    @Test(
        .enabled(if: measurable, "needs a release build and LD_PRELOAD of Benchmarks/load/malloc-count.c"),
        arguments: [false, true])
    func noAllocationsPerQuery(everyStage: Bool) throws {
        let store = try ResponderTests.store()
        var configuration = TransportConfiguration()
        configuration.udpWorkers = 1
        configuration.tcpThreads = 1
        let factory: ResponderFactory
        if everyStage {
            var limit = RateLimitConfiguration()
            limit.responsesPerSecond = 1_000_000
            var budget = SigningBudgetConfiguration()
            budget.perClient = 1_000_000
            let plan = AbuseControlsPlan(cookies: CookieSecrets(), rateLimit: limit, signingBudget: budget)
            let catalog = ZoneCatalog(store: store, logger: Logger(label: "alloc"))
            let transfers = TransferService(catalog: catalog, keyring: TSIGKeyring(), logger: Logger(label: "alloc"))
            factory = ResponderFactory(store: store, controls: plan, transfers: transfers)
        } else {
            factory = ResponderFactory(store: store)
        }
        let server = UDPServer(
            addresses: [try IPEndpoint(parsing: "127.0.0.1:0")], configuration: configuration,
            handlerFactory: factory)
        let endpoint = try server.start()[0]
        defer { server.stop() }

        // A mix: positive, truncated (no EDNS), positive with EDNS, NXDOMAIN, referral, REFUSED.
        let queries: [[UInt8]] = [
            rawQuery(id: 1, name: "www.it.test", type: 1), rawQuery(id: 2, name: "big.it.test", type: 1),
            rawQuery(id: 3, name: "big.it.test", type: 1).withOPT(), rawQuery(id: 4, name: "nope.it.test", type: 28),
            rawQuery(id: 5, name: "a.child.it.test", type: 1), rawQuery(id: 6, name: "example.com", type: 1),
        ]
        let client = try ClientSocket(udp: .v4)
        client.setReceiveBuffer(4 << 20)
        let packets = queries.map { query in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: query.count, alignment: 8)
            query.withUnsafeBytes { buffer.copyMemory(from: $0) }
            return buffer
        }
        let reply = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 8)
        defer {
            packets.forEach { $0.deallocate() }
            reply.deallocate()
        }
        let rc = endpoint.withSockAddr { connect(client.fd, $0, $1) }
        try #require(rc == 0)

        func exchange(_ total: Int) -> Int {
            var answered = 0
            var sent = 0
            while sent < total {
                let window = min(60, total - sent)
                for index in 0..<window {
                    let packet = packets[index % packets.count]
                    _ = Glibc.send(client.fd, packet.baseAddress, packet.count, 0)
                }
                sent += window
                for _ in 0..<window {
                    guard recv(client.fd, reply.baseAddress, reply.count, 0) > 0 else { break }
                    answered += 1
                }
            }
            return answered
        }

        _ = exchange(3000)
        let total = 30_000
        let before = mallocCount!()
        let answered = exchange(total)
        let allocations = mallocCount!() - before
        print(
            "responder allocations per query (every stage: \(everyStage)): \(Double(allocations) / Double(total)) (\(allocations) over \(total))"
        )
        #expect(answered == total)
        #expect(Double(allocations) / Double(total) < 0.01)
    }
}
