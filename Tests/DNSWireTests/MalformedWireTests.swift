import Testing

@testable import DNSWire

/// Malformed packets: each must be refused with a specific `WireError`, never a trap or a hang.
@Suite struct MalformedWireTests {
    /// A header with the given counts.
    static func header(qd: UInt16 = 0, an: UInt16 = 0, ns: UInt16 = 0, ar: UInt16 = 0) -> [UInt8] {
        var writer = WireWriter()
        Header(id: 1, questionCount: qd, answerCount: an, authorityCount: ns, additionalCount: ar)
            .serialize(into: &writer)
        return writer.bytes
    }

    /// `example.` A IN, 13 bytes from offset 12.
    static let question: [UInt8] = [7] + Array("example".utf8) + [0, 0, 1, 0, 1]

    /// An answer record owned by a pointer to the question name.
    static func record(type: UInt16, rdata: [UInt8], rdlength: Int? = nil) -> [UInt8] {
        let length = rdlength ?? rdata.count
        return [
            0xC0, 12, UInt8(type >> 8), UInt8(type & 0xFF), 0, 1, 0, 0, 0, 60, UInt8(length >> 8),
            UInt8(length & 0xFF),
        ] + rdata
    }

    static func decode(_ bytes: [UInt8]) throws(WireError) { _ = try Message(decoding: bytes) }

    @Test func truncatedHeader() {
        #expect(throws: WireError.truncated(at: 2)) { try Self.decode([0, 1, 0]) }
    }

    @Test func countsLargerThanData() {
        #expect(throws: WireError.truncated(at: 12)) { try Self.decode(Self.header(qd: 1)) }
        #expect(throws: WireError.truncated(at: 25)) { try Self.decode(Self.header(qd: 1, an: 1) + Self.question) }
    }

    @Test func compressionLoop() {
        // At 12: label "a", then a pointer back to 12: the name would repeat forever.
        let packet = Self.header(qd: 1) + [1, UInt8(ascii: "a"), 0xC0, 12, 0, 1, 0, 1]
        #expect(throws: WireError.pointerLoop(at: 14)) { try Self.decode(packet) }
        // The same in a second name: its jump lands on its own first label, not below it.
        let pair = Self.header(qd: 2) + Self.question + [1, UInt8(ascii: "b"), 0xC0, 25, 0, 1, 0, 1]
        #expect(throws: WireError.pointerLoop(at: 27)) { try Self.decode(pair) }
    }

    @Test func selfPointer() {
        let packet = Self.header(qd: 1) + [0xC0, 12, 0, 1, 0, 1]
        #expect(throws: WireError.badPointer(at: 12)) { try Self.decode(packet) }
    }

    @Test func forwardPointer() {
        let packet = Self.header(qd: 1) + [0xC0, 14, 0, 0, 1, 0, 1]
        #expect(throws: WireError.badPointer(at: 12)) { try Self.decode(packet) }
    }

    @Test func pointerPastTheEnd() {
        let packet = Self.header(qd: 1) + [0xC3, 0xFF, 0, 1, 0, 1]
        #expect(throws: WireError.badPointer(at: 12)) { try Self.decode(packet) }
        // A pointer whose second byte is missing.
        #expect(throws: WireError.truncated(at: 12)) { try Self.decode(Self.header(qd: 1) + [0xC0]) }
    }

    @Test func label64Bytes() {
        let packet = Self.header(qd: 1) + [64] + Array(repeating: 97, count: 64) + [0, 0, 1, 0, 1]
        #expect(throws: WireError.badLabel(at: 12)) { try Self.decode(packet) }
    }

    @Test func name256Bytes() {
        // Four 63-byte labels and the root: 4 * 64 + 1 = 257 bytes.
        let label: [UInt8] = [63] + Array(repeating: 97, count: 63)
        let packet = Self.header(qd: 1) + label + label + label + label + [0, 0, 1, 0, 1]
        #expect(throws: WireError.nameTooLong(at: 12)) { try Self.decode(packet) }
        // Exactly 255 bytes is fine.
        let fits = label + label + label + [61] + Array(repeating: 97, count: 61) + [0]
        #expect(fits.count == 255)
        #expect(throws: Never.self) { try Self.decode(Self.header(qd: 1) + fits + [0, 1, 0, 1]) }
    }

    @Test func rdlengthPastTheEnd() {
        let packet = Self.header(qd: 1, an: 1) + Self.question + Self.record(type: 1, rdata: [192, 0, 2], rdlength: 4)
        #expect(throws: WireError.truncated(at: 37)) { try Self.decode(packet) }
    }

    @Test func aWithThreeBytes() {
        let packet = Self.header(qd: 1, an: 1) + Self.question + Self.record(type: 1, rdata: [192, 0, 2])
        #expect(throws: WireError.badRDataLength(type: 1, at: 37)) { try Self.decode(packet) }
    }

