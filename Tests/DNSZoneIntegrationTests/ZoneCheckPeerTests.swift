import DNSWire
import DNSZone
import Foundation
import SigilTestSupport
import Testing

@testable import DNSZoneTestSupport

/// The same bad files through named-checkzone and nsd-checkzone: Sigil rejects each, and so does
/// at least one of them (which ones, as measured, is part of the test: where the two disagree,
/// Sigil sides with the stricter).
@Suite(.requires(.namedCheckzone, .nsdCheckzone))
struct ZoneCheckPeerTests {
    static let cases: [(name: String, body: String, bind: Bool, nsd: Bool)] = [
        ("syntax-and-cname", "bad A 1.2.3\nwww CNAME ns1\nwww TXT \"x\"\n", true, true),
        ("cname-and-other", "www CNAME ns1\nwww A 192.0.2.2\n", true, true),
        ("two-cnames", "www CNAME ns1\nwww CNAME mx\n", true, true),
        ("two-dnames", "d DNAME a.test.\nd DNAME b.test.\n", true, true),
        ("two-soa", "@ SOA ns1 host 2 7200 3600 1209600 300\n", true, true),
        ("soa-not-at-apex", "sub SOA ns1 host 2 7200 3600 1209600 300\n", true, true),
        ("out-of-zone", "www.example.net. A 192.0.2.9\n", false, true),
        ("out-of-zone-glue", "sub NS ns.other.test.\nns.other.test. A 192.0.2.3\n", false, true),
        ("below-dname", "d DNAME other.test.\nx.d A 192.0.2.7\n", false, true),
        ("apex-ns-without-address", "@ NS ns9\n", true, false),
        ("ns-is-an-alias", "@ NS alias\nalias CNAME ns1\n", true, false),
    ]

    @Test(arguments: cases.indices) func peersRejectToo(index: Int) throws {
        let (name, body, bind, nsd) = Self.cases[index]
        let directory = NSTemporaryDirectory() + "zcheck-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/\(name).zone"
        try (zoneCheckHead + body).write(toFile: file, atomically: true, encoding: .utf8)

        var sigil = ZoneFileParser.parse(file: file, origin: try DNSName(text: "example.test."))
        sigil.check()
        #expect(!sigil.isValid && sigil.errors.allSatisfy { $0.line >= 6 && $0.column >= 1 }, "\(name): \(sigil)")
        let named = try Subprocess.run("named-checkzone", ["example.test", file])
        #expect(named.succeeded != bind, "\(name): named-checkzone: \(named.stdout)\(named.stderr)")
        let nsdCheck = try Subprocess.run("nsd-checkzone", ["example.test", file])
        #expect(nsdCheck.succeeded != nsd, "\(name): nsd-checkzone: \(nsdCheck.stdout)\(nsdCheck.stderr)")
    }

    @Test func allThreeAcceptTheGoodZoneAndAMissingGlue() throws {
        let directory = NSTemporaryDirectory() + "zcheck-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for body in ["", "sub NS ns.sub\n"] {
            let file = directory + "/ok.zone"
            try (zoneCheckHead + body).write(toFile: file, atomically: true, encoding: .utf8)
            var sigil = ZoneFileParser.parse(file: file, origin: try DNSName(text: "example.test."))
            sigil.check()
            #expect(sigil.isValid, "\(sigil)")
            #expect(try Subprocess.run("named-checkzone", ["example.test", file]).succeeded)
            #expect(try Subprocess.run("nsd-checkzone", ["example.test", file]).succeeded)
        }
    }
}
