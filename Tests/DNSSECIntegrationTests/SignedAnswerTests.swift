import DNSSEC
import DNSWire
import DNSZone
import Foundation
import QueryPipeline
import SigilTestSupport
import Testing

@testable import DNSSECTestSupport

/// Online answers, checked by dnspython (Tests/Peers/validate-signed-answers.py): every RRSIG
/// validated against the DNSKEY RRset, and the NSEC3 proofs recomputed with dnspython's
/// `nsec3_hash` for each kind of answer, in both denial modes.
@Suite struct SignedAnswerTests {
    static let queries: [(name: String, type: RRType, expect: String)] = [
        ("mail.example.test.", .a, "answer"),
        ("example.test.", .dnskey, "answer"),
        ("example.test.", .mx, "answer"),
        ("MIXED.case.example.test.", .txt, "answer"),
        ("_25._tcp.mail.example.test.", .tlsa, "answer"),
        ("alias.example.test.", .a, "answer"),
        ("secure.example.test.", .ds, "answer"),
        ("foo.wild.example.test.", .txt, "wildcard"),
        ("a.b.wild.example.test.", .a, "wildcard"),
        ("x.cwild.example.test.", .aaaa, "wildcard"),
        ("nope.example.test.", .a, "nxdomain"),
        ("a.b.nope.example.test.", .a, "nxdomain"),
        ("zzz.mail.example.test.", .a, "nxdomain"),
        ("tomissing.example.test.", .a, "nxdomain"),
        ("mail.example.test.", .txt, "nodata"),
        ("_tcp.mail.example.test.", .txt, "nodata"),
        ("deep.example.test.", .a, "nodata"),
        ("insecure.example.test.", .ds, "nodata"),
        ("foo.wild.example.test.", .aaaa, "wildcard-nodata"),
        ("host.secure.example.test.", .a, "referral-secure"),
        ("secure.example.test.", .ns, "referral-secure"),
        ("host.insecure.example.test.", .a, "referral-insecure"),
    ]

    static let modes: [(DenialMode, DNSSECAlgorithm, Bool)] = [
        (.nsec3, .ecdsaP256SHA256, false), (.nsec3, .ed25519, true),
        (.nsec3Narrow, .ecdsaP256SHA256, true), (.nsec3Narrow, .ed25519, false),
    ]

    @Test(.requires(.python3, .dnspython), arguments: modes)
    func dnspythonValidatesAnswers(denial: DenialMode, algorithm: DNSSECAlgorithm, csk: Bool) throws {
        let now = Int64(Date().timeIntervalSince1970)
        let signer = try ZoneSigner(
            zone: try SignerFixtures.zone(), keys: try SignerFixtures.keys(algorithm, csk: csk),
            configuration: SignerConfiguration(denial: denial), clock: SignerClock { now })
        var encoder = ResponseEncoder()
        var cases: [[String: String]] = []
        for query in Self.queries {
            let wire = try SignerFixtures.respond(signer, query.name, query.type, encoder: &encoder)
            cases.append([
                "qname": query.name, "qtype": query.type.description, "expect": query.expect,
                "wire": Base16.encode(wire),
            ])
        }
        let output = try runValidator(signer: signer, now: now, cases: cases)
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        let passed = output.stdout.split(separator: "\n").filter { $0.hasPrefix("ok ") }
        #expect(passed.count == Self.queries.count, "\(output.stdout)")
    }

    /// The validator must reject a response whose signature does not match: a flipped byte in an
    /// RRSIG, and a NXDOMAIN without its proofs.
    @Test(.requires(.python3, .dnspython))
    func dnspythonRejectsBrokenAnswers() throws {
        let now = Int64(Date().timeIntervalSince1970)
        let signer = try ZoneSigner(
            zone: try SignerFixtures.zone(), keys: try SignerFixtures.keys(.ed25519, csk: true),
            clock: SignerClock { now })
        var positive = try SignerFixtures.respond(signer, "mail.example.test.", .a)
        positive[positive.count - 5] ^= 0x01
        var encoder = ResponseEncoder()
        let unsigned = try SignerFixtures.respond(signer, "nope.example.test.", .a, encoder: &encoder, dnssecOK: false)
        let cases = [
            ["qname": "mail.example.test.", "qtype": "A", "expect": "answer", "wire": Base16.encode(positive)],
            ["qname": "nope.example.test.", "qtype": "A", "expect": "nxdomain", "wire": Base16.encode(unsigned)],
        ]
        let output = try runValidator(signer: signer, now: now, cases: cases)
        #expect(output.status != 0)
        #expect(output.stdout.split(separator: "\n").filter { $0.hasPrefix("FAIL ") }.count == 2, "\(output.stdout)")
    }

    func runValidator(signer: ZoneSigner, now: Int64, cases: [[String: String]]) throws -> Subprocess.Output {
        let dnskeys = signer.zone.records.filter { $0.type == .dnskey }.map(\.text)
        let input: [String: Any] = ["origin": SignerFixtures.origin, "now": now, "dnskey": dnskeys, "cases": cases]
        let json = try JSONSerialization.data(withJSONObject: input)
        return try Subprocess.run(
            "python3", [SignerFixtures.peersDirectory + "/validate-signed-answers.py"], stdin: Array(json))
    }
}
