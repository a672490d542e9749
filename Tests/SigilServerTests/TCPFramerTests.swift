import QueryPipeline
import Testing

/// The TCP stream splitter: messages come out whole and in order however the stream is cut, and
/// what is left is reported as it is. `Fuzz/Sources/TCPFramerFuzzer.swift` checks the same
/// against random streams and cuts.
@Suite struct TCPFramerTests {
    static func framed(_ messages: [[UInt8]]) -> [UInt8] {
        messages.flatMap { [UInt8($0.count >> 8), UInt8($0.count & 0xFF)] + $0 }
    }

    static func drain(_ framer: inout TCPFramer) -> [[UInt8]] {
        var out: [[UInt8]] = []
        while let message = framer.nextMessage({ Array($0) }) { out.append(message) }
        return out
    }

    @Test func byteByByte() {
        let messages: [[UInt8]] = [[1, 2, 3], [], Array(repeating: 7, count: 300), [9]]
        let stream = Self.framed(messages)
        var framer = TCPFramer(capacity: 4)
        var out: [[UInt8]] = []
        for byte in stream {
            [byte].withUnsafeBytes { framer.append($0) }
            out += Self.drain(&framer)
            #expect(framer.isMidMessage == (framer.bufferedBytes > 0), "drained: whatever is left is partial")
        }
        #expect(out == messages)
        #expect(framer.bufferedBytes == 0 && !framer.isMidMessage && framer.nextLength == nil)
    }

    @Test func partialTailAndPrefix() {
        var stream = Self.framed([[0xAA, 0xBB]])
        stream += [0x01, 0x00, 0x42]  // a 256-byte message, one byte of it here
        var framer = TCPFramer()
        stream.withUnsafeBytes { framer.append($0) }
        #expect(framer.hasCompleteMessage && !framer.isMidMessage)
        #expect(Self.drain(&framer) == [[0xAA, 0xBB]])
        #expect(framer.nextLength == 256 && framer.isMidMessage && !framer.hasCompleteMessage)
        #expect(framer.bufferedBytes == 3)

        var prefix: [UInt8] = [0, 0]
        prefix.withUnsafeMutableBytes { TCPFramer.writePrefix(length: 65535, into: $0) }
        #expect(prefix == [0xFF, 0xFF])
    }

    /// A stream far larger than the buffer, in large pieces: the buffer grows to hold a whole
    /// maximum-size message and every message still comes out intact.
    @Test func largeMessagesGrowTheBuffer() {
        let messages = (0..<5).map { index in (0..<65535).map { UInt8(truncatingIfNeeded: $0 &+ index) } }
        let stream = Self.framed(messages)
        var framer = TCPFramer(capacity: 512)
        var out: [[UInt8]] = []
        var offset = 0
        while offset < stream.count {
            let end = min(stream.count, offset + 40_000)
            stream[offset..<end].withUnsafeBytes { framer.append($0) }
            out += Self.drain(&framer)
            offset = end
        }
        #expect(out == messages)
    }
}
