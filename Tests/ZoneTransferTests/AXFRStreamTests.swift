import DNSSEC
import DNSWire
import DNSZone
import QueryControls
import Testing

@testable import DNSSECTestSupport
@testable import ZoneTransfer

@Suite struct AXFRStreamTests {
    func transfer(_ signer: ZoneSigner, limit: Int = 65535 - 512) throws -> (messages: [Message], sizes: [Int]) {
        let question = try DNSName(text: "example.test.").wire + [0, 252, 0, 1]
        var stream = try AXFRStream(
            zone: signer.zone, signer: signer, id: 7, queryFlags: 0, question: question, now: 1_700_000_000,
            messageLimit: limit)
        var writer = WireWriter()
        var messages: [Message] = []
        var sizes: [Int] = []
        while stream.next(into: &writer) {
            sizes.append(writer.count)
            messages.append(try Message(decoding: writer.bytes))
        }
        return (messages, sizes)
    }

    /// The data records (not RRSIG) as text, to compare with the signer's own signed zone.
    func dataRecords(_ records: [ResourceRecord]) -> Set<String> {
        Set(records.filter { $0.type != .rrsig }.map(\.text))
    }

    @Test(arguments: [DenialMode.nsec3, .nsec3Narrow])
    func transfersTheWholeSignedZone(denial: DenialMode) throws {
        var configuration = SignerConfiguration()
        configuration.denial = denial
        let signer = try ZoneSigner(
            zone: try SignerFixtures.zone(), keys: try SignerFixtures.keys(.ecdsaP256SHA256, csk: false),
            configuration: configuration)
        let (messages, sizes) = try transfer(signer)
        let records = messages.flatMap(\.answers)
        #expect(records.first?.type == .soa)
        #expect(records.last?.type == .soa)
        #expect(records.filter { $0.type == .soa }.count == 2)
        #expect(messages[0].questions.count == 1)
        #expect(sizes.allSatisfy { $0 <= 65535 })
        #expect(messages.allSatisfy { $0.header.authoritative && $0.header.id == 7 })
        // Every record of the signed zone text (which has the full chain) and nothing else.
        var full = configuration
        full.denial = .nsec3
        let reference = try ZoneSigner(zone: signer.zone, keys: signer.keys, configuration: full)
        var expected = dataRecords(try reference.signedRecords())
        expected.formUnion(records.filter { $0.type == .soa }.map(\.text))
        #expect(dataRecords(records) == expected)
        #expect(records.contains { $0.type == .dnskey } && records.contains { $0.type == .cds })
        #expect(records.filter { $0.type == .nsec3 }.count > 10)
        // One RRSIG per signing key per signed RRset, as in the signed zone text.
        #expect(
            records.filter { $0.type == .rrsig }.count
                == (try reference.signedRecords()).filter { $0.type == .rrsig }.count
        )
    }

    @Test func splitsIntoMessagesUnderTheLimit() throws {
        let signer = try ZoneSigner(
            zone: try SignerFixtures.zone(), keys: try SignerFixtures.keys(.ed25519, csk: true))
        let whole = try transfer(signer)
        let split = try transfer(signer, limit: 1200)
        #expect(whole.messages.count == 1)
        #expect(split.messages.count > 3)
        #expect(split.sizes.allSatisfy { $0 <= 1200 })
        #expect(split.messages.dropFirst().allSatisfy { $0.questions.isEmpty })
        #expect(
            dataRecords(split.messages.flatMap(\.answers)) == dataRecords(whole.messages.flatMap(\.answers)))
    }

    /// A zone of many 64 KiB messages: owners past 0x4000 (repeated, not pointed at), RRSIGs
    /// pointing at their NSEC3 record, records cut between messages. With the cache warm (every
    /// signature made once, by `signedRecords`) every record, RRSIGs included, is the signed
    /// zone's, in its order but for the SOA's place; with it cold the transfer signs what is
    /// missing: the same records.
    @Test func largeZoneIsTheSignedZoneWithCachedSignatures() throws {
        var text = SignerFixtures.zoneText
        for host in 0..<1500 {
            text += "host\(host) A 192.0.2.\(host % 250 + 1)\nhost\(host) AAAA 2001:db8::\(host)\n"
            if host % 3 == 0 { text += "host\(host) TXT \"token-\(host)\"\n" }
        }
        let zone = try SignerFixtures.zone(text)
        let keys = try SignerFixtures.keys(.ed25519, csk: false)
        let warm = try ZoneSigner(zone: zone, keys: keys)
        let signedRecords = try warm.signedRecords()
        let signed = signedRecords.map(\.text)
        let (messages, sizes) = try transfer(warm)
        #expect(messages.count > 5)
        #expect(sizes.allSatisfy { $0 <= 65535 - 512 })
        let records = messages.flatMap(\.answers).map(\.text)
        #expect(records.count == signed.count + 1)
        #expect(records.first == records.last)
        // The SOA and its RRSIG go first; everything else in the signed zone's order.
        let soa = signedRecords.filter {
            if case .rrsig(let rrsig) = $0.data { return rrsig.typeCovered == .soa }
            return $0.type == .soa
        }.map(\.text)
        #expect(soa.count == 2)
        #expect(Array(records.prefix(2)) == soa)
        #expect(Array(records.dropFirst(2).dropLast()) == signed.filter { !soa.contains($0) })

        let cold = try ZoneSigner(zone: zone, keys: keys)
        let coldRecords = try transfer(cold).messages.flatMap(\.answers)
        #expect(coldRecords.count == records.count)
        #expect(dataRecords(coldRecords) == dataRecords(messages.flatMap(\.answers)))
    }

    @Test func accessListNeedsAddressAndKey() throws {
        let key = try DNSName(typed: "xfr-key")
        let list = AccessList([
            AccessRule(prefix: AddressPrefix("127.0.0.0/8")!, key: key),
            AccessRule(prefix: AddressPrefix("::1")!, key: nil),
        ])
        #expect(list.allows(.loopbackV4, key: key))
        #expect(!list.allows(.loopbackV4, key: nil))
        #expect(!list.allows(.loopbackV4, key: try DNSName(typed: "other")))
        #expect(list.allows(.loopbackV6, key: nil))
        #expect(!AccessList.nobody.allows(.loopbackV4, key: key))
        #expect(!AccessRule(prefix: AddressPrefix("10.0.0.0/8")!, key: nil).prefix.contains(.loopbackV4))
        #expect(AddressPrefix("127.0.0.1/33") == nil)
    }
}
