/// A cursor over a received packet.
///
/// It reads from an `UnsafeRawBufferPointer` that the caller keeps alive for the reader's lifetime,
/// checking every bound once per field so that no malformed input can trap. Compression pointers
/// are resolved against the whole packet (`bytes`), which is why the reader keeps it rather than
/// a slice.
public struct WireReader {
    public let bytes: UnsafeRawBufferPointer
    public var offset: Int

    @inlinable public init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    @inlinable public var remaining: Int { bytes.count - offset }
    @inlinable public var isAtEnd: Bool { offset >= bytes.count }

    @inlinable @inline(__always) public mutating func readUInt8() throws(WireError) -> UInt8 {
        guard offset < bytes.count else { throw .truncated(at: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    @inlinable @inline(__always) public mutating func readUInt16() throws(WireError) -> UInt16 {
        guard offset + 2 <= bytes.count else { throw .truncated(at: offset) }
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    @inlinable @inline(__always) public mutating func readUInt32() throws(WireError) -> UInt32 {
        guard offset + 4 <= bytes.count else { throw .truncated(at: offset) }
        defer { offset += 4 }
        return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
            | UInt32(bytes[offset + 3])
    }

    /// The next `count` bytes, copied.
    public mutating func readBytes(_ count: Int) throws(WireError) -> [UInt8] {
        guard count >= 0, offset + count <= bytes.count else { throw .truncated(at: offset) }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    /// Skips `count` bytes.
    @inlinable @inline(__always) public mutating func skip(_ count: Int) throws(WireError) {
        guard count >= 0, offset + count <= bytes.count else { throw .truncated(at: offset) }
        offset += count
    }

    /// Reads a possibly compressed name (RFC 1035 §4.1.4) into a new `DNSName`.
    public mutating func readName() throws(WireError) -> DNSName {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        try readName(into: &out, lowercase: false)
        return DNSName(trustedWire: out)
    }

    /// Reads a possibly compressed name, appending its uncompressed wire form to `out` (which the
    /// caller may reuse, so this allocates nothing once `out` has capacity).
    ///
    /// A pointer must point strictly before the labels it continues: before the name's start, and
    /// after a jump before that jump's target. Every jump therefore goes below all bytes read so far,
    /// which rejects a loop at its first repeat (a pointer back into labels already read is
    /// `pointerLoop`; one at or after itself is `badPointer`).
    @inlinable public mutating func readName(into out: inout [UInt8], lowercase: Bool) throws(WireError) {
        var position = offset
        var floor = offset  // pointers must go below this: the start of the labels being read
        var resumeAt = -1  // where the cursor continues after the first pointer
        var written = 0
        while true {
            guard position < bytes.count else { throw .truncated(at: position) }
            let length = Int(bytes[position])
            switch length & 0xC0 {
            case 0x00:
                guard position + 1 + length <= bytes.count else { throw .truncated(at: position) }
                written += 1 + length
                guard written <= DNSName.maxWireLength else { throw .nameTooLong(at: offset) }
                if length == 0 {
                    out.append(0)
                    offset = resumeAt >= 0 ? resumeAt : position + 1
                    return
                }
                // The length byte and the label in one copy (bounds checked above), then lowercased
                // in place.
                let source = bytes.baseAddress! + position
                if out.capacity - out.count < 1 + length {
                    out.reserveCapacity(Swift.max(2 * out.capacity, out.count + 1 + length))
                }
                out.append(addingCapacity: 1 + length) { span in
                    span.withUnsafeMutableBufferPointer { buffer, initialized in
                        let target = UnsafeMutableRawPointer(buffer.baseAddress!)
                        target.copyMemory(from: source, byteCount: 1 + length)
                        if lowercase {
                            for index in 1...length {
                                let byte = target.load(fromByteOffset: index, as: UInt8.self)
                                target.storeBytes(of: DNSName.lower(byte), toByteOffset: index, as: UInt8.self)
                            }
                        }
                        initialized = 1 + length
                    }
                }
                position += 1 + length
            case 0xC0:
                position = try followPointer(at: position, floor: &floor, resumeAt: &resumeAt)
            default:
                throw .badLabel(at: position)
            }
        }
    }

    /// The target of the compression pointer at `position`, under the rule `readName` documents:
    /// strictly below both the pointer and `floor`, which then drops to the target. Records where
    /// the cursor resumes after the first pointer. Shared by `readName` and `skipName`.
    @inlinable @inline(__always)
    func followPointer(at position: Int, floor: inout Int, resumeAt: inout Int) throws(WireError) -> Int {
        guard position + 2 <= bytes.count else { throw .truncated(at: position) }
        let target = Int(bytes[position] & 0x3F) << 8 | Int(bytes[position + 1])
        guard target < position else { throw .badPointer(at: position) }
        guard target < floor else { throw .pointerLoop(at: position) }
        if resumeAt < 0 { resumeAt = position + 2 }
        floor = target
        return target
    }

    /// Skips over a possibly compressed name without materializing it, validating as `readName`.
    @inlinable public mutating func skipName() throws(WireError) {
        var position = offset
        var floor = offset
        var resumeAt = -1
        var written = 0
        while true {
            guard position < bytes.count else { throw .truncated(at: position) }
            let length = Int(bytes[position])
            switch length & 0xC0 {
            case 0x00:
                guard position + 1 + length <= bytes.count else { throw .truncated(at: position) }
                written += 1 + length
                guard written <= DNSName.maxWireLength else { throw .nameTooLong(at: offset) }
                position += 1 + length
                if length == 0 {
                    offset = resumeAt >= 0 ? resumeAt : position
                    return
                }
            case 0xC0:
                position = try followPointer(at: position, floor: &floor, resumeAt: &resumeAt)
            default:
                throw .badLabel(at: position)
            }
        }
    }
}

/// Runs `body` with a reader over `bytes`, keeping the typed error that `withUnsafeBytes` loses.
public func withWireReader<T>(
    _ bytes: [UInt8], _ body: (inout WireReader) throws(WireError) -> T
) throws(WireError) -> T {
    let result: Result<T, WireError> = bytes.withUnsafeBytes { buffer in
        var reader = WireReader(buffer)
        do throws(WireError) {
            return .success(try body(&reader))
        } catch {
            return .failure(error)
        }
    }
    return try result.get()
}
