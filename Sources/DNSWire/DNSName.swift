/// A domain name, held as its uncompressed wire form: length-prefixed labels ending in the root's
/// zero byte.
///
/// The wire form is the one representation every consumer needs (encoding, hashing for NSEC3,
/// canonical ordering for DNSSEC), so it is stored once and everything else is derived. The
/// original case is kept for output; equality, hashing and ordering ignore ASCII case
/// (RFC 4343).
public struct DNSName: Sendable {
    /// Length-prefixed labels, ending with the zero-length root label. Always valid: at most 255
    /// bytes, labels at most 63 bytes.
    public private(set) var wire: [UInt8]

    /// The maximum length of a name in wire form (RFC 1035 §2.3.4).
    public static let maxWireLength = 255
    /// The maximum length of one label.
    public static let maxLabelLength = 63

    /// The root name, `.`.
    public static let root = DNSName(trustedWire: [0])

    /// Wraps wire bytes that are already known to be valid. Internal: the public initializers
    /// validate.
    @usableFromInline init(trustedWire: [UInt8]) {
        self.wire = trustedWire
    }

    /// Validates uncompressed wire bytes (exactly one name, nothing after it).
    public init(wire bytes: some Collection<UInt8>) throws(WireError) {
        let array = Array(bytes)
        var index = 0
        while true {
            guard index < array.count else { throw .truncated(at: index) }
            let length = Int(array[index])
            guard length <= DNSName.maxLabelLength else { throw .badLabel(at: index) }
            index += 1 + length
            guard index <= DNSName.maxWireLength else { throw .nameTooLong(at: 0) }
            if length == 0 { break }
        }
        guard index == array.count else { throw .trailingData(at: index) }
        self.wire = array
    }

    /// Builds a name from labels given leftmost first; the root label is implied.
    public init(labels: [some Collection<UInt8>]) throws(WireError) {
        var bytes: [UInt8] = []
        for label in labels {
            guard !label.isEmpty, label.count <= DNSName.maxLabelLength else { throw .badLabel(at: bytes.count) }
            bytes.append(UInt8(label.count))
            bytes.append(contentsOf: label)
        }
        bytes.append(0)
        guard bytes.count <= DNSName.maxWireLength else { throw .nameTooLong(at: 0) }
        self.wire = bytes
    }

    /// Number of bytes in wire form, the root byte included.
    @inlinable public var wireLength: Int { wire.count }

    /// Whether this is the root name.
    @inlinable public var isRoot: Bool { wire.count == 1 }

    /// The number of labels, not counting the root (so `.` has 0 and `a.example.` has 2).
    public var labelCount: Int {
        var count = 0
        var index = 0
        while wire[index] != 0 {
            count += 1
            index += 1 + Int(wire[index])
        }
        return count
    }

    /// The labels, leftmost first, without the root.
    public var labels: [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var index = 0
        while wire[index] != 0 {
            let length = Int(wire[index])
            result.append(wire[(index + 1)..<(index + 1 + length)])
            index += 1 + length
        }
        return result
    }

    /// The name with its leftmost label removed; the root's parent is nil.
    public var parent: DNSName? {
        guard !isRoot else { return nil }
        return DNSName(trustedWire: Array(wire[(1 + Int(wire[0]))...]))
    }

    /// The name with the leftmost `count` labels removed (`count` ≤ `labelCount`).
    public func dropping(labels count: Int) -> DNSName {
        var index = 0
        for _ in 0..<count {
            precondition(wire[index] != 0, "dropping more labels than the name has")
            index += 1 + Int(wire[index])
        }
        return DNSName(trustedWire: Array(wire[index...]))
    }

    /// Whether the leftmost label is `*` (RFC 4592).
    public var isWildcard: Bool { wire.count >= 2 && wire[0] == 1 && wire[1] == UInt8(ascii: "*") }

