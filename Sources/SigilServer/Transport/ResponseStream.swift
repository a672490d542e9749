import NIOCore

/// The messages of one multi-message response over TCP (AXFR, IXFR), made one at a time so that
/// memory stays flat however large the zone: the transport asks for the next message only when the
/// client has read enough of the previous ones (the channel is writable again).
///
/// Used only on the thread of the connection that asked for it.
public protocol ResponseStream: AnyObject {
    /// Writes the next message at the start of `response` (65535 bytes) and returns its length, or
    /// nil when the response is complete.
    func next(into response: UnsafeMutableRawBufferPointer) -> Int?

    /// The next message framed for TCP (its two-byte length first) in a buffer from `allocator`, or
    /// nil when the response is complete. By default `next(into:)` writes it to `scratch` (65535
    /// bytes), which is then copied; a stream that has the message in hand copies it only once.
    func nextFramed(allocator: ByteBufferAllocator, scratch: UnsafeMutableRawBufferPointer) -> ByteBuffer?
}

extension ResponseStream {
    public func nextFramed(allocator: ByteBufferAllocator, scratch: UnsafeMutableRawBufferPointer) -> ByteBuffer? {
        guard let length = next(into: scratch), length > 0, length <= 65535 else { return nil }
        return ByteBuffer.framed(UnsafeRawBufferPointer(rebasing: scratch[0..<length]), allocator: allocator)
    }
}

extension ByteBuffer {
    /// `message` after its two-byte length (RFC 1035 §4.2.2), in one buffer of exactly that size.
    static func framed(_ message: UnsafeRawBufferPointer, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: message.count + 2)
        buffer.writeInteger(UInt16(message.count))
        buffer.writeBytes(message)
        return buffer
    }
}

/// A response of exactly one message, for transfer requests answered with an error.
public final class SingleMessageStream: ResponseStream {
    private var message: [UInt8]?

    public init(_ message: [UInt8]) { self.message = message }

    public func next(into response: UnsafeMutableRawBufferPointer) -> Int? {
        guard let message, message.count <= response.count else { return nil }
        self.message = nil
        response.copyBytes(from: message)
        return message.count
    }
}
