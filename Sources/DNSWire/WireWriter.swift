/// Builds a message in a caller-owned buffer that is reused from one message to the next.
///
/// Name compression (RFC 1035 §4.1.4) remembers every label written in full as a target, keyed by
/// the label (ignoring case) and the offset of the suffix that follows it, in a small open-addressed
/// table (as Knot does). A name is matched from its last label up, one lookup per label, so writing
/// a name costs O(labels) whatever the message holds. Only offsets below 0x4000 can be pointed at.
/// The first occurrence of a suffix is the one pointed at, as dnspython and the RFC's examples do.
/// The table's storage is kept across messages and invalidated by a generation count, so
/// steady-state encoding allocates nothing.
///
/// The writer does not refuse to grow past a size limit: the encoder takes a `Mark` before each
/// record and rolls back to it when the record did not fit, which is where truncation happens.
public struct WireWriter {
    public var bytes: [UInt8]
    /// Compression targets in the order written: the label's offset in the low 16 bits, and in the
    /// high 16 the suffix after it as a parent key: 0 for the root, else the suffix's offset + 1.
    @usableFromInline var targets: [UInt32]
    /// Open-addressed (linear probing) index into `targets`: `generation << 16 | (index + 1)`; a
    /// slot of another generation is empty.
    @usableFromInline var slots: [UInt32]
    @usableFromInline var generation: UInt32

    /// Slots in the table (a power of two) and the most targets kept: a fuller table would probe
    /// long. Labels past the limit are written in full but are not targets, which only costs
    /// compression in messages with hundreds of distinct names (large transfers).
    @usableFromInline static let slotCount = 1024
    @usableFromInline static let maxTargets = 512

    public init(capacity: Int = 65535) {
        bytes = []
        bytes.reserveCapacity(capacity)
        targets = []
        targets.reserveCapacity(WireWriter.maxTargets)
        slots = Array(repeating: 0, count: WireWriter.slotCount)
        generation = 1
    }

