extension WireWriter {
    /// Writes a name given as uncompressed wire bytes (valid, ending in the root label), e.g. the
    /// question as it sits in a query packet; compressed against earlier names when `compress` is
    /// true. Uncompressed names still become targets for later ones.
    ///
    /// One pass reads the table and the message through raw pointers (no uniqueness check), one
    /// updates the table (one check), one `appendRaw` writes the name: the fixed cost of a name is
    /// a few dozen instructions and each label adds a hash and usually one probe.
    @inlinable public mutating func writeName(wire: UnsafeRawBufferPointer, compress: Bool = true) {
        let name = wire.baseAddress!
        let available = wire.count
        if available == firstNameLength && firstNameAt >= 0 && matchesFirstName(name, count: available) {
            // The whole name is there already, every label a target (or past the table's limits).
            if compress && firstNameAt < 0x4000 {
                let pointer = 0xC000 | UInt16(truncatingIfNeeded: firstNameAt)
                appendRaw(count: 2) { $0.storeBytes(of: pointer.bigEndian, as: UInt16.self) }
            } else {
                appendRaw(count: available) { $0.copyMemory(from: name, byteCount: available) }
            }
            return
        }
        // On the stack: the label starts (leftmost first: a name has at most 127 labels, each
        // starting below 255), then a copy of the name with 8 zero bytes after it, so that a
        // label's first eight bytes are one load, whatever its length and place.
        withUnsafeTemporaryAllocation(byteCount: 128 + 256 + 8, alignment: 8) { scratch in
            let starts = scratch.baseAddress!
            let copy = scratch.baseAddress! + 128
            let limit = Swift.min(available, 256)
            copy.copyMemory(from: name, byteCount: limit)
            copy.storeBytes(of: 0, toByteOffset: limit, as: UInt64.self)
            var labelCount = 0
            var position = 0
            while true {
                precondition(position < limit && labelCount < 128, "not a valid name's wire form")
                let length = Int(copy.load(fromByteOffset: position, as: UInt8.self))
                if length == 0 { break }
                starts.storeBytes(of: UInt8(truncatingIfNeeded: position), toByteOffset: labelCount, as: UInt8.self)
                labelCount += 1
                position += 1 + length
            }
            @inline(__always) func start(_ index: Int) -> Int {
                Int(starts.load(fromByteOffset: index, as: UInt8.self))
            }
            // The longest suffix already in the message, matched from the root up.
            var matched = labelCount
            var parent: UInt32 = 0
            var unmatchedHash: UInt32 = 0  // the first unmatched label's, kept for the insertion
            if targetCount > 0 {
                let generation = self.generation
                let (firstAt, firstLength) = (firstNameAt, firstNameLength)
                table.withUnsafeBufferPointer { table in
                    bytes.withUnsafeBytes { written in
                        // Names in a response mostly end like the question (the zone's origin): when
                        // all but the first label spell a suffix of the message's first name, that is
                        // the suffix's first occurrence, the target the table would give, found by
                        // one comparison instead of a lookup per label.
                        if labelCount >= 2 && firstAt >= 0 && firstAt + firstLength < 0x4000 {
                            let tail = start(1)
                            let size = position + 1 - tail
                            if let at = WireWriter.suffixOffset(
                                copy + tail, size, in: written, nameAt: firstAt, length: firstLength)
                            {
                                parent = UInt32(truncatingIfNeeded: at) + 1
                                matched = 1
                            }
                        }
                        while matched > 0 {
                            let label = copy + start(matched - 1)
                            let hash = WireWriter.hash(padded: label, parent: parent)
                            let offset = WireWriter.find(
                                hash: hash, label: label, parent: parent, table: table.baseAddress!,
                                generation: generation, written: written)
                            guard offset >= 0 else {
                                unmatchedHash = hash
                                break
                            }
                            parent = UInt32(offset) + 1
                            matched -= 1
                        }
                    }
                }
            } else if labelCount > 0 {
                unmatchedHash = WireWriter.hash(padded: copy + start(labelCount - 1), parent: 0)
            }
            let base = bytes.count
            if targetCount == 0 && labelCount > 0 {
                firstNameAt = base
                firstNameLength = position + 1
            }
            // Record the labels to be written in full, rightmost first: each one's parent is the
            // offset of the suffix after it.
            if matched > 0 && base + start(matched - 1) < 0x4000 && targetCount < WireWriter.maxTargets {
                var index = matched
                var parent = parent
                var hash = unmatchedHash
                let generation = self.generation
                var targetCount = self.targetCount
                table.withUnsafeMutableBufferPointer { table in
                    let table = table.baseAddress!
                    let mask = WireWriter.slotCount - 1
                    while true {
                        index -= 1
                        let offset = base + start(index)
                        var slot = Int(hash) & mask
                        while table[slot] >> 16 == generation { slot = (slot + 1) & mask }
                        table[WireWriter.slotCount + targetCount] = parent << 16 | UInt32(truncatingIfNeeded: offset)
                        targetCount += 1
                        table[slot] = generation << 16 | UInt32(truncatingIfNeeded: targetCount)
                        guard index > 0, targetCount < WireWriter.maxTargets else { break }
                        // Labels to the left are at lower offsets: below 0x4000 too.
                        parent = UInt32(truncatingIfNeeded: offset) + 1
                        hash = WireWriter.hash(padded: copy + start(index - 1), parent: parent)
                    }
                }
                self.targetCount = targetCount
            }
            if !compress || parent == 0 {
                // In full up to the root, or uncompressed even though a suffix matched.
                let total = position + 1
                appendRaw(count: total) { $0.copyMemory(from: copy, byteCount: total) }
                return
            }
            let pointer = 0xC000 | UInt16(truncatingIfNeeded: parent - 1)
            let prefix = matched == 0 ? 0 : start(matched)
            appendRaw(count: prefix + 2) { out in
                out.copyMemory(from: copy, byteCount: prefix)
                out.storeBytes(of: pointer.bigEndian, toByteOffset: prefix, as: UInt16.self)
            }
        }
    }

