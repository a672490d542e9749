import DNSWire
import Foundation
import Testing

@testable import DNSZone
@testable import DNSZoneTestSupport

/// Parses and checks `text` as "t.zone" for `example.test.`.
private func check(_ text: String, origin: String? = "example.test.") -> ZoneFileResult {
    var result = ZoneFileParser.parse(
        text: text, fileName: "t.zone", origin: origin.map { try! DNSName(text: $0) })
    result.check()
    return result
}

/// The semantic errors, each at the record at fault, in the same run as the syntax errors.
@Suite struct ZoneCheckTests {
    @Test func aGoodZoneHasNothingToSay() {
        let result = check(zoneCheckHead)
        #expect(result.diagnostics.isEmpty, "\(result)")
        #expect(
            check(zoneCheckHead + "www CNAME ns1\nwww CNAME ns1\nwww RRSIG A 13 3 3600 1 0 1 example.test. AAAA\n")
                .isValid)
    }

    @Test func aSyntaxErrorDoesNotHideACNAMEConflict() {
        let result = check(zoneCheckHead + "bad A 1.2.3\nwww CNAME ns1\nwww TXT \"x\"\n")
        #expect(
            result.errorLines == [
                #"6:7: expected an IPv4 address, found "1.2.3""#,
                "8:1: www.example.test. TXT: data beside a CNAME (RFC 1034 §3.6.2); the CNAME is at line 7",
            ])
        #expect(result.errors.allSatisfy { $0.file == "t.zone" })
    }

    @Test func cnameAndOtherDataAtTheLaterRecord() {
        #expect(
            check(zoneCheckHead + "www A 192.0.2.2\nwww AAAA ::2\nwww CNAME ns1\n").errorLines == [
                "8:1: www.example.test. CNAME: a CNAME beside other data (RFC 1034 §3.6.2); A is at line 6"
            ])
        #expect(
            check(zoneCheckHead + "www CNAME ns1\n A 192.0.2.2\n AAAA ::2\n").errorLines == [
                "7:2: www.example.test. A: data beside a CNAME (RFC 1034 §3.6.2); the CNAME is at line 6",
                "8:2: www.example.test. AAAA: data beside a CNAME (RFC 1034 §3.6.2); the CNAME is at line 6",
            ])
    }

    @Test func moreThanOneCNAMEOrDNAME() {
        #expect(
            check(zoneCheckHead + "www CNAME a\nWWW CNAME b\n").errorLines == [
                "7:1: WWW.example.test. CNAME: a second CNAME; only one is allowed (RFC 2181 §10.1); the first is at line 6"
            ])
        #expect(
            check(zoneCheckHead + "d DNAME a.test.\nd DNAME b.test.\n").errorLines == [
                "7:1: d.example.test. DNAME: a second DNAME; only one is allowed (RFC 6672 §2.4); the first is at line 6"
            ])
    }

    @Test func soaRecords() {
        #expect(
            check(zoneCheckHead + "@ SOA ns1 host 2 7200 3600 1209600 300\n").errorLines == [
                "6:1: example.test. SOA: a second SOA record; a zone has exactly one; the first is at line 3"
            ])
        #expect(
            check(zoneCheckHead + "sub SOA ns1 host 2 7200 3600 1209600 300\n").errorLines == [
                "6:1: sub.example.test. SOA: SOA record not at the zone's apex example.test."
            ])
        #expect(
            check("$ORIGIN example.test.\n$TTL 60\n@ NS ns1\nns1 A 192.0.2.1\n").errorLines == [
                "3:1: example.test. SOA: no SOA record at the apex"
            ])
        // Not at the origin given: one error, not also "no SOA".
        #expect(check("$TTL 60\nwww.example.test. SOA ns host 1 2 3 4 5\n").errors.count == 2)  // and no NS
    }

    @Test func outOfZoneData() {
        #expect(
            check(zoneCheckHead + "www.example.net. A 192.0.2.9\nsub NS ns.other.test.\nns.other.test. A 192.0.2.3\n")
                .errorLines == [
                    "6:1: www.example.net. A: out-of-zone data: not in example.test.",
                    "8:1: ns.other.test. A: out-of-zone data: not in example.test.",
                ])
    }

    /// With no origin given, the records before the SOA are held against its owner too; a result
    /// made from records, not parsed, is checked all the same (without positions).
    @Test func outOfZoneBeforeTheSOAAndWithoutAParse() throws {
        let text =
            "$TTL 60\nwww.other.test. A 192.0.2.9\n"
            + "example.test. SOA ns1.example.test. h.example.test. 1 2 3 4 5\n"
        let result = check(text + "example.test. NS ns1.example.test.\nns1.example.test. A 192.0.2.1\n", origin: nil)
        #expect(result.errorLines == ["2:1: www.other.test. A: out-of-zone data: not in example.test."])

        var bare = ZoneFileResult(
            records: check(zoneCheckHead + "www CNAME ns1\nwww A 192.0.2.2\n").records,
            origin: try DNSName(text: "example.test."),
            diagnostics: [])
        bare.check()
        #expect(
            bare.errors.map(\.description) == [
                "<zone>: error: www.example.test. A: data beside a CNAME (RFC 1034 §3.6.2); the CNAME is at record 4"
            ])
    }

    @Test func dataBelowADNAME() {
        #expect(
            check(zoneCheckHead + "d DNAME other.test.\nd TXT \"fine at the DNAME\"\nx.d A 192.0.2.7\n").errorLines == [
                "8:1: x.d.example.test. A: data below a DNAME is never answered (RFC 6672 §2.3); the DNAME is at line 6"
            ])
    }

    @Test func apexNameServers() {
        #expect(
            check("$ORIGIN example.test.\n$TTL 60\n@ SOA ns1 host 1 2 3 4 5\nns1 A 192.0.2.1\n").errorLines == [
                "3:1: example.test. NS: no NS record at the apex"
            ])
        #expect(
            check(zoneCheckHead + "@ NS ns9\n@ NS ns.elsewhere.test.\n").errorLines == [
                "6:1: example.test. NS: ns9.example.test. has no address record (A or AAAA) in the zone"
            ])
        #expect(
            check(zoneCheckHead + "@ NS alias\nalias CNAME ns1\n").errorLines == [
                "6:1: example.test. NS: alias.example.test. is an alias; NS must name a host (RFC 2181 §10.3); "
                    + "its CNAME is at line 7"
            ])
    }

    @Test func delegationWithoutGlueIsAWarning() {
        let result = check(zoneCheckHead + "sub NS ns.sub\nother NS ns.sub\nok NS ns.ok\nns.ok AAAA ::1\nout NS ns1\n")
        #expect(result.isValid)
        #expect(
            result.warningLines == [
                "6:1: sub.example.test. NS: ns.sub.example.test. needs glue, and has no A or AAAA record",
                "7:1: other.example.test. NS: ns.sub.example.test. needs glue, and has no A or AAAA record",
            ])
    }

    @Test func positionsInAnIncludedFile() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("zcheck-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try (zoneCheckHead + "$INCLUDE hosts.inc\nwww TXT \"x\"\n").write(
            toFile: root + "/main.zone", atomically: true, encoding: .utf8)
        try "; hosts\nwww   CNAME ns1\n".write(toFile: root + "/hosts.inc", atomically: true, encoding: .utf8)
        var result = ZoneFileParser.parse(file: root + "/main.zone", origin: try DNSName(text: "example.test."))
        result.check()
        #expect(
            result.errors.map(\.description) == [
                "\(root)/main.zone:7:1: error: www.example.test. TXT: data beside a CNAME (RFC 1034 §3.6.2); "
                    + "the CNAME is at \(root)/hosts.inc:2"
            ])
    }

    @Test func manyErrorsStopAtTheLimit() {
        var text = zoneCheckHead
        for index in 0..<150 { text += "c\(index) CNAME ns1\n TXT \"x\"\n" }
        let result = check(text)
        #expect(result.errors.count == ZoneFileParser.maxErrors + 1)
        #expect(result.errors.last?.message == "too many errors; stopped checking")
    }
}