    @Test func soaCutShort() {
        // Two root names and only four of the five counters; a following A record must not be
        // read as the fifth.
        let soa = Self.record(type: 6, rdata: [0, 0] + Array(repeating: 1, count: 16))
        let a = Self.record(type: 1, rdata: [192, 0, 2, 1])
        let packet = Self.header(qd: 1, an: 2) + Self.question + soa + a
        #expect(throws: WireError.badRDataLength(type: 6, at: 39)) { try Self.decode(packet) }
    }

    @Test func dsWithoutDigest() {
        let packet = Self.header(qd: 1, an: 1) + Self.question + Self.record(type: 43, rdata: [0x30, 0x39, 8, 2])
        #expect(throws: WireError.badRDataLength(type: 43, at: 37)) { try Self.decode(packet) }
        // CDS shares the decoder and reports its own type.
        let cds = Self.header(qd: 1, an: 1) + Self.question + Self.record(type: 59, rdata: [0x30, 0x39, 8, 2])
        #expect(throws: WireError.badRDataLength(type: 59, at: 37)) { try Self.decode(cds) }
    }

    static let opt: [UInt8] = [0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, 0]

    @Test func twoOPTRecords() {
        let packet = Self.header(qd: 1, ar: 2) + Self.question + Self.opt + Self.opt
        #expect(throws: WireError.badOPT(at: 36)) { try Self.decode(packet) }
    }

    @Test func optNotAtRoot() {
        let packet = Self.header(qd: 1, ar: 1) + Self.question + [0xC0, 12] + Self.opt.dropFirst()
        #expect(throws: WireError.badOPT(at: 25)) { try Self.decode(packet) }
        // Nor outside the additional section.
        let inAnswer = Self.header(qd: 1, an: 1) + Self.question + Self.opt
        #expect(throws: WireError.badOPT(at: 25)) { try Self.decode(inAnswer) }
    }

    @Test func trailingBytes() {
        let packet = Self.header(qd: 1) + Self.question + [0]
        #expect(throws: WireError.trailingData(at: 25)) { try Self.decode(packet) }
    }

    /// RDATA-level checks of the new types, through the record decoder.
    @Test func badTypeBitmaps() {
        func nsec(_ bitmap: [UInt8]) -> [UInt8] {
            Self.header(qd: 1, an: 1) + Self.question + Self.record(type: 47, rdata: [0] + bitmap)
        }
        // Window 0 after window 1, an empty window, a 33-byte window, a trailing zero byte, a
        // window running past the RDATA.
        #expect(throws: WireError.badRData(type: 47, at: 41)) { try Self.decode(nsec([1, 1, 0x40, 0, 1, 0x40])) }
        #expect(throws: WireError.badRData(type: 47, at: 38)) { try Self.decode(nsec([0, 0])) }
        #expect(throws: WireError.badRData(type: 47, at: 38)) {
            try Self.decode(nsec([0, 33] + Array(repeating: 1, count: 33)))
        }
        #expect(throws: WireError.badRData(type: 47, at: 38)) { try Self.decode(nsec([0, 2, 0x40, 0])) }
        #expect(throws: WireError.badRData(type: 47, at: 38)) { try Self.decode(nsec([0, 3, 0x40])) }
    }

    @Test func svcbKeysMustIncrease() {
        let params: [UInt8] = [0, 3, 0, 2, 1, 187, 0, 1, 0, 3, 2, 104, 50]  // port then alpn
        let packet = Self.header(qd: 1, an: 1) + Self.question + Self.record(type: 65, rdata: [0, 1, 0] + params)
        #expect(throws: WireError.badRData(type: 65, at: 46)) { try Self.decode(packet) }
        // A port value of three bytes is malformed too.
        let port =
            Self.header(qd: 1, an: 1) + Self.question + Self.record(type: 64, rdata: [0, 1, 0, 0, 3, 0, 3, 1, 2, 3])
        #expect(throws: WireError.badRData(type: 64, at: 40)) { try Self.decode(port) }
        // mandatory lists a key that is absent.
        let mandatory = [0, 1, 0, 0, 0, 0, 2, 0, 3] as [UInt8]
        let missing = Self.header(qd: 1, an: 1) + Self.question + Self.record(type: 64, rdata: mandatory)
        #expect(throws: WireError.badRData(type: 64, at: 37)) { try Self.decode(missing) }
    }

    @Test func nsec3WithEmptyHash() {
        let rdata: [UInt8] = [1, 0, 0, 0, 0, 0]
        let packet = Self.header(qd: 1, an: 1) + Self.question + Self.record(type: 50, rdata: rdata)
        #expect(throws: WireError.badRData(type: 50, at: 42)) { try Self.decode(packet) }
        // A salt length running past RDLENGTH.
        let long = Self.header(qd: 1, an: 1) + Self.question + Self.record(type: 50, rdata: [1, 0, 0, 0, 9, 1])
        #expect(throws: WireError.badRDataLength(type: 50, at: 41)) { try Self.decode(long) }
    }
}
