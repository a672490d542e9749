/// A 20-byte NSEC3 (SHA-1) hash as a value: comparable in the order of its bytes, hashable, and
/// with ±1, which narrow mode's "white lies" need (an owner just before a hash, a next just after).
/// Three integers instead of an array, so that holding, comparing and keying by one allocates
/// nothing.
public struct NSEC3Hash: Hashable, Comparable, Sendable {
    /// Bytes 0–7 and 8–15, big-endian, and bytes 16–19 in the low half of `low`.
    var high: UInt64
    var middle: UInt64
    var low: UInt64

    init(high: UInt64, middle: UInt64, low: UInt64) {
        self.high = high
        self.middle = middle
        self.low = low
    }

    /// Reads the first 20 bytes.
    public init(_ bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count >= NSEC3Hasher.hashLength)
        func read(_ start: Int, _ count: Int) -> UInt64 {
            var value: UInt64 = 0
            for index in start..<(start + count) { value = value << 8 | UInt64(bytes[index]) }
            return value
        }
        self.init(high: read(0, 8), middle: read(8, 8), low: read(16, 4))
    }

    public init(_ bytes: [UInt8]) {
        self = bytes.withUnsafeBytes { NSEC3Hash($0) }
    }

    public var bytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: NSEC3Hasher.hashLength) { buffer, initialized in
            write(to: UnsafeMutableRawBufferPointer(buffer))
            initialized = NSEC3Hasher.hashLength
        }
    }

    /// The next hash value, wrapping from all ones to zero.
    public func successor() -> NSEC3Hash {
        var next = self
        next.low = (low &+ 1) & 0xFFFF_FFFF
        if next.low == 0 {
            next.middle = middle &+ 1
            if next.middle == 0 { next.high = high &+ 1 }
        }
        return next
    }

    /// The previous hash value, wrapping from zero to all ones.
    public func predecessor() -> NSEC3Hash {
        var previous = self
        previous.low = (low &- 1) & 0xFFFF_FFFF
        if low == 0 {
            previous.middle = middle &- 1
            if middle == 0 { previous.high = high &- 1 }
        }
        return previous
    }

    public static func < (lhs: NSEC3Hash, rhs: NSEC3Hash) -> Bool {
        (lhs.high, lhs.middle, lhs.low) < (rhs.high, rhs.middle, rhs.low)
    }

    /// Writes the raw 20 bytes to the start of `out`.
    func write(to out: UnsafeMutableRawBufferPointer) {
        precondition(out.count >= NSEC3Hasher.hashLength)
        out.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
        out.storeBytes(of: middle.bigEndian, toByteOffset: 8, as: UInt64.self)
        out.storeBytes(of: UInt32(truncatingIfNeeded: low).bigEndian, toByteOffset: 16, as: UInt32.self)
    }

    /// Appends the base32hex (lowercase, unpadded: 32 characters) form, the NSEC3 owner label.
    func appendBase32Hex(to out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: 32))
        out.withUnsafeMutableBytes { writeBase32Hex(to: UnsafeMutableRawBufferPointer(rebasing: $0[start...])) }
    }

    /// Writes the base32hex form (RFC 4648 §7, lowercase, 32 characters) to the start of `out`.
    /// 160 bits are four 40-bit groups of eight 5-bit digits each.
    func writeBase32Hex(to out: UnsafeMutableRawBufferPointer) {
        precondition(out.count >= 32)
        // high(64) ‖ middle(64) ‖ low(32) as four 40-bit groups.
        let groups: (UInt64, UInt64, UInt64, UInt64) = (
            high >> 24,
            (high & 0xFF_FFFF) << 16 | middle >> 48,
            middle >> 8 & 0xFF_FFFF_FFFF,
            (middle & 0xFF) << 32 | low & 0xFFFF_FFFF
        )
        withUnsafeBytes(of: groups) { words in
            for group in 0..<4 {
                let value = words.load(fromByteOffset: group * 8, as: UInt64.self)
                for digit in 0..<8 {
                    let five = UInt8(truncatingIfNeeded: value >> UInt64(35 - 5 * digit)) & 0x1F
                    out[group * 8 + digit] = five < 10 ? 48 + five : 87 + five
                }
            }
        }
    }
}
