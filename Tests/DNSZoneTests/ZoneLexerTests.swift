import DNSWire
import Testing

@testable import DNSZone

/// Lexes all records of `text`, as (hasOwner, field texts, "line:column" of each field, error).
private func lex(_ text: String) -> [(owner: Bool, fields: [String], at: [String], error: String?)] {
    var lexer = ZoneLexer(bytes: Array(text.utf8))
    var record = LexedRecord()
    var out: [(Bool, [String], [String], String?)] = []
    while lexer.next(into: &record) {
        out.append(
            (
                record.hasOwner, record.fields.map(\.description), record.positions.map { "\($0.line):\($0.column)" },
                record.error.map { "\($0.position.line):\($0.position.column) \($0.message)" }
            ))
    }
    return out
}

@Suite struct ZoneLexerTests {
    @Test func parenthesesJoinLinesAndCommentsInsideAreIgnored() {
        let records = lex(
            """
            @ IN SOA ns1 host ( ; a comment with ( and "
                 1 ; serial
               2 3 4 5 )
            www A 192.0.2.1
            """)
        #expect(records.count == 2)
        #expect(records[0].fields == ["@", "IN", "SOA", "ns1", "host", "1", "2", "3", "4", "5"])
        #expect(records[0].at[5] == "2:6" && records[0].at[6] == "3:4" && records[0].at[9] == "3:10")
        #expect(records[1].fields == ["www", "A", "192.0.2.1"] && records[1].at == ["4:1", "4:5", "4:7"])
    }

    @Test func quotedStringsKeepSemicolonsParenthesesAndEscapes() {
        let records = lex(#"txt TXT "a;b(c" "d\"e" plain"# + "\n")
        #expect(records.count == 1)
        #expect(records[0].fields == ["txt", "TXT", #""a;b(c""#, #""d\"e""#, "plain"])
        #expect(records[0].at == ["1:1", "1:5", "1:9", "1:17", "1:24"])
    }

    @Test func backslashKeepsDelimitersInsideAnUnquotedField() {
        let records = lex(#"a TXT one\ field two\;three four\(five"#)
        #expect(records[0].fields == ["a", "TXT", #"one\ field"#, #"two\;three"#, #"four\(five"#])
    }

    @Test func leadingWhiteSpaceMeansNoOwner() {
        let records = lex("www A 192.0.2.1\n\tAAAA ::1\n  ; only a comment\n\n mail MX 10 mx\n")
        #expect(records.map(\.owner) == [true, false, false])
        #expect(records[1].at == ["2:2", "2:7"])
        #expect(records[2].fields == ["mail", "MX", "10", "mx"] && records[2].at[0] == "5:2")
    }

    @Test func carriageReturnsAreWhiteSpace() {
        let records = lex("a A 192.0.2.1\r\nb A 192.0.2.2\r\n")
        #expect(records.map(\.fields) == [["a", "A", "192.0.2.1"], ["b", "A", "192.0.2.2"]])
    }

    @Test func closingParenthesisWithoutOpeningIsAnErrorAndLexingResumes() {
        let records = lex("a A 192.0.2.1 )\nb A 192.0.2.2\n")
        #expect(records.count == 2)
        #expect(records[0].error == #"1:15 ")" without a matching "(""#)
        #expect(records[1].error == nil && records[1].fields == ["b", "A", "192.0.2.2"])
    }

    @Test func unclosedParenthesisIsReportedWhereItOpened() {
        let records = lex("a A 192.0.2.1\nb SOA ns host (\n 1 2 3\n 4 5\n")
        #expect(records.count == 2)
        #expect(records[1].error == #"2:15 "(" without a matching ")" before the end of the file"#)
    }

    @Test func unterminatedQuoteIsReportedAtTheQuote() {
        let records = lex("a TXT \"open\nb A 192.0.2.2\n")
        #expect(records.count == 2)
        #expect(records[0].error == "1:7 quoted string not closed on its line")
        #expect(records[1].fields == ["b", "A", "192.0.2.2"])
    }

    @Test func invalidUTF8IsAnError() {
        var bytes = Array("a TXT x".utf8)
        bytes.append(0xFF)
        bytes.append(contentsOf: Array("\nb A 192.0.2.2\n".utf8))
        var lexer = ZoneLexer(bytes: bytes)
        var record = LexedRecord()
        let first = lexer.next(into: &record)
        #expect(first)
        let position = record.error?.position
        #expect(position == SourcePosition(line: 1, column: 7))
        let second = lexer.next(into: &record)
        #expect(second)
        let failed = record.error != nil
        #expect(!failed && record.fields.count == 3)
    }
}
