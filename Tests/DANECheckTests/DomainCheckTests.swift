import DNSWire
import Foundation
import Testing

@testable import DANECheck

/// The per-domain and per-host verdicts, from canned lookups (no network: the hosts here have no
/// usable TLSA record, so no connection is tried).
struct DomainCheckTests {
    /// Answers from a table keyed by "name type"; a name not in it is securely absent.
    struct FakeLookup: SecureLookup {
        var answers: [String: LookupAnswer]
        var delay: Double = 0

        func lookup(_ name: DNSName, _ type: RRType) -> LookupAnswer {
            if delay > 0 { usleep(UInt32(delay * 1_000_000)) }
            return answers["\(name.text) \(type)"] ?? LookupAnswer(name: name, nameError: true, security: .secure)
        }
    }

    static func name(_ text: String) -> DNSName { try! DNSName(text: text) }

    static func answer(_ owner: String, _ data: [RData], security: Security = .secure) -> (String, LookupAnswer) {
        let records = data.map { ResourceRecord(name: name(owner), ttl: 300, data: $0) }
        return (
            "\(owner) \(records.first?.type ?? .a)",
            LookupAnswer(name: name(owner), records: records, ttl: 300, security: security)
        )
    }

    static func mx(_ hosts: [(UInt16, String)]) -> (String, LookupAnswer) {
        answer("example.test.", hosts.map { .mx(MX(preference: $0.0, exchange: name($0.1))) })
    }

    static func host(_ host: String, tlsa: [TLSA], security: Security = .secure) -> [(String, LookupAnswer)] {
        [answer(host, [.a(A(127, 0, 0, 1))]), answer("_25._tcp." + host, tlsa.map { .tlsa($0) }, security: security)]
    }

    func run(_ entries: [(String, LookupAnswer)], delay: Double = 0) -> DomainReport {
        let lookup = FakeLookup(answers: Dictionary(entries, uniquingKeysWith: { a, _ in a }), delay: delay)
        return DomainCheck(lookup: lookup).run(Self.name("example.test."))
    }

    func finding(_ report: DomainReport, _ scope: String, _ check: String) -> Finding? {
        report.findings.first { $0.scope == scope && $0.check == check }
    }

    @Test func preconditionsAndRecordSyntax() {
        let pki = TLSA(usage: 1, selector: 1, matchingType: 1, data: Array(repeating: 7, count: 32))
        let short = TLSA(usage: 3, selector: 1, matchingType: 1, data: [1, 2, 3])
        var entries = [Self.mx([(0, "mx1.example.test."), (10, "mx2.example.test.")])]
        entries += Self.host("mx1.example.test.", tlsa: [pki])
        entries += Self.host("mx2.example.test.", tlsa: [short])
        entries.append(Self.answer("_mta-sts.example.test.", [.txt(TXT(strings: [Array("v=STSv1; id=bad-id".utf8)]))]))
        entries.append(
            Self.answer(
                "_smtp._tls.example.test.", [.txt(TXT(strings: [Array("v=TLSRPTv1; rua=mailto:r@example.test".utf8)]))])
        )
        let report = run(entries)
        #expect(finding(report, "example.test", "MX")?.verdict == .pass)
        #expect(finding(report, "example.test", "MX preconditions")?.detail == "one preferred MX: priorities 0/10")
        #expect(finding(report, "_mta-sts.example.test", "MTA-STS TXT")?.verdict == .fail)
        #expect(finding(report, "_smtp._tls.example.test", "TLSRPT TXT")?.verdict == .pass)
        let mx1 = report.findings.filter { $0.scope == "mx1.example.test" && $0.check == "TLSA" }
        #expect(mx1.contains { $0.verdict == .warn && $0.detail.contains("unusable for SMTP") }, "\(mx1)")
        #expect(mx1.contains { $0.verdict == .fail && $0.detail.contains("0 usable") }, "\(mx1)")
        let mx2 = report.findings.filter { $0.scope == "mx2.example.test" && $0.check == "TLSA" }
        #expect(mx2.contains { $0.detail.contains("malformed TLSA") && $0.detail.contains("not 32") }, "\(mx2)")
        #expect(report.verdict == .fail)
        #expect(report.mx.map(\.preference) == [0, 10])
    }

    @Test func insecureAndBogusAnswersFail() {
        let good = TLSA(usage: 3, selector: 1, matchingType: 1, data: Array(repeating: 7, count: 32))
        var entries = [Self.mx([(10, "mx1.example.test."), (10, "mx2.example.test.")])]
        entries += Self.host("mx1.example.test.", tlsa: [good], security: .insecure)
        entries.append(Self.answer("mx2.example.test.", [.a(A(127, 0, 0, 1))]))
        entries.append(
            ("_25._tcp.mx2.example.test. TLSA", .failed(Self.name("_25._tcp.mx2.example.test."), "bogus: expired")))
        let report = run(entries)
        #expect(finding(report, "example.test", "MX preconditions")?.verdict == .warn)
        #expect(finding(report, "mx1.example.test", "TLSA")?.detail.contains("not DNSSEC-validated") == true)
        #expect(finding(report, "mx2.example.test", "TLSA")?.detail.contains("bogus: expired") == true)
        #expect(finding(report, "mx2.example.test", "TLSA")?.verdict == .fail)
        // The JSON says the same.
        #expect(report.json.contains("\"verdict\" : \"fail\""))
    }

    /// Three MX hosts whose every lookup takes 0.3 s: checked one after another they would take
    /// 2.7 s (A, AAAA and TLSA each); in parallel 0.9 s.
    @Test func hostsAreCheckedInParallel() {
        var entries = [Self.mx([(0, "a.example.test."), (0, "b.example.test."), (0, "c.example.test.")])]
        for host in ["a", "b", "c"] { entries += Self.host("\(host).example.test.", tlsa: []) }
        let start = Date()
        let report = run(entries, delay: 0.3)
        let hostTime = Date().timeIntervalSince(start) - 3 * 0.3  // MX and the two TXT lookups
        #expect(report.mx.count == 3)
        #expect(hostTime < 1.5, "\(hostTime) s for the hosts")
    }
}
