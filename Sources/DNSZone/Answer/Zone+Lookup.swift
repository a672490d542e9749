import DNSWire

extension Zone {
    /// Where a name lands in the zone, before the type is considered (RFC 1034 §4.3.2 step 3).
    enum Lookup: Equatable {
        /// The name is a node of the zone (perhaps an empty non-terminal).
        case exact(Int)
        /// The name does not exist; `*.<closest encloser>` does.
        case wildcard(source: Int, closestEncloser: Int)
        /// The name does not exist and no wildcard covers it.
        case nameError(closestEncloser: Int)
        /// The name is at or below this delegation point.
        case referral(Int)
        /// The name is below this DNAME owner.
        case dname(Int)
    }

    /// Finds the closest encloser of `name` (lowercase or not, uncompressed wire form) by looking
    /// up each suffix, longest first, then applies cuts. Nil when `name` is not in the zone.
    /// Allocation-free.
    ///
    /// A DS query for a delegation point itself is answered from this (the parent) side, RFC 4035
    /// §3.1.4.1, so `type` matters only there.
    func lookup(_ name: UnsafeRawBufferPointer, type: RRType) -> Lookup? {
        let apexLength = origin.wireLength
        var offset = 0
        var encloser = -1
        while name.count - offset >= apexLength {
            if let found = node(named: UnsafeRawBufferPointer(rebasing: name[offset...])) {
                encloser = found
                break
            }
            offset += 1 + Int(name[offset])
        }
        guard encloser >= 0 else { return nil }
        let exact = offset == 0
        let node = nodes[encloser]
        if node.cutAbove >= 0 {
            let cut = Int(node.cutAbove)
            return nodes[cut].isDelegation ? .referral(cut) : .dname(cut)
        }
        if node.isDelegation && !(exact && type == .ds) { return .referral(encloser) }
        if exact { return .exact(encloser) }
        if node.flags.contains(.dname) { return .dname(encloser) }
        if node.wildcardChild >= 0 {
            let source = Int(node.wildcardChild)
            return nodes[source].isDelegation ? .referral(source) : .wildcard(source: source, closestEncloser: encloser)
        }
        return .nameError(closestEncloser: encloser)
    }

    /// Whether `name` (uncompressed wire) is the origin or below it, ignoring case.
    func contains(_ name: UnsafeRawBufferPointer) -> Bool {
        let suffix = origin.wireLength
        guard name.count >= suffix else { return false }
        var offset = 0
        while name.count - offset > suffix { offset += 1 + Int(name[offset]) }
        guard name.count - offset == suffix else { return false }
        return origin.wire.withUnsafeBytes { apex in
            for index in 0..<suffix where DNSName.lower(apex[index]) != DNSName.lower(name[offset + index]) {
                return false
            }
            return true
        }
    }
}
