/// The messages of one multi-message response over TCP (AXFR, IXFR), made one at a time so that
/// memory stays flat however large the zone: the transport asks for the next message only when the
/// client has read enough of the previous ones (the channel is writable again).
///
/// Used only on the thread of the connection that asked for it.
public protocol ResponseStream: AnyObject {
    /// Writes the next message at the start of `response` (65535 bytes) and returns its length, or
    /// nil when the response is complete.
    func next(into response: UnsafeMutableRawBufferPointer) -> Int?
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
