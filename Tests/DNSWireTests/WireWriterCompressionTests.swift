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
}
