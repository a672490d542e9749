/// The items of a run of length-prefixed byte strings — each a two-byte big-endian length and
/// that many bytes — as RRsets keep their RDATA (RDLENGTH + RDATA, record after record) and
/// signature entries their RRSIGs. Yields each item's range, length prefix included.
///
/// The one walker over such runs: the runs are built by Sigil itself, so the lengths are trusted
/// (an item running past the end is a bug, caught by the collection's bounds check).
public struct LengthPrefixedItems<Bytes: RandomAccessCollection<UInt8>>: Sequence, IteratorProtocol
where Bytes.Index == Int {
    @usableFromInline let bytes: Bytes
    @usableFromInline var offset: Int

    @inlinable public init(_ bytes: Bytes) {
        self.bytes = bytes
        self.offset = bytes.startIndex
    }

    /// The next item's range in `bytes`, from its length prefix to its last byte.
    @inlinable public mutating func next() -> Range<Int>? {
        guard offset < bytes.endIndex else { return nil }
        let start = offset
        offset += 2 + (Int(bytes[start]) << 8 | Int(bytes[start + 1]))
        return start..<offset
    }
}