    /// Prepends one label.
    public func prepending(label: some Collection<UInt8>) throws(WireError) -> DNSName {
        guard !label.isEmpty, label.count <= DNSName.maxLabelLength else { throw .badLabel(at: 0) }
        guard wire.count + label.count + 1 <= DNSName.maxWireLength else { throw .nameTooLong(at: 0) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(wire.count + label.count + 1)
        bytes.append(UInt8(label.count))
        bytes.append(contentsOf: label)
        bytes.append(contentsOf: wire)
        return DNSName(trustedWire: bytes)
    }

    /// `*.` + this name.
    public var wildcard: DNSName { try! prepending(label: [UInt8(ascii: "*")]) }

    /// Joins a relative name (given as the labels of `self`, root dropped) onto `suffix`.
    public func appending(_ suffix: DNSName) throws(WireError) -> DNSName {
        guard wire.count - 1 + suffix.wire.count <= DNSName.maxWireLength else { throw .nameTooLong(at: 0) }
        return DNSName(trustedWire: Array(wire.dropLast()) + suffix.wire)
    }

    /// Whether `self` is `other` or lies below it.
    public func isSubdomain(of other: DNSName) -> Bool {
        let offset = wire.count - other.wire.count
        guard offset >= 0 else { return false }
        // The suffix must start on a label boundary of `self`.
        var index = 0
        while index < offset { index += 1 + Int(wire[index]) }
        guard index == offset else { return false }
        return DNSName.equalIgnoringCase(wire[offset...], other.wire[...])
    }

    /// Replaces the suffix `old` (which `self` must be a subdomain of) by `new`: DNAME substitution
    /// (RFC 6672 §2.2). Fails when the result would be longer than 255 bytes.
    public func replacingSuffix(_ old: DNSName, with new: DNSName) throws(WireError) -> DNSName {
        precondition(isSubdomain(of: old))
        let prefixLength = wire.count - old.wire.count
        guard prefixLength + new.wire.count <= DNSName.maxWireLength else { throw .nameTooLong(at: 0) }
        return DNSName(trustedWire: Array(wire[..<prefixLength]) + new.wire)
    }

    /// The name in lowercase, the canonical form of RFC 4034 §6.2.
    public func lowercased() -> DNSName {
        DNSName(trustedWire: wire.map(DNSName.lower))
    }

    /// `byte` with an ASCII capital lowercased; how every name comparison and canonical form in
    /// Sigil folds case (DNS names compare ASCII letters without case, RFC 4343).
    @inlinable public static func lower(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }

    @inlinable static func equalIgnoringCase(_ lhs: ArraySlice<UInt8>, _ rhs: ArraySlice<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var left = lhs.startIndex
        var right = rhs.startIndex
        while left < lhs.endIndex {
            if lower(lhs[left]) != lower(rhs[right]) { return false }
            left += 1
            right += 1
        }
        return true
    }
}

extension DNSName: Hashable {
    @inlinable public static func == (lhs: DNSName, rhs: DNSName) -> Bool {
        equalIgnoringCase(lhs.wire[...], rhs.wire[...])
    }

    public func hash(into hasher: inout Hasher) {
        for byte in wire { hasher.combine(DNSName.lower(byte)) }
    }
}

extension DNSName: Comparable {
    /// Canonical DNS name order (RFC 4034 §6.1): compare label by label from the right, each label
    /// as lowercase octets, a label that is a prefix of another sorting first.
    public static func < (lhs: DNSName, rhs: DNSName) -> Bool {
        canonicalCompare(lhs, rhs) < 0
    }

    /// -1, 0 or 1 in canonical order.
    ///
    /// The label offsets are collected on the stack (a name has at most 127 labels, each starting
    /// below byte 255), so comparing allocates nothing: DNSSEC sorts names by this order.
    public static func canonicalCompare(_ lhs: DNSName, _ rhs: DNSName) -> Int {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { offsets in
            let left = UnsafeMutableBufferPointer(rebasing: offsets[..<128])
            let right = UnsafeMutableBufferPointer(rebasing: offsets[128...])
            var i = lhs.labelOffsets(into: left) - 1
            var j = rhs.labelOffsets(into: right) - 1
            while i >= 0 && j >= 0 {
                let result = compareLabel(lhs.wire, Int(left[i]), rhs.wire, Int(right[j]))
                if result != 0 { return result }
                i -= 1
                j -= 1
            }
            return i < 0 ? (j < 0 ? 0 : -1) : 1
        }
    }

    /// Offsets of each label's length byte, leftmost first, root excluded.
    func labelOffsets() -> [Int] {
        var offsets: [Int] = []
        var index = 0
        while wire[index] != 0 {
            offsets.append(index)
            index += 1 + Int(wire[index])
        }
        return offsets
    }

    /// Writes the label offsets into `buffer` (room for 128), returning how many there are.
    func labelOffsets(into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var count = 0
        var index = 0
        while wire[index] != 0 {
            buffer[count] = UInt8(index)
            count += 1
            index += 1 + Int(wire[index])
        }
        return count
    }

    static func compareLabel(_ a: [UInt8], _ aStart: Int, _ b: [UInt8], _ bStart: Int) -> Int {
        let aLength = Int(a[aStart])
        let bLength = Int(b[bStart])
        for k in 0..<min(aLength, bLength) {
            let x = lower(a[aStart + 1 + k])
            let y = lower(b[bStart + 1 + k])
            if x != y { return x < y ? -1 : 1 }
        }
        return aLength == bLength ? 0 : (aLength < bLength ? -1 : 1)
    }
}