    /// Where, in the name of `length` bytes at `nameAt` in `written`, the `size` bytes at `suffix`
    /// (a padded copy) are, as a suffix starting at a label, byte for byte; nil if they are not.
    @inlinable @inline(__always)
    static func suffixOffset(
        _ suffix: UnsafeRawPointer, _ size: Int, in written: UnsafeRawBufferPointer, nameAt: Int, length: Int
    ) -> Int? {
        guard size <= length else { return nil }
        precondition(nameAt + length <= written.count, "the first name past the end of the message")
        let name = written.baseAddress! + nameAt
        let at = length - size
        var position = 0
        while position < at { position += 1 + Int(name.load(fromByteOffset: position, as: UInt8.self)) }
        guard position == at else { return nil }
        let other = name + at
        var k = suffix.equalWordPrefix(other, count: size)
        if k + 8 <= size { return nil }
        if k < size && nameAt + at + k + 8 <= written.count {
            return suffix.equalMaskedTail(other, from: k, count: size) ? nameAt + at : nil
        }
        while k < size {
            guard suffix.load(fromByteOffset: k, as: UInt8.self) == other.load(fromByteOffset: k, as: UInt8.self)
            else { return nil }
            k += 1
        }
        return nameAt + at
    }

    /// Whether the `count` bytes at `name` spell the message's first name, ignoring case (length
    /// bytes are below 64, so lowercasing every byte leaves them alone).
    @inlinable @inline(__always)
    func matchesFirstName(_ name: UnsafeRawPointer, count: Int) -> Bool {
        let at = firstNameAt
        return bytes.withUnsafeBytes { written in
            precondition(at + count <= written.count, "the first name past the end of the message")
            let other = written.baseAddress! + at
            var k = name.equalWordPrefix(other, count: count)
            while k < count {
                let left = name.load(fromByteOffset: k, as: UInt8.self)
                let right = other.load(fromByteOffset: k, as: UInt8.self)
                guard left == right || DNSName.lower(left) == DNSName.lower(right) else { return false }
                k += 1
            }
            return true
        }
    }

    /// The table hash of the label at `label` (its length byte; `available` bytes may be read from
    /// there) followed by the suffix keyed `parent`: its length, its first eight bytes and, for a
    /// longer label, its last eight, with bit 5 set (so case does not matter; `find` compares the
    /// whole label), mixed with the parent key. Cheap, as NSEC3 owners have 32-byte labels. The
    /// last bytes count because names often differ only there (`host1230` … `host1239`, numbered
    /// hosts in a transfer): hashed on their first eight alone they would all share one slot
    /// chain. For `rollback`, which hashes labels in the message.
    @inlinable
    static func hash(label: UnsafeRawPointer, available: Int, parent: UInt32) -> UInt32 {
        let length = Int(label.load(as: UInt8.self))
        var word: UInt64 = 0
        if available >= 9 {
            word = UInt64(littleEndian: label.loadUnaligned(fromByteOffset: 1, as: UInt64.self))
        } else {
            for index in 0..<Swift.min(length, 8) {
                word |= UInt64(label.load(fromByteOffset: 1 + index, as: UInt8.self)) << UInt64(8 * index)
            }
        }
        return mix(word, tail: tail(label, length: length), length: length, parent: parent)
    }

