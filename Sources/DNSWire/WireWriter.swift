/// Builds a message in a caller-owned buffer that is reused from one message to the next.
///
/// Name compression (RFC 1035 §4.1.4) remembers where each label written in full starts, so a later
/// name can point at any suffix already in the message. Only offsets below 0x4000 can be pointed
/// at. The table is an array kept across messages, so steady-state encoding allocates nothing.
///
/// The writer does not refuse to grow past a size limit: the encoder takes a `Mark` before each
/// record and rolls back to it when the record did not fit, which is where truncation happens.
public struct WireWriter {
    public var bytes: [UInt8]
    @usableFromInline var labelOffsets: [UInt16]

    public init(capacity: Int = 65535) {
        bytes = []
        bytes.reserveCapacity(capacity)
        labelOffsets = []
        labelOffsets.reserveCapacity(128)
    }

    /// Empties the buffer for the next message, keeping its storage.
    @inlinable public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        labelOffsets.removeAll(keepingCapacity: true)
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

    @inlinable public func mark() -> Mark { Mark(count: bytes.count, labelCount: labelOffsets.count) }

    /// Forgets everything written after `mark`, compression targets included.
    @inlinable public mutating func rollback(to mark: Mark) {
        bytes.removeSubrange(mark.count...)
        labelOffsets.removeSubrange(mark.labelCount...)
    }

    @inlinable public mutating func writeUInt8(_ value: UInt8) { bytes.append(value) }

    @inlinable public mutating func writeUInt16(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    @inlinable public mutating func writeUInt32(_ value: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    @inlinable public mutating func writeBytes(_ data: [UInt8]) { bytes.append(contentsOf: data) }
    @inlinable public mutating func writeBytes(_ data: ArraySlice<UInt8>) { bytes.append(contentsOf: data) }
    @inlinable public mutating func writeBytes(_ data: UnsafeRawBufferPointer) { bytes.append(contentsOf: data) }

    /// Overwrites two bytes already written, e.g. RDLENGTH or a section count.
    @inlinable public mutating func patchUInt16(_ value: UInt16, at offset: Int) {
        bytes[offset] = UInt8(truncatingIfNeeded: value >> 8)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: value)
    }

    /// Writes a name, compressed against earlier names when `compress` is true. Uncompressed names
    /// still become targets for later ones.
    @inlinable public mutating func writeName(_ name: DNSName, compress: Bool = true) {
        writeName(wire: name.wire, compress: compress)
    }

    /// Writes a name given as uncompressed wire bytes (valid, ending in the root label).
    @inlinable public mutating func writeName(wire: [UInt8], compress: Bool = true) {
        var position = 0
        while wire[position] != 0 {
            if compress, let target = findSuffix(wire, from: position) {
                writeLabels(wire, upTo: position)
                writeUInt16(0xC000 | target)
                return
            }
            position += 1 + Int(wire[position])
        }
        writeLabels(wire, upTo: wire.count)
    }

    /// Writes the canonical form of a name (RFC 4034 §6.2): uncompressed, ASCII lowercased.
    @inlinable public mutating func writeCanonicalName(_ name: DNSName) {
        for byte in name.wire { bytes.append(DNSName.lower(byte)) }
    }

    /// Copies `wire[0..<end]` in full, recording each label as a compression target.
    @inlinable mutating func writeLabels(_ wire: [UInt8], upTo end: Int) {
        var position = 0
        while position < end {
            let length = Int(wire[position])
            if length == 0 {
                bytes.append(0)
                return
            }
            if bytes.count < 0x4000 { labelOffsets.append(UInt16(bytes.count)) }
            bytes.append(contentsOf: wire[position..<(position + 1 + length)])
            position += 1 + length
        }
    }

    /// The offset of an earlier name equal (ignoring case) to `wire[from...]`, if any.
    @inlinable func findSuffix(_ wire: [UInt8], from start: Int) -> UInt16? {
        for target in labelOffsets where suffixMatches(wire, from: start, at: Int(target)) {
            return target
        }
        return nil
    }

    /// Whether the name written at `offset` (following pointers) equals `wire[start...]`.
    @inlinable func suffixMatches(_ wire: [UInt8], from start: Int, at offset: Int) -> Bool {
        var position = start
        var cursor = offset
        while true {
            var length = bytes[cursor]
            while length & 0xC0 == 0xC0 {
                cursor = Int(length & 0x3F) << 8 | Int(bytes[cursor + 1])
                length = bytes[cursor]
            }
            guard length == wire[position] else { return false }
            if length == 0 { return true }
            for k in 1...Int(length)
            where DNSName.lower(bytes[cursor + k]) != DNSName.lower(wire[position + k]) {
                return false
            }
            position += 1 + Int(length)
            cursor += 1 + Int(length)
        }
    }
}
