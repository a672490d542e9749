import Testing

@testable import DNSWire

/// Whole messages built by dnspython: decoded and re-encoded byte for byte. Both encoders compress
/// every name they are allowed to (owners, question, and the RDATA names of NS/CNAME/SOA/MX/PTR),
/// pointing at the first occurrence of the longest suffix, and neither compresses SRV, RRSIG or
/// NSEC3 names, so the bytes match exactly; no structural fallback is needed for these messages.
@Suite struct GoldenMessageTests {
    static let messages: [String: [UInt8]] = Dictionary(
        uniqueKeysWithValues: Fixtures.rows("messages").map { ($0[0], Fixtures.bytes($0[1])) })

    @Test func fixtureHasTheMessages() {
        #expect(Set(Self.messages.keys) == ["query-edns-do-cookie", "response-compressed", "nxdomain-nsec3"])
    }

    @Test(arguments: ["query-edns-do-cookie", "response-compressed", "nxdomain-nsec3"])
    func reencodesByteForByte(_ label: String) throws {
        let wire = try #require(Self.messages[label])
        let message = try Message(decoding: wire)
        #expect(message.encoded() == wire)
    }

    @Test func queryFields() throws {
        let wire = try #require(Self.messages["query-edns-do-cookie"])
        let message = try Message(decoding: wire)
        #expect(message.header.id == 0x1234 && message.header.recursionDesired)
        #expect(message.questions == [Question(name: try DNSName(text: "www.example.com."), type: .a)])
        #expect(message.edns?.dnssecOK == true && message.edns?.udpPayloadSize == 1232)
        #expect(message.edns?.options == [EDNS.Option(code: EDNS.Option.cookie, data: [1, 2, 3, 4, 5, 6, 7, 8])])
        var query = Query()
        try wire.withUnsafeBytes { try query.decode($0) }
        #expect(query.dnssecOK && query.cookie.map { Array(wire[$0]) } == [1, 2, 3, 4, 5, 6, 7, 8])
    }

    @Test func responseUsesPointers() throws {
        let wire = try #require(Self.messages["response-compressed"])
        let message = try Message(decoding: wire)
        #expect(message.answers.count == 3 && message.authority.count == 2 && message.additional.count == 3)
        guard case .srv(let srv) = message.additional[2].data else {
            Issue.record("expected SRV, got \(message.additional[2].data.type)")
            return
        }
        #expect(srv.target.text == "mail.example.com.")
        // The first answer's owner is a pointer to the question name at offset 12.
        let answerAt = 12 + message.questions[0].name.wireLength + 4
        #expect(wire[answerAt] == 0xC0 && wire[answerAt + 1] == 12)
    }

    @Test func nxdomainCarriesDenial() throws {
        let wire = try #require(Self.messages["nxdomain-nsec3"])
        let message = try Message(decoding: wire)
        #expect(message.rcode == .nxDomain)
        #expect(message.authority.map(\.type) == [.soa, .rrsig, .nsec3, .rrsig])
        guard case .nsec3(let nsec3) = message.authority[2].data else {
            Issue.record("expected NSEC3")
            return
        }
        #expect(nsec3.types.contains(.dnskey) && !nsec3.types.contains(.a))
        #expect(Base32Hex.encode(nsec3.nextHashedOwner) == "2vptu5timamqttgl4luu9kg21e0aor3s")
        guard case .rrsig(let signature) = message.authority[3].data else {
            Issue.record("expected RRSIG")
            return
        }
        #expect(signature.typeCovered == .nsec3 && signature.labels == 3 && signature.keyTag == 4242)
        #expect(SignatureTime.format(signature.expiration) == "20240201000000")
    }
}
