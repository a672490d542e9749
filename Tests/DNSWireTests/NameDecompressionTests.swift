import Testing

@testable import DNSWire

/// `WireReader.walkName`, the one loop every name read from the wire goes through: pointer
/// loops, chains, forward pointers and the hop bound, alike for `readName` and `skipName`.
@Suite struct NameDecompressionTests {
    /// The name at `at` in `bytes`, read (and skipped, which must agree), with where it ended.
    static func read(_ bytes: [UInt8], at: Int) throws(WireError) -> (name: [UInt8], end: Int) {
        let skipped = try withWireReader(bytes) { (reader) throws(WireError) -> Int in
            reader.offset = at
            try reader.skipName()
            return reader.offset
        }
        return try withWireReader(bytes) { (reader) throws(WireError) -> ([UInt8], Int) in
            reader.offset = at
            var name: [UInt8] = []
            try reader.readName(into: &name, lowercase: true)
            #expect(reader.offset == skipped, "skipName ends where readName does")
            return (name, reader.offset)
        }
    }

    /// The root at 0, then `count` pointers, each to the one before it (the first to the root),
    /// and last a name that is a pointer to the top of the chain: `count + 1` hops.
    static func chain(_ count: Int) -> (bytes: [UInt8], name: Int) {
        var bytes: [UInt8] = [0]
        var previous = 0
        for _ in 0..<count {
            let here = bytes.count
            bytes += [0xC0 | UInt8(previous >> 8), UInt8(previous & 0xFF)]
            previous = here
        }
        let name = bytes.count
        return (bytes + [0xC0 | UInt8(previous >> 8), UInt8(previous & 0xFF)], name)
    }

    @Test func hopBound() throws {
        #expect(WireReader.maxPointers == 127)
        let longest = Self.chain(WireReader.maxPointers - 1)
        let read = try Self.read(longest.bytes, at: longest.name)
        #expect(read.name == [0] && read.end == longest.name + 2)
        // One more hop: refused by both, where the 128th pointer is.
        let over = Self.chain(WireReader.maxPointers)
        #expect(throws: WireError.tooManyPointers(at: 0x01)) { try Self.read(over.bytes, at: over.name) }
        #expect(throws: WireError.tooManyPointers(at: 0x01)) {
            try withWireReader(over.bytes) { (reader) throws(WireError) in
                reader.offset = over.name
                try reader.skipName()
            }
        }
    }

    @Test func chainOfLabelsAndPointers() throws {
        // Units of a label "A" and a pointer to the unit before; the first ends at the root. The
        // name that points at the 127th unit follows 127 pointers and has 127 labels: 255 octets.
        var bytes: [UInt8] = []
        var units: [Int] = []
        for index in 0..<127 {
            units.append(bytes.count)
            bytes += [1, UInt8(ascii: "A")]
            bytes += index == 0 ? [0] : [0xC0 | UInt8(units[index - 1] >> 8), UInt8(units[index - 1] & 0xFF)]
        }
        let start = bytes.count
        bytes += [0xC0 | UInt8(units[126] >> 8), UInt8(units[126] & 0xFF)]
        let read = try Self.read(bytes, at: start)
        #expect(read.name == Array(repeating: [1, UInt8(ascii: "a")], count: 127).flatMap { $0 } + [0])
        #expect(read.end == start + 2)
    }

    @Test func runsAreCopiedAndLowercased() throws {
        // "Mail" then a pointer to "Example.TEST" at 0: two runs, both lowercased.
        let suffix: [UInt8] = [7] + Array("Example".utf8) + [4] + Array("TEST".utf8) + [0]
        let bytes = suffix + [4] + Array("Mail".utf8) + [0xC0, 0]
        let read = try Self.read(bytes, at: suffix.count)
        #expect(read.name == [4] + Array("mail".utf8) + [7] + Array("example".utf8) + [4] + Array("test".utf8) + [0])
        #expect(read.end == bytes.count)
        // Without lowercasing, the case is kept.
        let kept = try withWireReader(bytes) { (reader) throws(WireError) in
            reader.offset = suffix.count
            return try reader.readName()
        }
        #expect(kept.wire == Array(bytes[suffix.count..<(suffix.count + 5)]) + suffix)
    }

    @Test func loopsAndForwardPointers() {
        // A pointer at 4 to a label at 2 whose pointer (at 4) is in the run already read.
        #expect(throws: WireError.pointerLoop(at: 4)) { try Self.read([0, 0, 1, 0x61, 0xC0, 2], at: 2) }
        // After a jump, a pointer must go below the jump's target: at 0 a label and a pointer to
        // 1, inside that label, is a loop even though it points backwards.
        let bytes: [UInt8] = [1, 0xC0, 0xC0, 1, 2, 0x62, 0x62, 0xC0, 0]
        #expect(throws: WireError.pointerLoop(at: 2)) { try Self.read(bytes, at: 4) }
        // Self, forward, and past the end.
        #expect(throws: WireError.badPointer(at: 1)) { try Self.read([0, 0xC0, 1], at: 1) }
        #expect(throws: WireError.badPointer(at: 1)) { try Self.read([0, 0xC0, 3, 0], at: 1) }
        #expect(throws: WireError.badPointer(at: 0)) { try Self.read([0xFF, 0xFF], at: 0) }
        // A reserved label type (0x40, 0x80) anywhere on the path.
        #expect(throws: WireError.badLabel(at: 0)) { try Self.read([0x40, 0, 0xC0, 0], at: 2) }
    }

    @Test func questionNameMayNotBeCompressed() {
        let packet = MalformedWireTests.header(qd: 1) + [1, 0x61, 0xC0, 12, 0, 1, 0, 1]
        #expect(throws: WireError.badPointer(at: 14)) { try QuerySectionTests.decode(packet) }
    }
}
