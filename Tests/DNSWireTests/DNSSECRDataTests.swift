import Testing

@testable import DNSWire

/// DNSSEC-specific behaviour of the RDATA types beyond the golden round trips.
@Suite struct DNSSECRDataTests {
    @Test func keyTagsMatchDnspython() throws {
        let rows = Fixtures.rows("keytags")
        #expect(rows.count >= 5)
        for row in rows {
            let data = try RData(type: .dnskey, fields: TextField.split(row[0]), origin: nil)
            guard case .dnskey(let key) = data else {
                Issue.record("not a DNSKEY")
                continue
            }
            #expect(String(key.keyTag) == row[1], "\(row[0].prefix(20))")
        }
    }

    @Test func signatureTimes() {
        #expect(SignatureTime.parse("19700101000000") == 0)
        #expect(SignatureTime.parse("20000229120000") == 951_825_600)
        #expect(SignatureTime.parse("21060207062815") == UInt32.max)
        #expect(SignatureTime.parse("1700000000") == 1_700_000_000)
        #expect(SignatureTime.parse("4294967296") == nil)
        #expect(SignatureTime.format(951_825_600) == "20000229120000")
        #expect(SignatureTime.format(0) == "19700101000000")
        #expect(SignatureTime.format(UInt32.max) == "21060207062815")
        // Dates after 2106 wrap modulo 2^32 (RFC 4034 §3.1.5).
        #expect(SignatureTime.parse("21060207062816") == 0)
    }

    @Test func rrsigSignedPrefixIsCanonical() throws {
        let signature = RRSIG(
            typeCovered: .a, algorithm: 13, labels: 2, originalTTL: 300, expiration: 2, inception: 1, keyTag: 7,
            signer: try DNSName(text: "Example.COM."), signature: [9, 9])
        var writer = WireWriter()
        signature.serializeWithoutSignature(into: &writer, form: .canonical)
        let lower = try DNSName(text: "example.com.").wire
        #expect(writer.bytes == [0, 1, 13, 2, 0, 0, 1, 44, 0, 0, 0, 2, 0, 0, 0, 1, 0, 7] + lower)
        // The signer is never compressed, even after the same name.
        writer.reset()
        writer.writeName(try DNSName(text: "example.com."))
        RData.rrsig(signature).serialize(into: &writer, form: .compressed)
        let signer = try DNSName(text: "Example.COM.").wire
        #expect(Array(writer.bytes.suffix(15)) == signer + [9, 9])
    }

    /// RFC 6840 §5.1: NSEC's next name keeps its case in canonical form; SRV's target does not.
    @Test func canonicalCase() throws {
        let nsec = RData.nsec(NSEC(next: try DNSName(text: "B.Example."), types: TypeBitmap(types: [.a])))
        #expect(nsec.canonicalWire.prefix(3) == [1, UInt8(ascii: "B"), 7])
        let srv = RData.srv(SRV(priority: 0, weight: 0, port: 1, target: try DNSName(text: "B.Example.")))
        let target = try DNSName(text: "b.example.").wire
        #expect(Array(srv.canonicalWire[6...]) == target)
    }

    @Test func memberwiseConstruction() throws {
        let nsec3 = NSEC3(
            hashAlgorithm: 1, flags: 1, iterations: 0, salt: [], nextHashedOwner: Array(repeating: 0xAB, count: 20),
            types: TypeBitmap(types: [.a, .rrsig]))
        #expect(nsec3.isOptOut)
        #expect(RData.nsec3(nsec3).text.hasPrefix("1 1 0 - lelqnatblelqnatblelqnatblelqnatb A RRSIG"))
        let key = DNSKEY(flags: 257, algorithm: 13, publicKey: [1, 2, 3])
        #expect(key.isZoneKey && key.isSecureEntryPoint && key.protocol == 3)
        let ds = DS(keyTag: key.keyTag, algorithm: 13, digestType: 2, digest: [0xAB])
        #expect(RData.ds(ds).text == "\(key.keyTag) 13 2 AB")
        let tlsa = TLSA(usage: 3, selector: 1, matchingType: 1, data: [0xDE, 0xAD])
        #expect(RData.tlsa(tlsa).text == "3 1 1 DEAD")
    }
}
