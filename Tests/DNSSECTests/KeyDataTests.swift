import DNSSEC
import DNSWire
import Testing

@Suite struct KeyDataTests {
    @Test func dnskeyRDataRoundTrip() throws {
        let dnskey = DNSKEYData(flags: 257, algorithm: .ed25519, publicKey: Array(1...32))
        let rdata = dnskey.rdata
        #expect(Array(rdata[..<4]) == [0x01, 0x01, 3, 15])
        #expect(try DNSKEYData(rdata: rdata) == dnskey)
        #expect(dnskey.isKeySigningKey && dnskey.isZoneKey && !dnskey.isRevoked)
        #expect(!DNSKEYData(flags: 256, algorithm: .ed25519, publicKey: [1]).isKeySigningKey)
        #expect(throws: WireError.self) { try DNSKEYData(rdata: [1, 1, 3, 15]) }
    }

    /// RFC 4034 Appendix B over RFC 8080's key; and the algorithm-1 special case (B.1).
    @Test func keyTag() {
        let key = Base64.decode("l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=")!
        #expect(DNSKEYData(flags: 257, algorithm: .ed25519, publicKey: key).keyTag == 3613)
        // The REVOKE bit changes the tag (RFC 5011 §7).
        #expect(DNSKEYData(flags: 257 | 0x80, algorithm: .ed25519, publicKey: key).keyTag == 3613 &+ 0x80)
        #expect(KeyTag.compute(dnskeyRData: [0x01, 0x00, 3, 1, 0xAA, 0xBB, 0xCC, 0xDD]) == 0xBBCC)
    }

    @Test func dsIgnoresOwnerCase() throws {
        let dnskey = DNSKEYData(
            flags: 257, algorithm: .ed25519, publicKey: Base64.decode("l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=")!)
        let lower = DSData(owner: try DNSName(text: "example.com."), dnskey: dnskey)
        let upper = DSData(owner: try DNSName(text: "EXAMPLE.Com."), dnskey: dnskey)
        #expect(lower == upper)
        #expect(lower.rdata == [0x0E, 0x1D, 15, 2] + lower.digest)
        #expect(
            DSData(owner: try DNSName(text: "example.com."), dnskey: dnskey, digestType: .sha384).digest.count == 48)
    }

    @Test func algorithmNames() {
        #expect(DNSSECAlgorithm(text: "13") == .ecdsaP256SHA256)
        #expect(DNSSECAlgorithm(text: "ed25519") == .ed25519)
        #expect(DNSSECAlgorithm(text: "nonsense") == nil)
        #expect(DNSSECAlgorithm.ecdsaP256SHA256.description == "13 (ECDSAP256SHA256)")
    }

    @Test func keyFileNames() throws {
        let name = try #require(KeyFileName(baseName: "Kexample.test.+013+00457"))
        #expect(name.zone == (try DNSName(text: "example.test.")))
        #expect(name.algorithm == .ecdsaP256SHA256)
        #expect(name.keyTag == 457)
        #expect(name.baseName == "Kexample.test.+013+00457")
        #expect(KeyFileName(baseName: "K.+015+65535")?.zone == DNSName.root)
        #expect(KeyFileName(baseName: "Kexample.test.+13+457") == nil)
        #expect(KeyFileName(baseName: "example.test.+013+00457") == nil)
        #expect(KeyFileName(baseName: "Kexample.test+013+00457") == nil)
    }
}
