import Testing

@testable import DNSWire

@Suite struct TypeBitmapTests {
    @Test func buildsTheWireForm() throws {
        // RFC 4034 §4.3's example: A MX RRSIG NSEC TYPE1234.
        let bitmap = TypeBitmap(types: [RRType(1234), .nsec, .a, .rrsig, .mx, .a])
        #expect(
            bitmap.wire == [0, 6, 0x40, 0x01, 0x00, 0x00, 0x00, 0x03, 4, 27] + Array(repeating: 0, count: 26) + [0x20])
        #expect(bitmap.types == [.a, .mx, .rrsig, .nsec, RRType(1234)])
        #expect(bitmap.text == "A MX RRSIG NSEC TYPE1234")
        #expect(try TypeBitmap(wire: bitmap.wire) == bitmap)
    }

    @Test func containsMatchesMembership() {
        let members: Set<UInt16> = [1, 2, 6, 46, 47, 48, 255, 256, 257, 1234, 32769, 65535]
        let bitmap = TypeBitmap(types: members.map { RRType($0) })
        for value in [
            0, 1, 2, 3, 5, 6, 7, 8, 46, 47, 48, 49, 254, 255, 256, 257, 258, 1233, 1234, 1235, 32768, 32769, 65534,
            65535,
        ] {
            #expect(bitmap.contains(RRType(UInt16(value))) == members.contains(UInt16(value)), "\(value)")
        }
        #expect(!TypeBitmap().contains(.a) && TypeBitmap().isEmpty && TypeBitmap().wire.isEmpty)
    }

    @Test func insertingKeepsOrder() {
        let bitmap = TypeBitmap(types: [.ns, .soa]).inserting(.caa).inserting(.a).inserting(.ns)
        #expect(bitmap == TypeBitmap(types: [.a, .ns, .soa, .caa]))
    }

    @Test func sortedValuesAgreesWithTypes() {
        let values: [UInt16] = [1, 1, 2, 16, 28, 46, 47, 50, 51, 65, 257, 258, 65280]
        #expect(TypeBitmap(sortedValues: values) == TypeBitmap(types: values.reversed().map { RRType($0) }))
    }

    @Test func rejectsMalformedWindows() {
        for bad: [UInt8] in [
            [0], [0, 0], [0, 1, 0], [0, 1], [1, 1, 1, 0, 1, 1], [0, 1, 1, 0, 1, 1],
            [0, 33] + Array(repeating: 1, count: 33),
        ] {
            #expect(throws: WireError.self, "\(bad)") { try TypeBitmap(wire: bad) }
        }
    }

    /// The bitmaps of dnspython's NSEC and NSEC3 fixtures come out of `init(types:)` exactly.
    @Test func agreesWithDnspython() throws {
        let records = GoldenRecord.all.filter { $0.type == .nsec || $0.type == .nsec3 }
        #expect(records.count >= 6)
        for record in records {
            let wire = record.wire
            let data = try withWireReader(wire) { (reader) throws(WireError) in
                try RData(type: record.type, decoding: &reader, length: wire.count)
            }
            let bitmap: TypeBitmap
            switch data {
            case .nsec(let nsec): bitmap = nsec.types
            case .nsec3(let nsec3): bitmap = nsec3.types
            default:
                Issue.record("unexpected \(data.type)")
                continue
            }
            #expect(TypeBitmap(types: bitmap.types) == bitmap)
            #expect(wire.suffix(bitmap.wire.count) == bitmap.wire[...])
        }
    }
}
