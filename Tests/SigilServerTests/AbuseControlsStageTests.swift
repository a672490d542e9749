import DNSSEC
import DNSWire
import DNSZone
import QueryControls
import QueryPipeline
import SigilServer
import Testing

@testable import SigilServerTestSupport

extension [UInt8] {
    /// This query with an OPT carrying a COOKIE option of `cookie`, and DO if `dnssec`.
    func withCookie(_ cookie: [UInt8], dnssec: Bool = false) -> [UInt8] {
        var bytes = self
        bytes[11] = 1
        let length = UInt16(4 + cookie.count)
        return bytes + [0, 0, 41, 0x04, 0xD0, 0, 0, dnssec ? 0x80 : 0, 0, UInt8(length >> 8), UInt8(length & 0xFF)]
            + [0, 10, 0, UInt8(cookie.count)] + cookie
    }
}

/// The abuse controls through the real pipeline, without sockets: what each does to a response.
struct AbuseControlsStageTests {
    static func respond(
        _ responder: inout Responder<AbuseControls>, _ packet: [UInt8], from peer: String = "127.0.0.1:1",
        transport: TransportKind = .udp
    ) throws -> Message? {
        let context = QueryContext(
            peer: try IPEndpoint(parsing: peer), listener: try IPEndpoint(parsing: "127.0.0.1:53"),
            transport: transport)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 8)
        defer { buffer.deallocate() }
        let length = packet.withUnsafeBytes { responder.respond(to: $0, context: context, into: buffer) }
        guard let length else { return nil }
        return try Message(decoding: Array(buffer[0..<length]))
    }

    /// The server cookie (16 bytes) of a response, if any.
    static func serverCookie(_ message: Message) -> [UInt8]? {
        guard let option = message.edns?.options.first(where: { $0.code == 10 }), option.data.count == 24 else {
            return nil
        }
        return Array(option.data[8...])
    }

    @Test func rateLimitAnswersTheRateThenSlipsOrDrops() throws {
        var limit = RateLimitConfiguration()
        limit.responsesPerSecond = 5
        limit.slip = 2
        var responder = Responder(
            store: try ResponderTests.store(), stages: AbuseControlsPlan(rateLimit: limit).makeStage())
        let query = rawQuery(id: 1, name: "www.it.test", type: 1)
        var answered = 0
        var slipped = 0
        var dropped = 0
        for _ in 0..<25 {
            guard let message = try Self.respond(&responder, query) else {
                dropped += 1
                continue
            }
            if message.header.truncated {
                #expect(message.answers.isEmpty)
                slipped += 1
            } else {
                answered += 1
            }
        }
        // Within one second (a boundary may add up to 5 more answers).
        #expect((5...10).contains(answered), "answered \(answered)")
        #expect(slipped > 0 && dropped > 0 && abs(slipped - dropped) <= 1, "slipped \(slipped), dropped \(dropped)")

        // Another /24, TCP, and another name are not counted with it.
        #expect(try Self.respond(&responder, query, from: "127.0.1.1:1")?.header.truncated == false)
        #expect(try Self.respond(&responder, query, transport: .tcp)?.header.truncated == false)
        #expect(try Self.respond(&responder, rawQuery(id: 2, name: "it.test", type: 6))?.header.truncated == false)
    }

    @Test func randomNamesShareTheZonesDenialBucket() throws {
        var limit = RateLimitConfiguration()
        limit.responsesPerSecond = 3
        limit.slip = 0
        var responder = Responder(
            store: try ResponderTests.store(), stages: AbuseControlsPlan(rateLimit: limit).makeStage())
        var answered = 0
        for index in 0..<20 {
            if try Self.respond(&responder, rawQuery(id: 1, name: "r\(index).it.test", type: 1)) != nil {
                answered += 1
            }
        }
        #expect((3...6).contains(answered), "answered \(answered)")
    }

    @Test func cookiesAreIssuedCheckedAndExemptFromTheLimit() throws {
        var limit = RateLimitConfiguration()
        limit.responsesPerSecond = 1
        limit.slip = 1
        let secrets = CookieSecrets(secret: CookieSecrets.parse("00112233445566778899aabbccddeeff"))
        var responder = Responder(
            store: try ResponderTests.store(),
            stages: AbuseControlsPlan(cookies: secrets, rateLimit: limit).makeStage())
        let client: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
        let first = try #require(
            try Self.respond(&responder, rawQuery(id: 1, name: "www.it.test", type: 1).withCookie(client)))
        let server = try #require(Self.serverCookie(first))
        #expect(server[0] == 1 && server[1...3] == [0, 0, 0], "version 1, reserved zero")

        // With the cookie, never limited; with a tampered one, limited (slipped).
        for _ in 0..<5 {
            let reply = try Self.respond(
                &responder, rawQuery(id: 2, name: "www.it.test", type: 1).withCookie(client + server))
            #expect(reply?.header.truncated == false && reply?.answers.count == 1)
        }
        var tampered = server
        tampered[15] ^= 1
        let bad = try Self.respond(
            &responder, rawQuery(id: 3, name: "www.it.test", type: 1).withCookie(client + tampered))
        #expect(bad?.header.truncated == true)
        // The same cookie from another address is not valid either.
        _ = try Self.respond(&responder, rawQuery(id: 4, name: "www.it.test", type: 1), from: "127.0.2.1:1")
        let moved = try Self.respond(
            &responder, rawQuery(id: 4, name: "www.it.test", type: 1).withCookie(client + server), from: "127.0.2.1:1")
        #expect(moved?.header.truncated == true)

        // Malformed: FORMERR without a cookie.
        let malformed = try #require(
            try Self.respond(&responder, rawQuery(id: 5, name: "www.it.test", type: 1).withCookie([1, 2, 3, 4, 5])))
        #expect(malformed.rcode == .formErr && Self.serverCookie(malformed) == nil)

        // After a roll the old secret's cookies stay good.
        secrets.roll()
        let afterRoll = try Self.respond(
            &responder, rawQuery(id: 6, name: "www.it.test", type: 1).withCookie(client + server), from: "127.0.0.1:1")
        #expect(afterRoll?.header.truncated == false)
    }

    @Test func aSlipKeepsOPTWithAFreshCookieThatLetsTheClientBackIn() throws {
        var limit = RateLimitConfiguration()
        limit.responsesPerSecond = 1
        limit.slip = 1
        let secrets = CookieSecrets(secret: CookieSecrets.parse("00112233445566778899aabbccddeeff"))
        var responder = Responder(
            store: try ResponderTests.store(),
            stages: AbuseControlsPlan(cookies: secrets, rateLimit: limit).makeStage())
        let client: [UInt8] = [8, 7, 6, 5, 4, 3, 2, 1]
        // A flood of one name from this /24 (the first few are answered).
        var slipped: Message? = nil
        for id in 1...10 {
            let reply = try Self.respond(
                &responder, rawQuery(id: UInt16(id), name: "www.it.test", type: 1).withCookie(client, dnssec: true))
            if reply?.header.truncated == true { slipped = reply }
        }
        let slip = try #require(slipped)
        #expect(slip.answers.isEmpty && slip.authority.isEmpty)
        #expect(slip.edns != nil && slip.edns?.dnssecOK == true, "the slip keeps OPT (RFC 6891 §7)")
        // Its fresh server cookie makes the next query a verified one: answered despite the limit.
        let server = try #require(Self.serverCookie(slip))
        let back = try Self.respond(
            &responder, rawQuery(id: 11, name: "www.it.test", type: 1).withCookie(client + server, dnssec: true))
        #expect(back?.header.truncated == false && back?.answers.count == 1)
        // Without EDNS, a slip is the bare header and question.
        var plain: Message? = nil
        for id in 12...16 {
            let reply = try Self.respond(&responder, rawQuery(id: UInt16(id), name: "www.it.test", type: 1))
            if reply?.header.truncated == true { plain = reply }
        }
        #expect(plain != nil && plain?.edns == nil && plain?.additional.isEmpty == true)
        // A slipped BADVERS keeps its extended RCODE in the re-written OPT.
        var badVersion: Message? = nil
        for id in 17...30 {
            var query = rawQuery(id: UInt16(id), name: "www.it.test", type: 1).withCookie(client)
            query[query.count - 11 - 12 + 6] = 1  // EDNS version 1
            let reply = try Self.respond(&responder, query, from: "127.0.3.1:1")
            if reply?.header.truncated == true { badVersion = reply }
        }
        #expect(badVersion?.edns?.extendedRCode == 1, "BADVERS = 16: extended bits 1")
    }

    @Test func signingBudgetTruncatesColdDenialsOnly() throws {
        var budget = SigningBudgetConfiguration()
        budget.global = 1000
        budget.perClient = 3
        var responder = Responder(
            store: try ResponderSigningTests.signedStore(denial: .nsec3Narrow),
            stages: AbuseControlsPlan(signingBudget: budget).makeStage())
        var truncated = 0
        for index in 0..<10 {
            let reply = try #require(
                try Self.respond(&responder, rawQuery(id: 1, name: "n\(index).it.test", type: 1).withDO()))
            if reply.header.truncated { truncated += 1 } else { #expect(reply.rcode == .nxDomain) }
        }
        #expect((4...7).contains(truncated), "\(truncated) of 10 over a budget of 3 a second")
        // Cached signatures are not limited; nor TCP, nor another prefix.
        let positive = try Self.respond(&responder, rawQuery(id: 2, name: "www.it.test", type: 1).withDO())
        #expect(positive?.header.truncated == false && positive?.answers.isEmpty == false)
        let tcp = try Self.respond(&responder, rawQuery(id: 3, name: "t.it.test", type: 1).withDO(), transport: .tcp)
        #expect(tcp?.header.truncated == false && tcp?.rcode == .nxDomain)
        let other = try Self.respond(
            &responder, rawQuery(id: 4, name: "o.it.test", type: 1).withDO(), from: "10.1.1.1:5")
        #expect(other?.header.truncated == false)
    }
}
