import Testing

@testable import DNSWire

/// What `Query.decode` accepts beyond the question: no answers, authority only for IXFR's SOA,
/// additional only one OPT and then one TSIG, at most `Query.maxOptions` EDNS options.
@Suite struct QuerySectionTests {
    static func decode(_ packet: [UInt8]) throws(WireError) -> Query {
        var query = Query()
        try withWireReader(packet) { (reader) throws(WireError) in try query.decode(reader.bytes) }
        return query
    }

    static func header(_ qd: UInt16, _ an: UInt16, _ ns: UInt16, _ ar: UInt16) -> [UInt8] {
        MalformedWireTests.header(qd: qd, an: an, ns: ns, ar: ar)
    }
    /// `example.` with the given type, IN: 13 bytes from offset 12.
    static func question(type: UInt16 = 1) -> [UInt8] {
        [7] + Array("example".utf8) + [0, UInt8(type >> 8), UInt8(type & 0xFF), 0, 1]
    }
    /// A record owned by the question name (a pointer to 12).
    static func record(type: UInt16, rdata: [UInt8] = [], owner: [UInt8] = [0xC0, 12]) -> [UInt8] {
        owner + [UInt8(type >> 8), UInt8(type & 0xFF), 0, 1, 0, 0, 0, 0, 0, UInt8(rdata.count)] + rdata
    }
    static let soa = record(type: 6, rdata: [0, 0] + Array(repeating: 0, count: 20))
    static func opt(_ options: [UInt8] = []) -> [UInt8] {
        [0, 0, 41, 0x04, 0xD0, 0, 0, 0x80, 0, UInt8(options.count >> 8), UInt8(options.count & 0xFF)] + options
    }
    /// A TSIG owned by `key.`, its RDATA not checked by the decoder.
    static let tsig = record(type: 250, rdata: Array(repeating: 0, count: 20), owner: [3] + Array("key".utf8) + [0])

    @Test func noAnswers() {
        let packet = Self.header(1, 1, 0, 0) + Self.question() + Self.record(type: 1, rdata: [192, 0, 2, 1])
        #expect(throws: WireError.unexpectedRecord(at: 6)) { try Self.decode(packet) }
    }

    @Test func authorityOnlyForIXFR() throws {
        #expect(throws: WireError.unexpectedRecord(at: 8)) {
            try Self.decode(Self.header(1, 0, 1, 0) + Self.question() + Self.soa)
        }
        let ixfr = try Self.decode(Self.header(1, 0, 1, 0) + Self.question(type: 251) + Self.soa)
        #expect(ixfr.type == .ixfr && ixfr.questionEnd == 25)
        // One SOA, nothing else.
        #expect(throws: WireError.unexpectedRecord(at: 8)) {
            try Self.decode(Self.header(1, 0, 2, 0) + Self.question(type: 251) + Self.soa + Self.soa)
        }
        #expect(throws: WireError.unexpectedRecord(at: 25)) {
            try Self.decode(
                Self.header(1, 0, 1, 0) + Self.question(type: 251) + Self.record(type: 1, rdata: [1, 2, 3, 4]))
        }
    }

    @Test func notifyMayCarryItsSOA() throws {
        var packet = Self.header(1, 1, 0, 1) + Self.question(type: 6) + Self.soa + Self.opt()
        packet[2] = 4 << 3
        let notify = try Self.decode(packet)
        #expect(notify.opcode == .notify && notify.hasEDNS && notify.dnssecOK)
        // The same as a QUERY: an answer, refused.
        packet[2] = 0
        #expect(throws: WireError.unexpectedRecord(at: 6)) { try Self.decode(packet) }
    }

    @Test func additionalIsOPTThenTSIG() throws {
        let both = Self.header(1, 0, 0, 2) + Self.question() + Self.opt() + Self.tsig
        let query = try Self.decode(both)
        #expect(query.hasEDNS && query.tsig == 36..<(both.count))
        let tsigOnly = try Self.decode(Self.header(1, 0, 0, 1) + Self.question() + Self.tsig)
        #expect(!tsigOnly.hasEDNS && tsigOnly.tsig == 25..<(25 + Self.tsig.count))
        // TSIG must be last.
        let tsigFirst = Self.header(1, 0, 0, 2) + Self.question() + Self.tsig + Self.opt()
        #expect(throws: WireError.unexpectedRecord(at: 25 + Self.tsig.count)) { try Self.decode(tsigFirst) }
        // Anything else in additional, or a third record.
        let glue = Self.header(1, 0, 0, 1) + Self.question() + Self.record(type: 1, rdata: [1, 2, 3, 4])
        #expect(throws: WireError.unexpectedRecord(at: 25)) { try Self.decode(glue) }
        let three = Self.header(1, 0, 0, 3) + Self.question() + Self.opt() + Self.tsig + Self.tsig
        #expect(throws: WireError.unexpectedRecord(at: 10)) { try Self.decode(three) }
    }

    @Test func optionBound() throws {
        let empty: [UInt8] = [0xFD, 0xE9, 0, 0]  // option 65001, no data
        let most = Array(repeating: empty, count: Query.maxOptions).flatMap { $0 }
        let fits = try Self.decode(Self.header(1, 0, 0, 1) + Self.question() + Self.opt(most))
        #expect(fits.hasEDNS)
        #expect(throws: WireError.badOPT(at: 28)) {
            try Self.decode(Self.header(1, 0, 0, 1) + Self.question() + Self.opt(most + empty))
        }
    }

    @Test func optionsStayInsideTheOPT() {
        // An option header cut by RDLENGTH: its length would be read from the TSIG that follows.
        let packet = Self.header(1, 0, 0, 2) + Self.question() + Self.opt([0, 10]) + Self.tsig
        #expect(throws: WireError.badRDataLength(type: 41, at: 36)) { try Self.decode(packet) }
        // An option's data running past RDLENGTH.
        let long = Self.header(1, 0, 0, 1) + Self.question() + Self.opt([0, 10, 0, 8, 1, 2, 3, 4])
        #expect(throws: WireError.badRDataLength(type: 41, at: 40)) { try Self.decode(long) }
    }

    /// The shape of issue #12's query, small: a record whose RDATA is a pointer chain, then many
    /// additional records owned by its top. Refused from the counts, before any is read.
    @Test func manyRecordsRefusedFromTheCounts() {
        // The RDATA starts at 37: the root, then pointers each to the one before.
        var chain: [UInt8] = [0]
        var previous = 37
        for index in 0..<100 {
            chain += [0xC0, UInt8(previous)]
            previous = 38 + 2 * index
        }
        var packet = Self.header(1, 0, 0, 200) + Self.question() + Self.record(type: 16, rdata: chain)
        for _ in 0..<199 { packet += Self.record(type: 1, rdata: [1, 2, 3, 4], owner: [0xC0, UInt8(previous)]) }
        #expect(throws: WireError.unexpectedRecord(at: 10)) { try Self.decode(packet) }
    }
}
