import Testing

@testable import DNSWire

/// Every RDATA type against dnspython: text → wire, wire → text, canonical form.
@Suite struct GoldenRecordTests {
    /// Guards against the parameterized tests passing vacuously on a missing or short fixture.
    @Test func fixtureCoversEveryType() {
        let types = Set(GoldenRecord.all.map(\.type))
        let expected: [RRType] = [
            .a, .aaaa, .ns, .cname, .ptr, .dname, .mx, .soa, .txt, .hinfo, .naptr, .srv, .caa, .sshfp, .tlsa,
            .svcb, .https, .ds, .cds, .dnskey, .cdnskey, .rrsig, .nsec, .nsec3, .nsec3param, RRType(65280),
        ]
        #expect(GoldenRecord.all.count >= 70)
        for type in expected { #expect(types.contains(type), "no fixture for \(type)") }
    }

    @Test(arguments: GoldenRecord.all)
    func textToWire(_ record: GoldenRecord) throws {
        let data = try RData(type: record.type, fields: TextField.split(record.input), origin: nil)
        #expect(data.type == record.type)
        #expect(data.wire == record.wire)
        #expect(data.canonicalWire == record.canonical)
    }

    @Test(arguments: GoldenRecord.all)
    func wireToText(_ record: GoldenRecord) throws {
        let wire = record.wire
        let data = try withWireReader(wire) { (reader) throws(WireError) in
            try RData(type: record.type, decoding: &reader, length: wire.count)
        }
        #expect(Self.normalized(data.text) == Self.normalized(record.dnspythonText))
        // Our own text parses back to the same value, and so does dnspython's.
        #expect(try RData(type: record.type, fields: TextField.split(data.text), origin: nil) == data)
        #expect(try RData(type: record.type, fields: TextField.split(record.dnspythonText), origin: nil) == data)
    }

    /// Only the RFC 1035 types may compress RDATA names (RFC 3597 §4); for every other type the
    /// compressed form must be the uncompressed bytes even after an owner name that the RDATA
    /// names could point at. Either way the compressed bytes decode to the same value.
    @Test(arguments: GoldenRecord.all)
    func compressionOnlyWhereAllowed(_ record: GoldenRecord) throws {
        let data = try RData(type: record.type, fields: TextField.split(record.input), origin: nil)
        var writer = WireWriter(capacity: 512)
        for name in ["example.", "example.com.", "example.net.", "udp.example.", "target.example."] {
            writer.writeName(try DNSName(text: name))
        }
        let start = writer.count
        data.serialize(into: &writer, form: .compressed)
        let compressible: Set<RRType> = [.ns, .cname, .ptr, .mx, .soa]
        if !compressible.contains(record.type) {
            #expect(Array(writer.bytes[start...]) == record.wire)
        }
        let decoded = try withWireReader(writer.bytes) { (reader) throws(WireError) in
            reader.offset = start
            return try RData(type: record.type, decoding: &reader, length: writer.count - start)
        }
        #expect(decoded == data)
    }

    /// Presentation differences that are legitimate, normalized away: dnspython prints hex in
    /// lowercase where BIND, Knot and Sigil print uppercase, and `\# 0` with a trailing space.
    /// Fields are compared after splitting, so quoting still counts.
    static func normalized(_ text: String) -> [TextField] {
        TextField.split(text).map { field in
            let isHex = !field.isQuoted && field.text.utf8.allSatisfy { $0.isHexDigit }
            return isHex ? TextField(field.text.uppercased()) : field
        }
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (48...57).contains(self) || (65...70).contains(self) || (97...102).contains(self)
    }
}
