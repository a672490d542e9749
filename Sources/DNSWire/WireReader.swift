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

    /// The most compression pointers one name may follow. A name has at most 127 labels besides
    /// the root (255 octets, at least two per label), and a compressor needs no more than one pointer
    /// per label, so no legitimate name comes near; the bound caps what one crafted name can cost
    /// (127 hops and 255 octets), whatever the packet. More is `tooManyPointers`.
    public static let maxPointers = 127

    /// Reads a possibly compressed name (RFC 1035 §4.1.4) into a new `DNSName`.
    public mutating func readName() throws(WireError) -> DNSName {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        try walkName(into: &out, copy: true, lowercase: false, compressed: true)
        return DNSName(trustedWire: out)
    }

    /// Reads a name, appending its uncompressed wire form to `out` (which the caller may reuse, so
    /// this allocates nothing once `out` has capacity). `compressed: false` refuses any pointer
    /// (`badPointer`), as for a question name.
    @inlinable public mutating func readName(
        into out: inout [UInt8], lowercase: Bool, compressed: Bool = true
    ) throws(WireError) {
        try walkName(into: &out, copy: true, lowercase: lowercase, compressed: compressed)
    }

    /// Skips over a possibly compressed name without materializing it, validating it as `readName`.
    @inlinable public mutating func skipName() throws(WireError) {
        var none: [UInt8] = []
        try walkName(into: &none, copy: false, lowercase: false, compressed: true)
    }

    /// The one loop that reads names off the wire; `readName` and `skipName` are its callers.
    ///
    /// A pointer must point strictly before the labels it continues: before the name's start, and
    /// after a jump before that jump's target. Every jump therefore goes below all bytes read so far,
    /// which rejects a loop at its first repeat (a pointer back into labels already read is
    /// `pointerLoop`; one at or after itself is `badPointer`). At most `maxPointers` jumps.
    ///
    /// With `copy`, the labels between two jumps are appended in one copy (lowercased in place):
    /// length octets are below 64, so lowercasing the run leaves them as they are.
    @inlinable @inline(__always)
    mutating func walkName(
        into out: inout [UInt8], copy: Bool, lowercase: Bool, compressed: Bool
    ) throws(WireError) {
        let end = bytes.count
        var position = offset
        guard position < end else { throw .truncated(at: position) }
        var run = position  // the first byte of the labels not yet copied
        var floor = position  // pointers must go below this: the start of the labels being read
        var resumeAt = position  // where the cursor continues after the first pointer
        var hops = 0
        var written = 0
        // Wrapping arithmetic: every value stays below 2^17 (offsets of a 64 KiB packet).
        while true {
            let length = Int(bytes[position])  // position < end, checked before every iteration
            if length < 0x40 {
                written &+= 1 &+ length
                guard written <= DNSName.maxWireLength else { throw .nameTooLong(at: offset) }
                position &+= 1 &+ length
                if length == 0 { break }
                // A label is followed by more of its name.
                guard position < end else { throw .truncated(at: position <= end ? position : position - 1 - length) }
                continue
            }
            guard length >= 0xC0, compressed else {
                throw length >= 0xC0 ? .badPointer(at: position) : .badLabel(at: position)
            }
            guard position &+ 1 < end else { throw .truncated(at: position) }
            let target = (length & 0x3F) << 8 | Int(bytes[position + 1])
            // `floor` is never above `position`, so this one test also keeps every jump backwards.
            guard target < floor else {
                throw target < position ? .pointerLoop(at: position) : .badPointer(at: position)
            }
            hops &+= 1
            guard hops <= WireReader.maxPointers else { throw .tooManyPointers(at: position) }
            if copy && run < position { append(run..<position, to: &out, lowercase: lowercase) }
            if hops == 1 { resumeAt = position &+ 2 }
            floor = target
            position = target
            run = target
        }
        if copy { append(run..<position, to: &out, lowercase: lowercase) }
        offset = hops == 0 ? position : resumeAt
    }

    /// Appends `range` of the packet (whole labels, bounds checked by the caller) to `out` in one
    /// copy, lowercasing it in place.
    @inlinable @inline(__always)
    func append(_ range: Range<Int>, to out: inout [UInt8], lowercase: Bool) {
        let count = range.count
        let source = bytes.baseAddress! + range.lowerBound
        if out.capacity - out.count < count {
            out.reserveCapacity(Swift.max(2 * out.capacity, out.count + count))
        }
        out.append(addingCapacity: count) { span in
            span.withUnsafeMutableBufferPointer { buffer, initialized in
                let target = UnsafeMutableRawPointer(buffer.baseAddress!)
                target.copyMemory(from: source, byteCount: count)
                if lowercase {
                    for index in 0..<count {
                        let byte = target.load(fromByteOffset: index, as: UInt8.self)
                        target.storeBytes(of: DNSName.lower(byte), toByteOffset: index, as: UInt8.self)
                    }
                }
                initialized = count
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
