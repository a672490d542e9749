import DNSWire

/// Writes big-endian integers and bytes into a raw buffer sized in advance: how the signer lays out
/// the data it signs, on the stack, without the growth checks (and the compression table) of a
/// `WireWriter`. Every write checks that it stays inside the buffer.
struct ByteCursor {
    let buffer: UnsafeMutableRawBufferPointer
    private(set) var offset: Int

    init(_ buffer: UnsafeMutableRawBufferPointer, at offset: Int = 0) {
        self.buffer = buffer
        self.offset = offset
    }

    /// Reserves `count` bytes and returns where they start.
    @inline(__always) private mutating func advance(_ count: Int) -> Int {
        let start = offset
        precondition(count <= buffer.count - start, "signing buffer overrun")
        offset = start + count
        return start
    }

    @inline(__always) mutating func write(_ value: UInt8) {
        buffer[advance(1)] = value
    }

    @inline(__always) mutating func write(_ value: UInt16) {
        buffer.storeBytes(of: value.bigEndian, toByteOffset: advance(2), as: UInt16.self)
    }

    @inline(__always) mutating func write(_ value: UInt32) {
        buffer.storeBytes(of: value.bigEndian, toByteOffset: advance(4), as: UInt32.self)
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        let start = advance(bytes.count)
        (buffer.baseAddress! + start).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
    }

    mutating func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    /// Writes `bytes` with ASCII capitals lowercased: a name in canonical form (RFC 4034 §6.2).
    mutating func writeLowercased(_ bytes: UnsafeRawBufferPointer) {
        let start = advance(bytes.count)
        for index in 0..<bytes.count {
            buffer[start + index] = DNSName.lower(bytes[index])
        }
    }

    /// Hands the next `count` bytes to `body` to fill, e.g. with a hash's text form.
    mutating func fill(_ count: Int, _ body: (UnsafeMutableRawBufferPointer) -> Void) {
        let start = advance(count)
        body(UnsafeMutableRawBufferPointer(rebasing: buffer[start..<(start + count)]))
    }
}
