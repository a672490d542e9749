import DNSSEC
import DNSWire
import Foundation
import Testing

@testable import DANECheck

/// Sigil's own DNSSEC validation, against records signed here with DNSSEC's signing keys (ECDSA
/// P-256 and Ed25519): good chains validate, and every kind of tampering is caught.
struct ValidationTests {
    static let zone = try! DNSName(text: "example.test.")
    static let now = UInt32(Date().timeIntervalSince1970)

    struct SignedZone {
        let ksk: SigningKey
        let zsk: SigningKey
        var kskRecord: DNSKEY { DNSKEY(flags: 257, algorithm: ksk.algorithm.rawValue, publicKey: ksk.publicKey) }
        var zskRecord: DNSKEY { DNSKEY(flags: 256, algorithm: zsk.algorithm.rawValue, publicKey: zsk.publicKey) }
        var dnskeys: [ResourceRecord] {
            [kskRecord, zskRecord].map { ResourceRecord(name: ValidationTests.zone, ttl: 300, data: .dnskey($0)) }
        }
        var ds: DS {
            let data = DSData(ownerWire: ValidationTests.zone.wire, dnskeyRData: RData.dnskey(kskRecord).wire)
            return DS(keyTag: data.keyTag, algorithm: data.algorithm.rawValue, digestType: 2, digest: data.digest)
        }

        func sign(
            _ rrset: [ResourceRecord], with key: SigningKey, record: DNSKEY, validFrom: UInt32? = nil
        ) throws
            -> RRSIG
        {
            var signature = RRSIG(
                typeCovered: rrset[0].type, algorithm: key.algorithm.rawValue,
                labels: UInt8(rrset[0].name.labelCount), originalTTL: rrset[0].ttl,
                expiration: (validFrom ?? ValidationTests.now) &+ 86_400,
                inception: (validFrom ?? ValidationTests.now) &- 3600,
                keyTag: record.keyTag, signer: ValidationTests.zone, signature: [])
            signature.signature = try key.sign(Validation.signedData(rrset: rrset, signature: signature))
            return signature
        }
    }

    static func makeZone(_ algorithm: DNSSECAlgorithm) throws -> SignedZone {
        SignedZone(ksk: try SigningKey.generate(algorithm), zsk: try SigningKey.generate(algorithm))
    }

    static func tlsa(_ hex: String) throws -> ResourceRecord {
        ResourceRecord(
            name: try DNSName(text: "_25._tcp.mx1.example.test."), ttl: 300,
            data: .tlsa(TLSA(usage: 3, selector: 1, matchingType: 1, data: Base16.decode(hex)!)))
    }

