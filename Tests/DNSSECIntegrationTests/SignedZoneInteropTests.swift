import DNSSEC
import DNSWire
import DNSZone
import Foundation
import SigilTestSupport
import Testing

@testable import DNSSECTestSupport

/// `sigil sign`'s output, checked by two independent zone verifiers: ldns-verify-zone and BIND's
/// dnssec-verify, which each check every RRSIG, the NSEC3 chain's completeness and order, and
/// the type bitmaps.
@Suite struct SignedZoneInteropTests {
    static let cases: [(DNSSECAlgorithm, Bool)] = [
        (.ecdsaP256SHA256, true), (.ecdsaP256SHA256, false), (.ed25519, true), (.ed25519, false),
    ]

    @Test(.requires(.ldnsVerifyZone, .dnssecVerify), arguments: cases)
    func verifiersAcceptSignedZone(algorithm: DNSSECAlgorithm, csk: Bool) throws {
        let signer = try ZoneSigner(
            zone: try SignerFixtures.zone(), keys: try SignerFixtures.keys(algorithm, csk: csk))
        let text = try signer.signedZoneText()
        let directory = try TemporaryDirectory()
        let path = directory.file("signed.db")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let ldns = try Subprocess.check("ldns-verify-zone", [path])
        #expect(ldns.contains("Zone is verified and complete"))
        // A CSK is one SEP key signing everything: `-z` tells dnssec-verify not to expect a separate ZSK.
        let bind = try Subprocess.run("dnssec-verify", (csk ? ["-z"] : []) + ["-o", SignerFixtures.origin, path])
        #expect(bind.status == 0, "dnssec-verify: \(bind.stderr)")
        #expect(bind.stderr.contains("Zone fully signed") || bind.stdout.contains("Zone fully signed"))
    }

    /// The verifiers must notice a broken signature: otherwise the test above proves nothing.
    @Test(.requires(.ldnsVerifyZone, .dnssecVerify))
    func verifiersRejectTamperedZone() throws {
        let signer = try ZoneSigner(
            zone: try SignerFixtures.zone(), keys: try SignerFixtures.keys(.ed25519, csk: true))
        let tampered = try signer.signedZoneText().replacingOccurrences(of: "192.0.2.25", with: "192.0.2.26")
        let directory = try TemporaryDirectory()
        let path = directory.file("signed.db")
        try tampered.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try Subprocess.run("ldns-verify-zone", [path]).status != 0)
        #expect(try Subprocess.run("dnssec-verify", ["-o", SignerFixtures.origin, path]).status != 0)
    }

    /// What the signed zone publishes at the apex and how the chain's bitmaps look.
    @Test func apexRecordsAndBitmaps() throws {
        let keys = try SignerFixtures.keys(.ecdsaP256SHA256, csk: false)
        let signer = try ZoneSigner(zone: try SignerFixtures.zone(), keys: keys)
        let records = try signer.signedRecords()
        let origin = try DNSName(text: SignerFixtures.origin)
        let apex = records.filter { $0.name == origin }
        #expect(apex.filter { $0.type == .dnskey }.count == 2)
        #expect(apex.filter { $0.type == .cds }.count == 1)
        #expect(apex.filter { $0.type == .cdnskey }.count == 1)
        #expect(apex.contains { $0.type == .nsec3param && $0.data.text == "1 0 0 -" })
        // The DNSKEY RRset is signed by the KSK only, the rest by the ZSK only.
        let kskTag = keys[0].dnskey.keyTag
        for record in records {
            guard case .rrsig(let sig) = record.data else { continue }
            let bySEP = [RRType.dnskey, .cds, .cdnskey].contains(sig.typeCovered)
            #expect((sig.keyTag == kskTag) == bySEP, "\(record.text)")
        }
        let nsec3 = records.compactMap { record -> NSEC3? in
            if case .nsec3(let data) = record.data { return data } else { return nil }
        }
        // Nodes: apex, alias, cwild, *.cwild, deep, www.deep, _tcp.www.deep, _443..., insecure, mail,
        // _tcp.mail, _25._tcp.mail, case, mixed.case, ns1, secure, tomissing, wild, *.wild, www = 20;
        // ns.secure and ns.insecure (glue below cuts) have none.
        #expect(nsec3.count == 20)
        // Empty non-terminals: cwild, wild, case, deep, www.deep, _tcp.www.deep, _tcp.mail.
        #expect(nsec3.filter { $0.types.isEmpty }.count == 7)
        let secureTypes = nsec3.filter { $0.types.contains(.ds) }.map(\.types.text)
        #expect(secureTypes == ["NS DS RRSIG"])
        #expect(nsec3.contains { $0.types.text == "NS" })
        #expect(nsec3.contains { $0.types.text == "A NS SOA MX RRSIG DNSKEY NSEC3PARAM CDS CDNSKEY" })
    }
}
