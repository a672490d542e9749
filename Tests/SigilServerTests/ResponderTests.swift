import DNSWire
import DNSZone
import QueryPipeline
import SigilServer
import Testing

@testable import SigilServerTestSupport

/// The responder in process, case by case: the wire behaviour the integration tests check with
/// kdig, here with exact packets and without sockets.
@Suite struct ResponderTests {
    static func store(serial: Int = 1) throws -> ZoneStore {
        let parsed = ZoneFileParser.parse(text: integrationZone(serial: serial), origin: nil)
        try #require(parsed.isValid, "\(parsed)")
        let zone = try Zone.build(origin: parsed.origin, records: parsed.records).zone
        let config = ZoneConfig(origin: parsed.origin, file: "<text>")
        return ZoneStore(ServingZones([LoadedZone(config: config, zone: zone)]))
    }

    /// A query from 127.0.0.1:1 to 127.0.0.1:53 over `transport`.
    static func context(_ transport: TransportKind = .udp) throws -> QueryContext {
        QueryContext(
            peer: try IPEndpoint(parsing: "127.0.0.1:1"), listener: try IPEndpoint(parsing: "127.0.0.1:53"),
            transport: transport)
    }

    static func respond(
        _ responder: inout Responder<NoStages>, _ packet: [UInt8], transport: TransportKind = .udp, capacity: Int = 4096
    ) throws -> [UInt8]? {
        let context = try context(transport)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 8)
        defer { buffer.deallocate() }
        let count = packet.withUnsafeBytes { responder.respond(to: $0, context: context, into: buffer) }
        return count.map { Array(buffer[0..<$0]) }
    }

    @Test func dropsRuntsAndResponses() throws {
        var responder = Responder(store: try Self.store())
        #expect(try Self.respond(&responder, Array(repeating: 0, count: 11)) == nil)
        var response = rawQuery(id: 1, name: "www.it.test", type: 1)
        response[2] |= 0x80
        #expect(try Self.respond(&responder, response) == nil)
    }

    @Test func answersWithTheQuerysIDCaseAndFlags() throws {
        var responder = Responder(store: try Self.store())
        var query = rawQuery(id: 0xBEEF, name: "WWW.it.TEST", type: 1)
        query[3] = 0x10  // CD
        let reply = try Message(decoding: try #require(try Self.respond(&responder, query)))
        #expect(reply.header.id == 0xBEEF && reply.header.isResponse && reply.header.authoritative)
        #expect(reply.header.recursionDesired && reply.header.checkingDisabled && !reply.header.recursionAvailable)
        #expect(reply.questions.first?.name.text == "WWW.it.TEST.")
        #expect(reply.answers.count == 1 && reply.edns == nil)
    }

    @Test func truncatesToTheQuestion() throws {
        var responder = Responder(store: try Self.store())
        let plain = try #require(try Self.respond(&responder, rawQuery(id: 2, name: "big.it.test", type: 1)))
        let message = try Message(decoding: plain)
        #expect(plain.count <= 512 && message.header.truncated && message.answers.isEmpty)
        #expect(message.questions.count == 1 && message.authority.isEmpty && message.additional.isEmpty)

        let edns = try Message(
            decoding: try #require(
                try Self.respond(&responder, rawQuery(id: 3, name: "big.it.test", type: 1).withOPT())))
        #expect(!edns.header.truncated && edns.answers.count == 40 && edns.edns?.udpPayloadSize == 1232)

        let tcp = try Message(
            decoding: try #require(
                try Self.respond(
                    &responder, rawQuery(id: 4, name: "big.it.test", type: 1), transport: .tcp, capacity: 65535)))
        #expect(!tcp.header.truncated && tcp.answers.count == 40)

        // The client's size is capped by the transport's buffer.
        let capped = try Message(
            decoding: try #require(
                try Self.respond(&responder, rawQuery(id: 5, name: "big.it.test", type: 1).withOPT(), capacity: 600)))
        #expect(capped.header.truncated && capped.edns != nil)
    }

    @Test func dropsAdditionalBeforeTruncating() throws {
        // 12 NS (or MX) whose AAAA do not all fit in 512 bytes.
        var extra = ""
        for index in 1...12 {
            let host = String(repeating: "x", count: 10)
            extra += "wide NS n\(index)-\(host).wide\nn\(index)-\(host).wide AAAA 2001:db8::\(index)\n"
            extra += "mxs MX \(index) m\(index)-\(host)\nm\(index)-\(host) AAAA 2001:db8::1:\(index)\n"
        }
        let parsed = ZoneFileParser.parse(text: integrationZone(serial: 1, extra: extra), origin: nil)
        let zone = try Zone.build(origin: parsed.origin, records: parsed.records).zone
        let store = ZoneStore(ServingZones([LoadedZone(config: ZoneConfig(origin: zone.origin, file: ""), zone: zone)]))
        var responder = Responder(store: store)

        // A positive answer: the additional AAAA that fit are kept, no TC.
        let mx = try #require(try Self.respond(&responder, rawQuery(id: 6, name: "mxs.it.test", type: 15)))
        let positive = try Message(decoding: mx)
        #expect(mx.count <= 512 && !positive.header.truncated && positive.answers.count == 12)
        #expect(positive.additional.count > 0 && positive.additional.count < 12, "the additional data that fits")

        // A referral: the glue that fits is kept, and TC is set because glue is missing (RFC 9471).
        let bytes = try #require(try Self.respond(&responder, rawQuery(id: 7, name: "a.wide.it.test", type: 1)))
        let referral = try Message(decoding: bytes)
        #expect(bytes.count <= 512 && referral.header.truncated)
        #expect(referral.authority.count == 12)
        #expect(referral.additional.count > 0 && referral.additional.count < 12, "the glue that fits")

        let tcp = try Message(
            decoding: try #require(
                try Self.respond(&responder, rawQuery(id: 8, name: "a.wide.it.test", type: 1), transport: .tcp)))
        #expect(tcp.additional.count == 12 && !tcp.header.truncated)
    }

    @Test func errorsEchoWhatWasReadable() throws {
        var responder = Responder(store: try Self.store())
        let cut = try Message(
            decoding: try #require(
                try Self.respond(&responder, Array(rawQuery(id: 8, name: "www.it.test", type: 1)[0..<15]))))
        #expect(cut.rcode == .formErr && cut.header.id == 8 && cut.questions.isEmpty)

        var badVersion = rawQuery(id: 9, name: "www.it.test", type: 1).withOPT()
        badVersion[badVersion.count - 5] = 1  // OPT version
        let bad = try Message(decoding: try #require(try Self.respond(&responder, badVersion)))
        #expect(bad.rcode == .badVers && bad.edns?.version == 0 && bad.questions.count == 1)

        var chaos = rawQuery(id: 10, name: "version.bind", type: 16)
        chaos[chaos.count - 1] = 3
        let refused = try Message(decoding: try #require(try Self.respond(&responder, chaos)))
        #expect(refused.rcode == .refused && !refused.header.authoritative)

        var update = rawQuery(id: 11, name: "it.test", type: 6)
        update[2] = 5 << 3
        let notImp = try Message(decoding: try #require(try Self.respond(&responder, update)))
        #expect(notImp.rcode == .notImp && notImp.header.opcode.rawValue == 5)
    }

    @Test func picksUpPublishedZones() throws {
        let store = try Self.store(serial: 1)
        var responder = Responder(store: store)
        func serial() throws -> UInt32? {
            let reply = try Message(
                decoding: try #require(try Self.respond(&responder, rawQuery(id: 12, name: "it.test", type: 6))))
            guard case .soa(let soa) = reply.answers.first?.data else { return nil }
            return soa.serial
        }
        #expect(try serial() == 1)
        store.publish(try Self.store(serial: 2).snapshot().zones)
        #expect(try serial() == 2)
    }
}
