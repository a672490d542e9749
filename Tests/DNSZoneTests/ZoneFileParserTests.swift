import DNSWire
import Testing

@testable import DNSZone

private let soa = "@ 3600 IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"

@Suite struct ZoneFileParserTests {
    @Test func everyTypeThatHasAPresentationFormat() {
        let result = parseZone(
            soa + """
                @ NS ns1
                ns1 A 192.0.2.1
                ns1 AAAA 2001:DB8::1
                www CNAME ns1
                1.2 PTR host.example.net.
                old DNAME new.example.net.
                @ MX 10 mail.example.net.
                @ TXT "v=spf1 -all" plain
                """)
        #expect(result.errors.isEmpty)
        #expect(
            result.lines == [
                "example.com. 3600 IN SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300",
                "example.com. 3600 IN NS ns1.example.com.",
                "ns1.example.com. 3600 IN A 192.0.2.1",
                "ns1.example.com. 3600 IN AAAA 2001:db8::1",
                "www.example.com. 3600 IN CNAME ns1.example.com.",
                "1.2.example.com. 3600 IN PTR host.example.net.",
                "old.example.com. 3600 IN DNAME new.example.net.",
                "example.com. 3600 IN MX 10 mail.example.net.",
                #"example.com. 3600 IN TXT "v=spf1 -all" "plain""#,
            ])
    }

    @Test func originDirectiveAbsoluteAndRelative() {
        let result = parseZone(
            soa + """
                $ORIGIN sub
                a A 192.0.2.1
                @ A 192.0.2.2
                $ORIGIN deeper.sub.example.com.
                b A 192.0.2.3
                c.example.com. A 192.0.2.4
                """)
        #expect(result.errors.isEmpty)
        #expect(
            result.records.dropFirst().map(\.name.text) == [
                "a.sub.example.com.", "sub.example.com.", "b.deeper.sub.example.com.", "c.example.com.",
            ])
    }

    @Test func originComesFromTheSOAOwnerOrOriginDirectiveWhenNotGiven() {
        let fromSOA = parseZone(
            "zone.test. 60 SOA ns.zone.test. hm.zone.test. 1 2 3 4 5\nwww.zone.test. 60 A 192.0.2.1\n", origin: nil)
        #expect(fromSOA.errors.isEmpty && fromSOA.origin.text == "zone.test.")
        let fromDirective = parseZone("$ORIGIN zone.test.\n@ 60 SOA ns hm 1 2 3 4 5\n", origin: nil)
        #expect(fromDirective.errors.isEmpty && fromDirective.origin.text == "zone.test.")
        let relative = parseZone("www 60 A 192.0.2.1\n", origin: nil)
        #expect(relative.errorLines == [#"1:1: relative domain name "www" with no origin"#])
    }

    @Test func ttlDirectiveAcceptsUnits() {
        let result = parseZone("$TTL 1h30m\n" + soa + "a A 192.0.2.1\n$ttl 2W\nb A 192.0.2.2\n")
        #expect(result.errors.isEmpty)
        #expect(result.records.map(\.ttl) == [3600, 5400, 1_209_600])
    }

    @Test func ttlAndClassInEitherOrderAndGenericForms() {
        let result = parseZone(
            soa + """
                a 300 IN A 192.0.2.1
                b IN 301 A 192.0.2.2
                c CLASS1 302 TYPE1 \\# 4 C0000203
                d 1m in a 192.0.2.4
                e IN TYPE65280 \\# 3 abcdef
                f TYPE65281 \\# 0
                """)
        #expect(result.errors.isEmpty)
        #expect(
            result.lines.dropFirst() == [
                "a.example.com. 300 IN A 192.0.2.1",
                "b.example.com. 301 IN A 192.0.2.2",
                "c.example.com. 302 IN A 192.0.2.3",
                "d.example.com. 60 IN A 192.0.2.4",
                "e.example.com. 60 IN TYPE65280 \\# 3 ABCDEF",
                "f.example.com. 60 IN TYPE65281 \\# 0",
            ])
    }

    @Test func omittedOwnerIsThePreviousOne() {
        let result = parseZone(soa + "www A 192.0.2.1\n  AAAA ::1\n\t\tTXT \"x\"\n@ MX 1 www\n   A 192.0.2.9\n")
        #expect(result.errors.isEmpty)
        #expect(
            result.records.dropFirst().map(\.name.text) == [
                "www.example.com.", "www.example.com.", "www.example.com.", "example.com.", "example.com.",
            ])
    }

    /// RFC 2308 §4: with `$TTL`, a record without a TTL gets it, not the last explicit TTL.
    @Test func dollarTTLWinsOverThePreviousExplicitTTL() {
        let result = parseZone("$TTL 100\n" + soa + "a A 192.0.2.1\nb 200 A 192.0.2.2\nc A 192.0.2.3\n")
        #expect(result.records.map(\.ttl) == [3600, 100, 200, 100])
        #expect(result.warnings.isEmpty)
    }

    /// RFC 1035 §5.1 without `$TTL`: the last explicit TTL, with one warning.
    @Test func withoutDollarTTLThePreviousExplicitTTLApplies() {
        let result = parseZone(soa + "a A 192.0.2.1\nb 200 A 192.0.2.2\nc A 192.0.2.3\n")
        #expect(result.errors.isEmpty)
        #expect(result.records.map(\.ttl) == [3600, 3600, 200, 200])
        #expect(
            result.warningLines == ["2:1: no $TTL: records without a TTL take the previous record's TTL (RFC 1035)"])
    }

    /// BIND's rule: no TTL anywhere before the SOA, so its minimum becomes the TTL.
    @Test func withNoTTLAtAllTheSOAMinimumApplies() {
        let result = parseZone("@ SOA ns hm 1 2 3 4 77\n NS ns\n")
        #expect(result.errors.isEmpty)
        #expect(result.records.map(\.ttl) == [77, 77])
        #expect(result.warningLines.first == "1:3: no TTL and no $TTL: using the SOA minimum 77 as the TTL")
    }

    @Test func defaultTTLParameterActsAsAnInitialDollarTTL() {
        let result = parseZone("@ SOA ns hm 1 2 3 4 77\nwww A 192.0.2.1\n$TTL 5\nx A 192.0.2.2\n", defaultTTL: 42)
        #expect(result.records.map(\.ttl) == [42, 42, 5])
        #expect(result.diagnostics.isEmpty)
    }

    @Test func noTTLBeforeAnyIsAnError() {
        let result = parseZone("www A 192.0.2.1\n")
        #expect(result.errorLines == ["1:1: no TTL: the record has none and no $TTL or earlier TTL applies"])
    }

    /// Out-of-zone data is kept for the semantic checks, which refuse it at its line (as
    /// nsd-checkzone does; BIND drops it with a warning).
    @Test func outOfZoneRecordsAreLeftToTheChecks() {
        var result = parseZone("$TTL 60\n" + soa + "www.example.net. A 192.0.2.1\nwww A 192.0.2.2\n")
        #expect(result.diagnostics.isEmpty && result.records.count == 3)
        result.check()
        #expect(result.errorLines.contains("3:1: www.example.net. A: out-of-zone data: not in example.com."))
    }

    @Test func escapedNamesAndWildcards() {
        let result = parseZone(soa + "*.w A 192.0.2.1\na\\.b A 192.0.2.2\n\\@x A 192.0.2.3\nsp\\032ace A 192.0.2.4\n")
        #expect(result.errors.isEmpty)
        #expect(
            result.records.dropFirst().map(\.name.text) == [
                "*.w.example.com.", "a\\.b.example.com.", "\\@x.example.com.", "sp\\032ace.example.com.",
            ])
        #expect(result.records[1].name.labelCount == 4)
    }

    @Test func resultPrintsLikeACompiler() {
        let result = ZoneFileParser.parse(
            text: soa + "www A 1.2.3\n", fileName: "zones/x.zone", origin: try! DNSName(text: "example.com."))
        #expect(
            result.errors.map(\.description) == [#"zones/x.zone:2:7: error: expected an IPv4 address, found "1.2.3""#])
        #expect(result.summary == "zone example.com.: 1 record, 1 error, 0 warnings")
        #expect(result.description.hasSuffix("\n" + result.summary))
        #expect(!result.isValid)
    }

    @Test func missingFileIsOneErrorForTheWholeFile() {
        let result = ZoneFileParser.parse(file: "/nonexistent/zone.db", origin: .root)
        #expect(
            result.errors.map(\.description) == [
                "/nonexistent/zone.db: error: cannot read the zone file: No such file or directory"
            ])
    }
}
