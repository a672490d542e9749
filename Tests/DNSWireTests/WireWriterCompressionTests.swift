import Testing

@testable import DNSWire

/// The compression table of `WireWriter`: pointers go to the first occurrence of the longest
/// suffix, case ignored; rolled-back names stop being targets; past the table's limit names are
/// still correct, only less compressed.
@Suite struct WireWriterCompressionTests {
    static let header = [UInt8](repeating: 0, count: 12)

    func name(_ text: String) throws -> DNSName { try DNSName(text: text) }

    @Test func pointsAtTheFirstOccurrenceIgnoringCase() throws {
        var writer = WireWriter(capacity: 512)
        writer.writeBytes(WireWriterCompressionTests.header)
        writer.writeName(try name("Example.COM."))
        writer.writeName(try name("example.com."), compress: false)
        let second = writer.count
        writer.writeName(try name("www.example.com."))
        #expect(Array(writer.bytes[second...]) == [3, 0x77, 0x77, 0x77, 0xC0, 12])
        let third = writer.count
        writer.writeName(try name("EXAMPLE.com."))
        #expect(Array(writer.bytes[third...]) == [0xC0, 12])
        let fourth = writer.count
        writer.writeName(try name("mail.WWW.example.com."))
        #expect(Array(writer.bytes[fourth...]) == [4, 0x6D, 0x61, 0x69, 0x6C, 0xC0, UInt8(second)])
    }

    @Test func rootAndNamesAtOffsetZero() throws {
        var writer = WireWriter(capacity: 64)
        writer.writeName(try name("example."))
        writer.writeName(.root)
        writer.writeName(try name("a.example."))
        #expect(writer.bytes == [7] + Array("example".utf8) + [0, 0, 1, 0x61, 0xC0, 0])
    }

    @Test func rolledBackNamesAreNoTargets() throws {
        var writer = WireWriter(capacity: 512)
        writer.writeBytes(WireWriterCompressionTests.header)
        writer.writeName(try name("example.com."))
        let mark = writer.mark()
        writer.writeName(try name("host.example.net."))
        writer.rollback(to: mark)
        let start = writer.count
        writer.writeName(try name("host.example.net."))
        #expect(Array(writer.bytes[start...]) == (try name("host.example.net.")).wire)
        let next = writer.count
        writer.writeName(try name("www.example.com."))
        #expect(Array(writer.bytes[next...]) == [3, 0x77, 0x77, 0x77, 0xC0, 12])
    }

    @Test func manyNamesStillDecode() throws {
        var writer = WireWriter(capacity: 65535)
        writer.writeBytes(WireWriterCompressionTests.header)
        let names = try (0..<2000).map { try name("n\($0).s\($0 % 7).example.") }
        var offsets: [Int] = []
        for item in names {
            offsets.append(writer.count)
            writer.writeName(item)
        }
        // The whole message is below 64 KiB but beyond the table's limit: everything decodes.
        for (item, offset) in zip(names, offsets) {
            let decoded = try withWireReader(writer.bytes) { (reader) throws(WireError) in
                reader.offset = offset
                return try reader.readName()
            }
            #expect(decoded == item)
        }
        // The last names are compressed against the shared suffix written first.
        #expect(writer.count < names.reduce(12) { $0 + $1.wireLength })
    }

    /// A name whose labels after the first spell the end of the first name points there without a
    /// lookup per label; only a suffix that starts at a label counts.
    @Test func suffixOfTheFirstNameOnlyAtALabel() throws {
        var writer = WireWriter(capacity: 512)
        writer.writeBytes(WireWriterCompressionTests.header)
        writer.writeName(try name("a.example.com."))
        let second = writer.count
        writer.writeName(try name("b.example.com."))
        #expect(Array(writer.bytes[second...]) == [1, 0x62, 0xC0, 14])
        // The first name `x\007example.com.` ends with the bytes of `example.com.`, but not at a label.
        writer.reset()
        writer.writeBytes(WireWriterCompressionTests.header)
        let first: [UInt8] = [9, 0x78, 7] + Array("example".utf8) + [3] + Array("com".utf8) + [0]
        writer.writeName(wire: first)
        let next = writer.count
        writer.writeName(try name("b.example.com."))
        #expect(Array(writer.bytes[next...]) == [1, 0x62, 7] + Array("example".utf8) + [0xC0, 22])
    }

    /// A name that may not be compressed in RDATA (an RRSIG's signer) is no compression target
    /// either, as in dnspython: the owner after it is written in full.
    @Test func uncompressibleRDataNamesAreNoTargets() throws {
        var writer = WireWriter(capacity: 512)
        writer.writeBytes(WireWriterCompressionTests.header)
        let signature = RRSIG(
            typeCovered: .a, algorithm: 13, labels: 2, originalTTL: 300, expiration: 2, inception: 1, keyTag: 7,
            signer: try name("example.com."), signature: [9, 9])
        RData.rrsig(signature).serialize(into: &writer, form: .compressed)
        let start = writer.count
        writer.writeName(try name("www.example.com."))
        #expect(Array(writer.bytes[start...]) == (try name("www.example.com.")).wire)
    }

    /// The record writers put owner pointer, TYPE, CLASS, TTL and the pre-encoded RDLENGTH and
    /// RDATA in one append.
    @Test func recordWriters() throws {
        var writer = WireWriter(capacity: 512)
        writer.writeBytes(WireWriterCompressionTests.header)
        writer.writeName(try name("example.com."))
        let data: [UInt8] = [0, 4, 192, 0, 2, 1]
        let start = writer.count
        data.withUnsafeBytes { writer.writeRecord(ownerAt: 12, type: 1, class: 1, ttl: 300, lengthAndData: $0) }
        #expect(Array(writer.bytes[start...]) == [0xC0, 12, 0, 1, 0, 1, 0, 0, 1, 44] + data)
        let body = writer.count
        data[2...].withUnsafeBytes { writer.writeRecordBody(type: 1, class: 1, ttl: 300, rdata: $0) }
        #expect(Array(writer.bytes[body...]) == [0, 1, 0, 1, 0, 0, 1, 44] + data)
    }
}
