import DNSWire
import Foundation
import Testing

@testable import DANECheck

/// The record syntaxes, the MTA-STS policy, and TLSRPT reports.
struct PolicyTests {
    @Test func txtRecords() {
        #expect(RecordSyntax.mtaSTSRecord("v=STSv1; id=20260101T010101;") == nil)
        #expect(RecordSyntax.mtaSTSRecord("v=STSv1;") != nil)
        #expect(RecordSyntax.mtaSTSRecord("v=STSv1; id=has-dash") != nil)
        #expect(RecordSyntax.mtaSTSRecord("id=1; v=STSv1") != nil)
        #expect(RecordSyntax.tlsrptRecord("v=TLSRPTv1; rua=mailto:tlsrpt@example.test") == nil)
        #expect(RecordSyntax.tlsrptRecord("v=TLSRPTv1; rua=mailto:a@example.test,https://r.example.test/x") == nil)
        #expect(RecordSyntax.tlsrptRecord("v=TLSRPTv1; rua=ftp://example.test") != nil)
        #expect(RecordSyntax.tlsrptRecord("v=TLSRPTv1;") != nil)
        #expect(
            RecordSyntax.tlsaProblem(TLSA(usage: 3, selector: 1, matchingType: 1, data: Array(repeating: 1, count: 32)))
                == nil)
        #expect(RecordSyntax.tlsaProblem(TLSA(usage: 3, selector: 1, matchingType: 1, data: [1, 2])) != nil)
        #expect(RecordSyntax.tlsaProblem(TLSA(usage: 3, selector: 2, matchingType: 0, data: [1])) != nil)
        #expect(RecordSyntax.tlsaProblem(TLSA(usage: 4, selector: 1, matchingType: 0, data: [1])) != nil)
    }

    @Test func mtaSTSPolicy() throws {
        let policy = try MTASTSPolicy(
            parsing:
                "version: STSv1\r\nmode: enforce\r\nmx: mx2.example.test\r\nmx: *.backup.example.test\r\nmax_age: 604800\r\n"
        )
        #expect(policy.mode == "enforce" && policy.maxAge == 604_800 && policy.mx.count == 2)
        #expect(MTASTSPolicy.matches("mx2.example.test", host: "MX2.example.test."))
        #expect(MTASTSPolicy.matches("*.backup.example.test", host: "a.backup.example.test"))
        #expect(!MTASTSPolicy.matches("*.backup.example.test", host: "a.b.backup.example.test"))
        #expect(!MTASTSPolicy.matches("*.backup.example.test", host: "backup.example.test"))
        for bad in [
            "version: STSv2\nmode: enforce\nmx: a\nmax_age: 1\n", "version: STSv1\nmode: strict\nmx: a\nmax_age: 1\n",
            "version: STSv1\nmode: enforce\nmax_age: 1\n", "version: STSv1\nmode: enforce\nmx: a\nmax_age: 99999999\n",
            "version: STSv1\nmode: enforce\nmx: a.*.b\nmax_age: 1\n",
        ] {
            #expect(throws: ValidationFailure.self) { try MTASTSPolicy(parsing: bad) }
        }
    }

    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/tlsrpt").path

    @Test func tlsrptSamples() throws {
        let files = ["success.json", "failures.json", "failures.json.gz", "malformed.json"].map {
            Self.samples + "/" + $0
        }
        let (summaries, malformed) = TLSRPT.read(files)
        #expect(malformed.count == 1 && malformed[0].file.hasSuffix("malformed.json"), "\(malformed)")
        #expect(malformed.first?.reason.contains("summary") == true, "\(malformed)")
        let failures = summaries.filter { $0.file.hasSuffix("failures.json") }
        let gzipped = summaries.filter { $0.file.hasSuffix("failures.json.gz") }
        #expect(!failures.isEmpty && failures.map(\.failed) == gzipped.map(\.failed), "the .gz holds the same report")
        let text = TLSRPT.render(summaries, malformed: malformed) { _ in ["3 1 1 " + String(repeating: "AA", count: 32)]
        }
        #expect(text.contains("certificate-expired"))
        #expect(text.contains("tlsa-invalid"))
        #expect(text.contains("STALE"))
        #expect(text.contains("malformed report"))
        #expect(TLSRPT.normalise("_25._tcp.mx. 300 IN TLSA 3 1 1 ab cd") == "3 1 1 ABCD")
        #expect(throws: ValidationFailure.self) { try TLSRPT.gunzip([0x1F, 0x8B, 0, 1, 2]) }
    }
}