    /// Empties the buffer for the next message, keeping its storage.
    @inlinable public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        clearTargets()
    }

    @inlinable mutating func clearTargets() {
        targets.removeAll(keepingCapacity: true)
        clearSlots()
    }

    /// Empties the hash table by moving to a new generation.
    @inlinable mutating func clearSlots() {
        generation &+= 1
        if generation > 0xFFFF {
            // Every slot might now look current again: clear them once per 65535 messages.
            for index in slots.indices { slots[index] = 0 }
            generation = 1
        }
    }

    @inlinable public var count: Int { bytes.count }

    /// A point to roll back to: the length and the compression entries at that moment.
    public struct Mark: Sendable {
        @usableFromInline let count: Int
        @usableFromInline let labelCount: Int
        @inlinable init(count: Int, labelCount: Int) {
            self.count = count
            self.labelCount = labelCount
        }
    }

    @inlinable public func mark() -> Mark { Mark(count: bytes.count, labelCount: targets.count) }

    /// Forgets everything written after `mark`, compression targets included.
    @inlinable public mutating func rollback(to mark: Mark) {
        bytes.removeSubrange(mark.count...)
        targets.removeSubrange(mark.labelCount...)
        // Rare (truncation): re-index the targets that remain where they are — copying them out
        // first would be an allocation on every truncated response. A new generation empties the
        // table; each kept target gets its slot back.
        clearSlots()
        let mask = WireWriter.slotCount - 1
        for index in targets.indices {
            let target = targets[index]
            var slot = Int(WireWriter.hash(bytes, at: Int(target & 0xFFFF), parent: target >> 16)) & mask
            while slots[slot] >> 16 == generation { slot = (slot + 1) & mask }
            slots[slot] = generation << 16 | UInt32(index + 1)
        }
    }

    /// Appends `count` bytes that `body` writes through a raw pointer: one capacity and uniqueness
    /// check for the lot, where `append` per byte pays one each. Capacity still grows geometrically.
    @inlinable @inline(__always)
    mutating func appendRaw(count: Int, _ body: (UnsafeMutableRawPointer) -> Void) {
        if bytes.capacity - bytes.count < count {
            bytes.reserveCapacity(Swift.max(2 * bytes.capacity, bytes.count + count))
        }
        bytes.append(addingCapacity: count) { span in
            span.withUnsafeMutableBufferPointer { buffer, initialized in
                body(UnsafeMutableRawPointer(buffer.baseAddress!))
                initialized = count
            }
        }
    }

    @inlinable public mutating func writeUInt8(_ value: UInt8) { bytes.append(value) }

    @inlinable @inline(__always) public mutating func writeUInt16(_ value: UInt16) {
        appendRaw(count: 2) { $0.storeBytes(of: value.bigEndian, as: UInt16.self) }
    }

    @inlinable @inline(__always) public mutating func writeUInt32(_ value: UInt32) {
        appendRaw(count: 4) { $0.storeBytes(of: value.bigEndian, as: UInt32.self) }
    }

    /// Writes TYPE, CLASS, TTL and a zero RDLENGTH in one append, returning RDLENGTH's offset for
    /// `patchUInt16` once the RDATA is written.
    @inlinable public mutating func writeRecordHeader(type: UInt16, class rrClass: UInt16, ttl: UInt32) -> Int {
        appendRaw(count: 10) { pointer in
            pointer.storeBytes(of: type.bigEndian, as: UInt16.self)
            pointer.storeBytes(of: rrClass.bigEndian, toByteOffset: 2, as: UInt16.self)
            pointer.storeBytes(of: ttl.bigEndian, toByteOffset: 4, as: UInt32.self)
            pointer.storeBytes(of: 0, toByteOffset: 8, as: UInt16.self)
        }
        return bytes.count - 2
    }

    @inlinable public mutating func writeBytes(_ data: [UInt8]) {
        data.withUnsafeBytes { writeBytes($0) }
    }

    @inlinable public mutating func writeBytes(_ data: ArraySlice<UInt8>) {
        data.withUnsafeBytes { writeBytes($0) }
    }

    @inlinable public mutating func writeBytes(_ data: UnsafeRawBufferPointer) {
        guard let source = data.baseAddress, data.count > 0 else { return }
        appendRaw(count: data.count) { $0.copyMemory(from: source, byteCount: data.count) }
    }

    /// Overwrites two bytes already written, e.g. RDLENGTH or a section count.
    @inlinable public mutating func patchUInt16(_ value: UInt16, at offset: Int) {
        bytes.withUnsafeMutableBufferPointer { buffer in
            precondition(offset >= 0 && offset + 2 <= buffer.count)
            buffer[offset] = UInt8(truncatingIfNeeded: value >> 8)
            buffer[offset + 1] = UInt8(truncatingIfNeeded: value)
        }
    }

    /// Writes a name, compressed against earlier names when `compress` is true. Uncompressed names
    /// still become targets for later ones.
    @inlinable public mutating func writeName(_ name: DNSName, compress: Bool = true) {
        writeName(wire: name.wire, compress: compress)
    }

    /// Writes a name given as uncompressed wire bytes (valid, ending in the root label).
    @inlinable public mutating func writeName(wire: [UInt8], compress: Bool = true) {
        wire.withUnsafeBufferPointer { writeName(wire: UnsafeRawBufferPointer($0), compress: compress) }
    }

    /// Writes a name given as uncompressed wire bytes (valid, ending in the root label), e.g. the
    /// question as it sits in a query packet.
    @inlinable public mutating func writeName(wire: UnsafeRawBufferPointer, compress: Bool = true) {
        // Label starts, leftmost first: a name has at most 127 labels, each starting below 255.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { starts in
            var labelCount = 0
            var position = 0
            while wire[position] != 0 {
                starts[labelCount] = UInt8(position)
                labelCount += 1
                position += 1 + Int(wire[position])
            }
            // The longest suffix already in the message, matched from the root up.
            var matched = labelCount
            var parent: UInt32 = 0
            var unmatchedHash: UInt32 = 0  // the first unmatched label's, kept for `insert`
            while matched > 0 {
                let start = Int(starts[matched - 1])
                let hash = WireWriter.hash(wire, at: start, parent: parent)
                guard let offset = find(hash: hash, wire: wire, at: start, parent: parent) else {
                    unmatchedHash = hash
                    break
                }
                parent = UInt32(offset) + 1
                matched -= 1
            }
            let fullEnd = matched == labelCount ? position : Int(starts[matched])
            let base = bytes.count
            if compress {
                if labelCount == 0 {
                    bytes.append(0)
                    return
                }
                if matched == 0 {
                    writeUInt16(0xC000 | UInt16(parent - 1))
                    return
                }
                let pointer = parent == 0 ? 0 : 0xC000 | UInt16(parent - 1)
                let tail = parent == 0 ? 1 : 2
                appendRaw(count: fullEnd + tail) { out in
                    out.copyMemory(from: wire.baseAddress!, byteCount: fullEnd)
                    if tail == 1 {
                        out.storeBytes(of: 0, toByteOffset: fullEnd, as: UInt8.self)
                    } else {
                        out.storeBytes(of: pointer.bigEndian, toByteOffset: fullEnd, as: UInt16.self)
                    }
                }
            } else {
                writeBytes(UnsafeRawBufferPointer(rebasing: wire[0...position]))
            }
            // Record the labels written in full, rightmost first: each one's parent is the canonical
            // offset of the suffix after it.
            var index = matched
            var first = true
            while index > 0 {
                index -= 1
                let start = Int(starts[index])
                let offset = base + start
                guard offset < 0x4000, targets.count < WireWriter.maxTargets else { return }
                let hash = first ? unmatchedHash : WireWriter.hash(wire, at: start, parent: parent)
                first = false
                insert(hash: hash, offset: offset, parent: parent)
                parent = UInt32(offset) + 1
            }
        }
    }

    /// Writes the canonical form of a name (RFC 4034 §6.2): uncompressed, ASCII lowercased.
    @inlinable public mutating func writeCanonicalName(_ name: DNSName) {
        let start = bytes.count
        bytes.append(contentsOf: name.wire)
        bytes.withUnsafeMutableBufferPointer { buffer in
            for index in start..<buffer.count { buffer[index] = DNSName.lower(buffer[index]) }
        }
    }

    /// The table hash of the label at `start` in `wire` followed by the suffix keyed `parent`: its
    /// length and first eight bytes with bit 5 set (so case does not matter; `find` compares the
    /// whole label), mixed with the parent's offset. Cheap, as NSEC3 owners have 32-byte labels.
    @inlinable static func hash<Bytes: RandomAccessCollection<UInt8>>(
        _ wire: Bytes, at start: Int, parent: UInt32
    ) -> UInt32 where Bytes.Index == Int {
        let first = wire.startIndex + start
        let length = Int(wire[first])
        var word = UInt64(length)
        for index in (first + 1)..<(first + 1 + Swift.min(length, 8)) {
            word = word << 8 | UInt64(wire[index] | 0x20)
        }
        word = (word ^ UInt64(parent) << 32 ^ UInt64(length) << 56) &* 0x9E37_79B9_7F4A_7C15
        return UInt32(truncatingIfNeeded: word >> 32)
    }

    /// The offset of a target whose label equals (ignoring case) the label at `start` in `wire`
    /// and whose suffix has the parent key `parent`.
    @inlinable func find(hash: UInt32, wire: UnsafeRawBufferPointer, at start: Int, parent: UInt32) -> Int? {
        let mask = WireWriter.slotCount - 1
        var slot = Int(hash) & mask
        while true {
            let entry = slots[slot]
            guard entry >> 16 == generation else { return nil }
            let target = targets[Int(entry & 0xFFFF) - 1]
            if target >> 16 == parent, labelEquals(wire, at: start, Int(target & 0xFFFF)) {
                return Int(target & 0xFFFF)
            }
            slot = (slot + 1) & mask
        }
    }

    /// Whether the label at `start` in `wire` equals, ignoring case, the one at `offset` in `bytes`.
    /// Labels are usually spelled alike, so an exact comparison goes first.
    @inlinable func labelEquals(_ wire: UnsafeRawBufferPointer, at start: Int, _ offset: Int) -> Bool {
        let length = Int(wire[start])
        return bytes.withUnsafeBytes { written in
            precondition(offset + 1 + length <= written.count)
            guard written[offset] == wire[start] else { return false }
            let left = written.baseAddress! + offset + 1
            let right = wire.baseAddress! + start + 1
            var k = 0
            while k + 8 <= length,
                left.loadUnaligned(fromByteOffset: k, as: UInt64.self)
                    == right.loadUnaligned(fromByteOffset: k, as: UInt64.self)
            {
                k += 8
            }
            while k < length,
                left.load(fromByteOffset: k, as: UInt8.self) == right.load(fromByteOffset: k, as: UInt8.self)
            {
                k += 1
            }
            if k == length { return true }
            for k in 0..<length
            where DNSName.lower(left.load(fromByteOffset: k, as: UInt8.self))
                != DNSName.lower(right.load(fromByteOffset: k, as: UInt8.self))
            {
                return false
            }
            return true
        }
    }

    @inlinable mutating func insert(hash: UInt32, offset: Int, parent: UInt32) {
        let mask = WireWriter.slotCount - 1
        var slot = Int(hash) & mask
        while slots[slot] >> 16 == generation { slot = (slot + 1) & mask }
        targets.append(parent << 16 | UInt32(offset))
        slots[slot] = generation << 16 | UInt32(targets.count)
    }
}