    @Test(arguments: [DNSSECAlgorithm.ecdsaP256SHA256, .ed25519])
    func chainFromDSValidates(_ algorithm: DNSSECAlgorithm) throws {
        let zone = try Self.makeZone(algorithm)
        let keySignature = try zone.sign(zone.dnskeys, with: zone.ksk, record: zone.kskRecord)
        let keys = try Validation.trustedKeys(
            dnskeys: zone.dnskeys, signatures: [keySignature], anchor: zone.ds, zone: Self.zone, now: Self.now
        ).get()
        #expect(keys.count == 2)
        let rrset = [
            try Self.tlsa(String(repeating: "AB", count: 32)), try Self.tlsa(String(repeating: "CD", count: 32)),
        ]
        let signature = try zone.sign(rrset, with: zone.zsk, record: zone.zskRecord)
        #expect(
            Validation.verify(rrset: rrset, signatures: [signature], keys: keys, zone: Self.zone, now: Self.now) == nil)
        // The order of the records does not matter (canonical order, RFC 4034 §6.3).
        #expect(
            Validation.verify(
                rrset: rrset.reversed(), signatures: [signature], keys: keys, zone: Self.zone, now: Self.now)
                == nil)
        // A changed record, an expired signature, a wrong key: each fails, with a reason.
        var changed = rrset
        changed[0] = try Self.tlsa(String(repeating: "EF", count: 32))
        #expect(
            Validation.verify(rrset: changed, signatures: [signature], keys: keys, zone: Self.zone, now: Self.now)
                != nil)
        let old = try zone.sign(rrset, with: zone.zsk, record: zone.zskRecord, validFrom: Self.now - 10 * 86_400)
        let expired = Validation.verify(rrset: rrset, signatures: [old], keys: keys, zone: Self.zone, now: Self.now)
        #expect(expired?.contains("expired") == true)
        let other = try Self.makeZone(algorithm)
        #expect(
            Validation.verify(
                rrset: rrset, signatures: [signature], keys: [other.zskRecord], zone: Self.zone, now: Self.now) != nil)
    }

    @Test func wrongDSIsBogus() throws {
        let zone = try Self.makeZone(.ecdsaP256SHA256)
        let keySignature = try zone.sign(zone.dnskeys, with: zone.ksk, record: zone.kskRecord)
        var anchor = zone.ds
        anchor.digest[0] ^= 1
        let result = Validation.trustedKeys(
            dnskeys: zone.dnskeys, signatures: [keySignature], anchor: anchor, zone: Self.zone, now: Self.now)
        guard case .failure(let failure) = result else {
            Issue.record("a wrong DS was accepted")
            return
        }
        #expect(failure.description.contains("matches the DS"))
        // The DNSKEY RRset signed by the ZSK only: the DS's key did not sign it.
        let zskOnly = try zone.sign(zone.dnskeys, with: zone.zsk, record: zone.zskRecord)
        let unsigned = Validation.trustedKeys(
            dnskeys: zone.dnskeys, signatures: [zskOnly], anchor: zone.ds, zone: Self.zone, now: Self.now)
        #expect((try? unsigned.get()) == nil)
    }

    /// NSEC3 proofs made with the real hash (iterations 0, no salt, as Sigil signs).
    @Test func nsec3Proofs() throws {
        let hasher = NSEC3Hasher()
        func hash(_ text: String) throws -> [UInt8] {
            var output = [UInt8](repeating: 0, count: 20)
            let name = try DNSName(text: text)
            output.withUnsafeMutableBytes { hasher.hash(name: name.wire, into: $0) }
            return output
        }
        let names = ["example.test.", "mx1.example.test.", "_25._tcp.mx1.example.test.", "_tcp.mx1.example.test."]
        let existing = try names.map { ($0, try hash($0)) }.sorted { $0.1.lexicographicallyPrecedes($1.1) }
        var chain: [ResourceRecord] = []
        for (index, entry) in existing.enumerated() {
            let next = existing[(index + 1) % existing.count].1
            let types: [RRType] =
                entry.0 == "mx1.example.test." ? [.a, .rrsig] : entry.0.hasPrefix("_25") ? [.tlsa, .rrsig] : []
            let owner = try DNSName(text: Base32Hex.encode(entry.1) + ".example.test.")
            chain.append(
                ResourceRecord(
                    name: owner, ttl: 60,
                    data: .nsec3(
                        NSEC3(
                            hashAlgorithm: 1, flags: 0, iterations: 0, salt: [], nextHashedOwner: next,
                            types: TypeBitmap(types: types)))))
        }
        let proofs = Validation.NSEC3Set(chain, zone: Self.zone)
        #expect(proofs.provesNoData(try DNSName(text: "mx1.example.test."), .tlsa))
        #expect(!proofs.provesNoData(try DNSName(text: "mx1.example.test."), .a))
        #expect(!proofs.provesNoData(try DNSName(text: "_25._tcp.mx1.example.test."), .tlsa))
        // An absent TLSA owner under an existing host: closest encloser _tcp.mx1.
        #expect(proofs.provesNameError(try DNSName(text: "_587._tcp.mx1.example.test."), zone: Self.zone))
        #expect(proofs.provesNameError(try DNSName(text: "_25._tcp.mx9.example.test."), zone: Self.zone))
        // An existing name cannot be proven absent.
        #expect(!proofs.provesNameError(try DNSName(text: "mx1.example.test."), zone: Self.zone))
        // Without the record covering the next closer name, no proof.
        let partial = Validation.NSEC3Set(Array(chain.prefix(1)), zone: Self.zone)
        #expect(!partial.provesNameError(try DNSName(text: "_25._tcp.mx9.example.test."), zone: Self.zone))
    }

    @Test func dsPresentation() throws {
        let ds = try #require(DS(presentation: "example.test. IN DS 12345 13 2 ABCDEF01"))
        #expect(
            ds.keyTag == 12345 && ds.algorithm == 13 && ds.digestType == 2 && ds.digest == [0xAB, 0xCD, 0xEF, 0x01])
        #expect(DS(presentation: "12345 13 2 abcdef01")?.digest == [0xAB, 0xCD, 0xEF, 0x01])
        #expect(DS(presentation: "12345 13") == nil)
        #expect(DS(presentation: "12345 13 2 XYZ") == nil)
        #expect(ServerAddress(parsing: "127.0.0.1:5353")?.port == 5353)
        #expect(ServerAddress(parsing: "[::1]:53")?.host == "::1")
        #expect(ServerAddress(parsing: "127.0.0.1")?.port == 53)
        #expect(ServerAddress(parsing: "localhost:53") == nil)
    }
}
