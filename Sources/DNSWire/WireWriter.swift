/// Builds a message in a caller-owned buffer that is reused from one message to the next.
///
/// Name compression (RFC 1035 §4.1.4) remembers every label written in full as a target, keyed by
/// the label (ignoring case) and the offset of the suffix that follows it, in a small open-addressed
/// table (as Knot does). A name is matched from its last label up, one lookup per label, so writing
/// a name costs O(labels) whatever the message holds. Only offsets below 0x4000 can be pointed at.
/// The first occurrence of a suffix is the one pointed at, as dnspython and the RFC's examples do.
/// The table's storage is kept across messages and invalidated by a generation count, so
/// steady-state encoding allocates nothing. (The table is in `WireWriter+Compression.swift`.)
///
/// The writer does not refuse to grow past a size limit: the response encoder takes a `Mark`
/// before each additional RRset and rolls back to it when the RRset did not fit, and a response
/// whose answer and authority do not fit is rolled back to the mark after the question.
///
/// Every write is one `appendRaw`: one capacity and uniqueness check for the bytes it adds. The
/// record writers (`WireWriter+Record.swift`) put a whole record's fixed part, or a whole
/// pre-encoded record, in one such write.
public struct WireWriter {
    public var bytes: [UInt8]
    /// The compression table in one array, so that writing a name checks its uniqueness once:
    /// `slotCount` open-addressed (linear probing) slots, then room for `maxTargets` targets.
    ///
    /// - A slot is `generation << 16 | (target index + 1)`; a slot of another generation is empty.
    /// - A target is the label's offset in the low 16 bits and, in the high 16, the suffix after it
    ///   as a parent key: 0 for the root, else the suffix's offset + 1.
    @usableFromInline var table: [UInt32]
    /// The targets in use, in the order written (`table[slotCount...]`).
    @usableFromInline var targetCount: Int
    @usableFromInline var generation: UInt32
    /// Where the message's first name was written in full, and its length; -1 when none. Owners
    /// are most often the question name, so `writeName` compares with it before hashing labels.
    @usableFromInline var firstNameAt: Int
    @usableFromInline var firstNameLength: Int

    /// Slots in the table (a power of two) and the most targets kept: a fuller table would probe
    /// long. Labels past the limit are written in full but are not targets, which only costs
    /// compression in messages with hundreds of distinct names (large transfers).
    @usableFromInline static let slotCount = 1024
    @usableFromInline static let maxTargets = 512

    public init(capacity: Int = 65535) {
        bytes = []
        bytes.reserveCapacity(capacity)
        table = Array(repeating: 0, count: WireWriter.slotCount + WireWriter.maxTargets)
        targetCount = 0
        generation = 1
        firstNameAt = -1
        firstNameLength = 0
    }

    /// Empties the buffer for the next message, keeping its storage.
    @inlinable public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        targetCount = 0
        firstNameAt = -1
        clearSlots()
    }

    /// Empties the buffer and starts a message: the header with `id` and `flags`, QDCOUNT 1 with
    /// `question` (its wire bytes) or 0 without, the other counts 0 for the caller to patch. How
    /// each message of a zone transfer starts.
    public mutating func startMessage(id: UInt16, flags: UInt16, question: [UInt8]?) {
        reset()
        writeUInt16(id)
        writeUInt16(flags)
        writeUInt16(question == nil ? 0 : 1)
        writeUInt16(0)
        writeUInt16(0)
        writeUInt16(0)
        if let question { writeBytes(question) }
    }

    /// Empties the hash table by moving to a new generation.
    @inlinable mutating func clearSlots() {
        generation &+= 1
        if generation > 0xFFFF {
            // Every slot might now look current again: clear them once per 65535 messages.
            for index in 0..<WireWriter.slotCount { table[index] = 0 }
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

    @inlinable public func mark() -> Mark { Mark(count: bytes.count, labelCount: targetCount) }

    /// Forgets everything written after `mark`, compression targets included.
    @inlinable public mutating func rollback(to mark: Mark) {
        bytes.removeSubrange(mark.count...)
        targetCount = mark.labelCount
        if firstNameAt + firstNameLength > mark.count { firstNameAt = -1 }
        // Rare (truncation): re-index the targets that remain where they are — copying them out
        // first would be an allocation on every truncated response. A new generation empties the
        // table; each kept target gets its slot back.
        clearSlots()
        let generation = self.generation
        let targetCount = self.targetCount
        let written = bytes
        table.withUnsafeMutableBufferPointer { table in
            written.withUnsafeBytes { written in
                let mask = WireWriter.slotCount - 1
                for index in 0..<targetCount {
                    let target = table[WireWriter.slotCount + index]
                    let offset = Int(target & 0xFFFF)
                    let hash = WireWriter.hash(
                        label: written.baseAddress! + offset, available: written.count - offset, parent: target >> 16)
                    var slot = Int(hash) & mask
                    while table[slot] >> 16 == generation { slot = (slot + 1) & mask }
                    table[slot] = generation << 16 | UInt32(index + 1)
                }
            }
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

    /// Appends `count` bytes that `body` writes through a raw pointer to uninitialized room; `body`
    /// must store all `count` of them. For a record's or a header's fixed fields in one append.
    @inlinable @inline(__always)
    public mutating func writeRaw(count: Int, _ body: (UnsafeMutableRawPointer) -> Void) {
        appendRaw(count: count, body)
    }

    @inlinable public mutating func writeUInt8(_ value: UInt8) { bytes.append(value) }

    @inlinable @inline(__always) public mutating func writeUInt16(_ value: UInt16) {
        appendRaw(count: 2) { $0.storeBytes(of: value.bigEndian, as: UInt16.self) }
    }

    @inlinable @inline(__always) public mutating func writeUInt32(_ value: UInt32) {
        appendRaw(count: 4) { $0.storeBytes(of: value.bigEndian, as: UInt32.self) }
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
        name.wire.withUnsafeBytes { writeName(wire: $0, compress: compress) }
    }

    /// Writes a name given as uncompressed wire bytes (valid, ending in the root label).
    @inlinable public mutating func writeName(wire: [UInt8], compress: Bool = true) {
        wire.withUnsafeBytes { writeName(wire: $0, compress: compress) }
    }

    /// Writes the canonical form of a name (RFC 4034 §6.2): uncompressed, ASCII lowercased.
    @inlinable public mutating func writeCanonicalName(_ name: DNSName) {
        name.wire.withUnsafeBytes { wire in
            appendRaw(count: wire.count) { out in
                for index in 0..<wire.count {
                    out.storeBytes(of: DNSName.lower(wire[index]), toByteOffset: index, as: UInt8.self)
                }
            }
        }
    }

    /// Writes bytes that are a name's uncompressed wire form without making its labels compression
    /// targets: for names in RDATA that must not be compressed (RFC 3597 §4), which dnspython and
    /// Knot do not point into either.
    @inlinable public mutating func writeNameWithoutTarget(_ name: DNSName) {
        writeBytes(name.wire)
    }
}