    /// `hash(label:available:parent:)` of a label with at least nine readable bytes from its length
    /// byte (a padded copy): one load, two for a label longer than eight bytes.
    @inlinable @inline(__always)
    static func hash(padded label: UnsafeRawPointer, parent: UInt32) -> UInt32 {
        let length = Int(label.load(as: UInt8.self))
        let word = UInt64(littleEndian: label.loadUnaligned(fromByteOffset: 1, as: UInt64.self))
        return mix(word, tail: tail(label, length: length), length: length, parent: parent)
    }

    /// The last eight bytes of a label longer than eight (they lie within it), else 0.
    @inlinable @inline(__always)
    static func tail(_ label: UnsafeRawPointer, length: Int) -> UInt64 {
        guard length > 8 else { return 0 }
        return UInt64(littleEndian: label.loadUnaligned(fromByteOffset: 1 + length - 8, as: UInt64.self))
    }

    @inlinable @inline(__always)
    static func mix(_ word: UInt64, tail: UInt64, length: Int, parent: UInt32) -> UInt32 {
        let mask: UInt64 = length >= 8 ? ~0 : (1 << UInt64(8 * length)) &- 1
        let folded = (word | 0x2020_2020_2020_2020) & mask
        // The tail multiplied apart first, so that it cannot cancel the bytes it shares with `word`.
        let last = (tail | 0x2020_2020_2020_2020) &* 0xC2B2_AE3D_27D4_EB4F
        let mixed = (folded ^ last ^ UInt64(parent) << 40 ^ UInt64(length)) &* 0x9E37_79B9_7F4A_7C15
        return UInt32(truncatingIfNeeded: mixed >> 32)
    }

    /// The offset of a target whose label equals (ignoring case) the one at `label` and whose
    /// suffix has the parent key `parent`, or -1.
    @inlinable @inline(__always)
    static func find(
        hash: UInt32, label: UnsafeRawPointer, parent: UInt32, table: UnsafePointer<UInt32>, generation: UInt32,
        written: UnsafeRawBufferPointer
    ) -> Int {
        let mask = WireWriter.slotCount - 1
        var slot = Int(hash) & mask
        while true {
            let entry = table[slot]
            guard entry >> 16 == generation else { return -1 }
            let target = table[WireWriter.slotCount + Int(entry & 0xFFFF) - 1]
            let offset = Int(target & 0xFFFF)
            if target >> 16 == parent, labelEquals(label, written, at: offset) { return offset }
            slot = (slot + 1) & mask
        }
    }

    /// Whether the label at `label` (in a padded copy: eight bytes may be read past it) equals,
    /// ignoring case, the one at `offset` in `written` (both from their length byte). Labels are
    /// usually spelled alike, so an exact comparison, eight bytes at a time, goes first.
    @inlinable @inline(__always)
    static func labelEquals(_ label: UnsafeRawPointer, _ written: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        let size = 1 + Int(label.load(as: UInt8.self))
        precondition(offset < written.count, "a compression target past the end of the message")
        let other = written.baseAddress! + offset
        // Equal lengths first: a shorter label may end the message.
        guard label.load(as: UInt8.self) == other.load(as: UInt8.self) else { return false }
        precondition(offset + size <= written.count, "a compression target past the end of the message")
        var k = label.equalWordPrefix(other, count: size)
        // The first `k` bytes are equal as they are: only the rest is compared ignoring case, which
        // for labels that differ (most candidates) stops at the first byte that does.
        if k + 8 <= size { return equalIgnoringCase(label + k, other + k, size - k) }
        if k == size { return true }
        if offset + k + 8 <= written.count {
            // The tail in one masked load: the message goes on after it.
            return label.equalMaskedTail(other, from: k, count: size)
                || equalIgnoringCase(label + k, other + k, size - k)
        }
        while k < size {
            guard label.load(fromByteOffset: k, as: UInt8.self) == other.load(fromByteOffset: k, as: UInt8.self)
            else { return equalIgnoringCase(label + k, other + k, size - k) }
            k += 1
        }
        return true
    }

    /// Whether `size` bytes at `left` and `right` are equal but for ASCII case.
    @inlinable
    static func equalIgnoringCase(_ left: UnsafeRawPointer, _ right: UnsafeRawPointer, _ size: Int) -> Bool {
        for k in 0..<size
        where DNSName.lower(left.load(fromByteOffset: k, as: UInt8.self))
            != DNSName.lower(right.load(fromByteOffset: k, as: UInt8.self))
        {
            return false
        }
        return true
    }
}
