/// Splits a TCP byte stream into DNS messages, each sent after its length as two octets in
/// network order (RFC 1035 §4.2.2, RFC 7766 §8), without sockets, so that the framing can be
/// tested and fuzzed on its own.
///
/// Bytes go in as they arrive, in chunks of any size; complete messages come out in order, each
/// handed to a closure as a view of the framer's buffer (no copy). The buffer is reused: once it
/// has grown to the largest amount held at once, framing allocates nothing. What a transport does
/// about a slow or greedy client (deadlines, how much it reads ahead) it decides from
/// `bufferedBytes` and `isMidMessage`.
public struct TCPFramer {
    /// The largest message plus its length prefix.
    public static var maxFrame: Int { 2 + 65535 }

    private var storage: [UInt8]
    /// The unconsumed bytes are `storage[start..<end]`.
    private var start = 0
    private var end = 0

    /// `capacity`: bytes held without growing the buffer.
    public init(capacity: Int = 4096) {
        storage = [UInt8](repeating: 0, count: max(capacity, 2))
    }

    /// Bytes received and not yet taken as part of a message.
    public var bufferedBytes: Int { end - start }

    /// Whether part of a message (at least one byte of it, not all) has arrived: the state a
    /// deadline for the rest of the message applies to.
    public var isMidMessage: Bool { end > start && !hasCompleteMessage }

    /// Whether `nextMessage` would return a message.
    public var hasCompleteMessage: Bool {
        guard let length = nextLength else { return false }
        return end - start >= 2 + length
    }

    /// The length the next message declares, once both octets of it have arrived.
    public var nextLength: Int? {
        guard end - start >= 2 else { return nil }
        return Int(storage[start]) << 8 | Int(storage[start + 1])
    }

    /// Adds bytes received from the stream.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        if start == end {
            start = 0
            end = 0
        }
        if end + bytes.count > storage.count {
            compact()
            if end + bytes.count > storage.count {
                // Grow geometrically, so that a stream of small reads costs amortised O(1) per byte.
                let grown = max(end + bytes.count, 2 * storage.count)
                storage.append(contentsOf: repeatElement(0, count: grown - storage.count))
            }
        }
        storage.withUnsafeMutableBytes { buffer in
            UnsafeMutableRawBufferPointer(rebasing: buffer[end..<end + bytes.count]).copyMemory(from: bytes)
        }
        end += bytes.count
    }

    /// Takes the next complete message off the stream and passes it to `body`; nil, consuming
    /// nothing, if no message is complete. The view is valid only during the call.
    public mutating func nextMessage<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result? {
        guard let length = nextLength, end - start >= 2 + length else { return nil }
        let first = start + 2
        start = first + length
        return try storage.withUnsafeBytes { buffer in
            try body(UnsafeRawBufferPointer(rebasing: buffer[first..<first + length]))
        }
    }

    /// Writes the length prefix of a `length`-octet message (at most 65535) into `prefix`, which
    /// holds two bytes.
    public static func writePrefix(length: Int, into prefix: UnsafeMutableRawBufferPointer) {
        precondition(length >= 0 && length <= 65535 && prefix.count >= 2)
        prefix[0] = UInt8(truncatingIfNeeded: length >> 8)
        prefix[1] = UInt8(truncatingIfNeeded: length)
    }

    /// Moves the unconsumed bytes to the front of the buffer.
    private mutating func compact() {
        guard start > 0 else { return }
        let count = end - start
        let from = start
        storage.withUnsafeMutableBytes { buffer in
            buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + from, byteCount: count)
        }
        start = 0
        end = count
    }
}
