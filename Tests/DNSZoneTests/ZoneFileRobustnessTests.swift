import DNSWire
import Testing

@testable import DNSZone

/// Garbage in: no crash, and no record lost without a word.
@Suite struct ZoneFileRobustnessTests {
    private static let tokens = [
        "www", "@", "a.b", "300", "1h", "IN", "CH", "CLASS1", "A", "AAAA", "MX", "TXT", "SOA", "TYPE65280", "NS",
        "192.0.2.1", "::1", "\"q;(\"", "(", ")", ";c", "\\#", "4", "0a000001", "10", "x..y", "\"", "\\",
        "ns.example.net.", "out.example.org.", "\\ ", "1.2.3",
    ]

    /// Every logical record the lexer finds ends as exactly one record or one error.
    @Test(arguments: 1...20) func everyRecordIsLoadedOrReported(seed: UInt64) {
        var random = SplitMix(seed)
        var text = "$TTL 60\n@ SOA ns hm 1 2 3 4 5\n"
        for _ in 0..<60 {
            if random.next() % 3 == 0 { text += random.next() % 2 == 0 ? " " : "\t" }
            let count = Int(random.next() % 7)
            text += (0..<count).map { _ in Self.tokens[Int(random.next() % UInt64(Self.tokens.count))] }
                .joined(separator: random.next() % 4 == 0 ? "\t" : " ")
            text += "\n"
        }
        var lexer = ZoneLexer(bytes: Array(text.utf8))
        var lexed = LexedRecord()
        var logicalRecords = -1  // the $TTL line
        while lexer.next(into: &lexed) { logicalRecords += 1 }

        var result = parseZone(text)
        #expect(result.records.count + result.errors.count == logicalRecords, "\(text)")
        // The semantic checks point at records that exist, whatever garbage surrounds them.
        result.check()
        #expect(result.errors.allSatisfy { $0.line >= 1 && $0.column >= 1 })
        result = parseZone(text)
        #expect(result.errors.allSatisfy { $0.line >= 1 && $0.column >= 1 })
    }
}

/// A small deterministic generator, so a failure can be replayed from its seed.
private struct SplitMix {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
