import DNSWire
import Testing

@testable import DNSZone

private let soa = "$TTL 60\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"

/// Each error names the line and the column of the field at fault, and parsing goes on.
@Suite struct ZoneFileErrorTests {
    /// Parses `soa` + `body` and returns the errors; the body starts on line 3.
    private func errors(_ body: String) -> [String] { parseZone(soa + body).errorLines }

    @Test func rdataErrorsPointAtTheirField() {
        #expect(errors("www A 1.2.3\n") == [#"3:7: expected an IPv4 address, found "1.2.3""#])
        #expect(errors("www  AAAA  ::g\n") == [#"3:12: expected an IPv6 address, found "::g""#])
        #expect(errors("@ MX 10 bad..name\n") == [#"3:9: empty label in domain name "bad..name""#])
        #expect(errors("@ MX x mail\n") == ["3:6: expected a preference (0 to 65535)"])
        #expect(errors("www A 192.0.2.1 192.0.2.2\n") == ["3:17: expected an IPv4 address, found 2 fields"])
        #expect(errors("www A\n").count == 1)
        #expect(errors("t TXT \"\\300\"\n") == [#"3:7: \300 is not a byte"#])
    }

    @Test func rdataErrorOnAContinuationLineOfAParenthesisedRecord() {
        #expect(
            errors("x SOA ns hm (\n  1 2\n  3 4x 5 )\n") == [
                "5:5: expected a time value (seconds, or units like 1h30m)"
            ])
    }

    @Test func recordSyntaxErrors() {
        #expect(errors("www 5x A 192.0.2.1\n") == [#"3:5: invalid TTL "5x""#])
        #expect(errors("www IN BOGUS 1\n") == [#"3:8: unknown record type "BOGUS""#])
        #expect(errors("www 300 IN\n") == ["3:11: expected a record type"])
        #expect(errors("www CH A 192.0.2.1\n") == ["3:5: class CH is not supported; only IN zones are served"])
        #expect(errors("www 60 CLASS3 A 192.0.2.1\n") == ["3:8: class CH is not supported; only IN zones are served"])
        #expect(errors("www ANY 192.0.2.1\n").count == 1)
        #expect(errors("www AXFR x\n") == ["3:5: type AXFR cannot appear in a zone"])
        #expect(errors("\"q\" A 192.0.2.1\n") == ["3:1: an owner name cannot be quoted"])
        #expect(errors("www A \\# 3 0102\n") == ["3:10: \\# length 3 does not match the 2 bytes of data"])
        #expect(errors("www A \\# 3 010203\n") == ["3:7: generic RDATA is not valid A data"])
    }

    @Test func ownerErrors() {
        let result = parseZone("  A 192.0.2.1\n", origin: "example.com.")
        #expect(result.errorLines == ["1:3: no owner name: the first record must start in column 1"])
        #expect(
            errors("bad..owner A 192.0.2.1\n  AAAA ::1\n")
                == [
                    #"3:1: empty label in domain name "bad..owner""#,
                    "4:3: this line continues a record whose owner name is invalid",
                ])
        #expect(
            parseZone("@ 60 A 192.0.2.1\n", origin: nil).errorLines == [
                "1:1: @ used with no origin; give one or set $ORIGIN"
            ])
    }

    @Test func directiveErrors() {
        #expect(errors("$TTL\n") == ["3:5: expected $TTL ttl"])
        #expect(errors("$TTL 1x\n") == [#"3:6: invalid $TTL "1x"; expected seconds or units like 1h30m"#])
        #expect(errors("$TTL 60 extra\n") == [#"3:9: unexpected "extra" after $TTL ttl"#])
        #expect(errors("$ORIGIN a..b\n") == [#"3:9: empty label in domain name "a..b""#])
        #expect(errors("$INCLUDE\n") == ["3:9: expected $INCLUDE file-name [domain-name]"])
        #expect(errors("$GENERATE 1-10 h$ A 192.0.2.$\n") == ["3:1: $GENERATE is not supported"])
        #expect(errors("$BOGUS x\n") == ["3:1: unknown directive $BOGUS"])
    }

    /// Where the SOA records are is for the semantic checks (`check()`, ZoneCheckTests), which
    /// point at the record just as the parser would.
    @Test func soaPlacementIsLeftToTheChecks() {
        #expect(errors("@ SOA ns hm 1 2 3 4 5\n") == [])
        var second = parseZone(soa + "@ SOA ns hm 1 2 3 4 5\n")
        second.check()
        #expect(
            second.errorLines.contains(
                "3:1: example.com. SOA: a second SOA record; a zone has exactly one; the first is at line 2"))
        var elsewhere = parseZone("$TTL 1\nwww SOA ns hm 1 2 3 4 5\n")
        #expect(elsewhere.errors.isEmpty && elsewhere.records.count == 1)
        elsewhere.check()
        #expect(
            elsewhere.errorLines.first == "2:1: www.example.com. SOA: SOA record not at the zone's apex example.com.")
    }

    @Test func lexicalErrorsAreReportedAndParsingContinues() {
        let result = parseZone(
            soa + """
                a TXT "unterminated
                b A 192.0.2.1 )
                c A 192.0.2.3
                d SOA ns hm ( 1 2 3
                """)
        #expect(
            result.errorLines == [
                "3:7: quoted string not closed on its line",
                #"4:15: ")" without a matching "(""#,
                #"6:13: "(" without a matching ")" before the end of the file"#,
            ])
        #expect(result.records.map(\.name.text).last == "c.example.com.")
    }

    @Test func allErrorsAreReportedNotOnlyTheFirst() {
        let result = parseZone(soa + "a A 1\nb A 192.0.2.2\nc AAAA x\nd MX 1\ne A 192.0.2.5\n")
        #expect(result.errorLines.map { $0.prefix(4) } == ["3:5:", "5:8:", "6:6:"])
        #expect(result.records.map(\.name.text) == ["example.com.", "b.example.com.", "e.example.com."])
    }

    @Test func reportingStopsAtTheErrorLimit() {
        let body = (0..<150).map { "h\($0) A 300.0.0.\($0)\n" }.joined()
        let result = parseZone(soa + body)
        #expect(result.errors.count == ZoneFileParser.maxErrors + 1)
        #expect(result.errors.last?.message == "too many errors (100); stopped reading")
        #expect(result.errors.last?.line == 102)
    }
}
