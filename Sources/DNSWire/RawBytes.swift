extension UnsafeRawPointer {
    /// How many of the first `count` bytes here and at `other` agree, counted in whole eight-byte
    /// words: a multiple of 8, at most `count`, and at most `count − 8` when a word differs. Name
    /// comparisons start with it and finish the last few bytes (or the differing word) their own
    /// way: exactly, with a masked load, or ignoring case.
    @inlinable @inline(__always)
    func equalWordPrefix(_ other: UnsafeRawPointer, count: Int) -> Int {
        var k = 0
        while k + 8 <= count,
            loadUnaligned(fromByteOffset: k, as: UInt64.self) == other.loadUnaligned(fromByteOffset: k, as: UInt64.self)
        {
            k += 8
        }
        return k
    }

    /// Whether bytes `k ..< count` (fewer than eight) here and at `other` agree, each side read as one
    /// word with the bytes past `count` masked off. Eight bytes from `k` must be readable at both.
    @inlinable @inline(__always)
    func equalMaskedTail(_ other: UnsafeRawPointer, from k: Int, count: Int) -> Bool {
        let mask: UInt64 = (1 << UInt64(8 * (count - k))) &- 1
        let left = UInt64(littleEndian: loadUnaligned(fromByteOffset: k, as: UInt64.self))
        let right = UInt64(littleEndian: other.loadUnaligned(fromByteOffset: k, as: UInt64.self))
        return (left ^ right) & mask == 0
    }
}
