import DNSSEC
import DNSWire
import DNSZone
import QueryPipeline
import SigilServer
import Testing

@testable import SigilServerTestSupport

/// The responder with a signed zone: DO decides signed or plain, and truncation never splits an
/// RRset from its RRSIGs. That the signatures validate is checked live, with Unbound and delv
/// (`DNSSECValidationTests`).
@Suite struct ResponderSigningTests {
    /// `it.test.` signed with a new combined signing key.
    static func signedStore(denial: DenialMode = .nsec3) throws -> ZoneStore {
        let parsed = ZoneFileParser.parse(text: integrationZone(serial: 1), origin: nil)
        try #require(parsed.isValid, "\(parsed)")
        let zone = try Zone.build(origin: parsed.origin, records: parsed.records).zone
        let key = ZoneKey(signingKey: try SigningKey.generate(.ecdsaP256SHA256), ksk: true)
        let signer = try ZoneSigner(zone: zone, keys: [key], configuration: SignerConfiguration(denial: denial))
        let config = ZoneConfig(origin: parsed.origin, file: "<text>")
        return ZoneStore(ServingZones([LoadedZone(config: config, signer: signer)]))
    }

    static func ask(_ responder: inout Responder<NoStages>, _ packet: [UInt8], capacity: Int = 4096) throws -> Message {
        try Message(decoding: try #require(try ResponderTests.respond(&responder, packet, capacity: capacity)))
    }

    @Test(arguments: DenialMode.allCases) func doDecidesSignedOrPlain(denial: DenialMode) throws {
        var responder = Responder(store: try Self.signedStore(denial: denial))
        let plain = try Self.ask(&responder, rawQuery(id: 1, name: "www.it.test", type: 1).withOPT())
        #expect(plain.answers.map(\.type) == [.a])
        let signed = try Self.ask(&responder, rawQuery(id: 1, name: "www.it.test", type: 1).withDO())
        #expect(signed.answers.map(\.type) == [.a, .rrsig])
        #expect(signed.edns?.dnssecOK == true)
        let apex = try Self.ask(&responder, rawQuery(id: 2, name: "it.test", type: 48).withDO())
        #expect(apex.answers.map(\.type) == [.dnskey, .rrsig], "the signer's zone is the one served")
        let nx = try Self.ask(&responder, rawQuery(id: 3, name: "nope.it.test", type: 1).withDO())
        #expect(nx.rcode == .nxDomain)
        #expect(nx.authority.contains { $0.type == .nsec3 } && nx.authority.contains { $0.type == .rrsig })
        // No OPT, no DO: never signed.
        let noEDNS = try Self.ask(&responder, rawQuery(id: 4, name: "nope.it.test", type: 1))
        #expect(!noEDNS.authority.contains { $0.type == .nsec3 || $0.type == .rrsig })
    }

    /// 40 A records and their RRSIG do not fit 512 bytes: cut to the question with TC, never the
    /// A records without their signature. With room, they come with it.
    @Test func signedTruncation() throws {
        var responder = Responder(store: try Self.signedStore())
        var small = rawQuery(id: 5, name: "big.it.test", type: 1).withDO()
        small[small.count - 8] = 0x02  // payload 512
        small[small.count - 7] = 0x00
        let cut = try Self.ask(&responder, small)
        #expect(cut.header.truncated && cut.answers.isEmpty && cut.authority.isEmpty)
        let full = try Self.ask(&responder, rawQuery(id: 6, name: "big.it.test", type: 1).withDO())
        #expect(!full.header.truncated)
        #expect(full.answers.filter { $0.type == .a }.count == 40 && full.answers.last?.type == .rrsig)
    }
}

extension [UInt8] {
    /// This query with an OPT (payload 1232) with the DO bit set, and ARCOUNT 1.
    func withDO() -> [UInt8] {
        var bytes = self
        bytes[11] = 1
        return bytes + [0, 0, 41, 0x04, 0xD0, 0, 0, 0x80, 0, 0, 0]
    }
}
