import DNSWire

extension Zone {
    /// Builds a zone from the records of a zone file (or a transfer), checking what an
    /// authoritative server must refuse to serve and cleaning up what it can.
    ///
    /// Errors (the zone is not built): no SOA at the apex, more than one SOA, an SOA elsewhere, no
    /// NS at the apex, a CNAME beside other data (RRSIG and NSEC allowed), two CNAMEs or two DNAMEs
    /// at one owner, an owner outside `origin`, a class other than IN, a meta type.
    ///
    /// Warnings (the zone is built): duplicate records are collapsed (RFC 2181 §5); records of an
    /// RRset with differing TTLs all get the TTL of the first one given, as Knot does (RFC 2181
    /// §5.2); at a delegation point only NS, DS, glue (A, AAAA), RRSIG and NSEC are kept, and below
    /// one only glue, the rest left out; data below a DNAME is kept but never answered.
    ///
    /// Empty non-terminals are created for every name between the apex and an owner.
    ///
    /// `records` is consumed: when the caller lets go of the array (as a loader does with the
    /// parser's result), it is freed as soon as the zone's RRsets are encoded, before the name
    /// table is made.
    public static func build(
        origin: DNSName, records: consuming [ResourceRecord]
    ) throws(ZoneError) -> (zone: Zone, warnings: [ZoneDiagnostic]) {
        var builder = ZoneBuilder(origin: origin, records: records)
        records = []
        return try builder.finish()
    }
}

/// The working state of `Zone.build`.
///
/// Built for zones of millions of records without a container per owner or per RRset: each
/// record gets its owner's number, the owners (and the empty non-terminals above them) are put in
/// canonical order once by precomputed keys (`CanonicalSort`), the records are bucketed by their
/// owner's place in that order (a counting sort, stable) and, within an owner, by type; a run of
/// one type is an RRset. Duplicates are found by scanning small runs, with a set only for large
/// ones, and parents are found from the canonical order itself instead of by looking names up.
struct ZoneBuilder {
    /// One RRset to be: the records `kept[start..<end]` (record indices, in file order, without
    /// duplicates), with the TTL of the first.
    struct Group {
        var type: RRType
        var ttl: UInt32
        var start: Int32
        var end: Int32
        var count: Int { Int(end - start) }
    }

    /// Up to this many records in an RRset, a duplicate is found by comparing with each.
    static let scanLimit = 16

    let origin: DNSName
    var records: [ResourceRecord]
    /// Per record: its owner's index in `names`, or -1 for a record refused with an error.
    var ownerOf: [Int32] = []
    /// Every owner name in the order first seen, then the empty non-terminals.
    var names: [DNSName] = []
    /// How many of `names` own records.
    var ownerCount = 0
    /// Name → index in `names`.
    var ownerIndex = NameIndex()
    /// Record indices of the RRsets, one run per `Group`.
    var kept: [Int32] = []
    var groups: [Group] = []
    /// Per name, by canonical position: its groups are `groups[groupStart[p]..<groupStart[p + 1]]`.
    var groupStart: [Int32] = []
    /// Per canonical position, the index in `names`.
    var order: [Int] = []
    var errors: [ZoneDiagnostic] = []
    var warnings: [ZoneDiagnostic] = []

    init(origin: DNSName, records: consuming [ResourceRecord]) {
        self.origin = origin
        self.records = records
    }

    mutating func error(_ kind: ZoneDiagnostic.Kind, _ owner: DNSName, _ type: RRType, _ detail: String) {
        errors.append(ZoneDiagnostic(.error, kind, owner: owner, type: type, detail))
    }

    mutating func warn(_ kind: ZoneDiagnostic.Kind, _ owner: DNSName, _ type: RRType, _ detail: String) {
        warnings.append(ZoneDiagnostic(.warning, kind, owner: owner, type: type, detail))
    }

    /// Numbers every record's owner, refusing records that cannot be in the zone.
    mutating func numberOwners() {
        ownerOf = [Int32](repeating: -1, count: records.count)
        var lastOwner = -1
        for index in records.indices {
            let record = records[index]
            let type = record.type
            guard record.rrClass == .in else {
                error(.unsupportedClass, record.name, type, "class \(record.rrClass) is not served; only IN")
                continue
            }
            guard !type.isMeta else {
                error(.metaType, record.name, type, "\(type) is a query type, not zone data")
                continue
            }
            guard record.name.isSubdomain(of: origin) else {
                error(.outOfZone, record.name, type, "owner is outside the zone \(origin.text)")
                continue
            }
            // Consecutive records usually share an owner (the parser even hands over the same name).
            if lastOwner < 0 || names[lastOwner].wire != record.name.wire {
                let (value, inserted) = ownerIndex.insert(record.name)
                if inserted { names.append(record.name) }
                lastOwner = value
            }
            ownerOf[index] = Int32(lastOwner)
        }
        ownerCount = names.count
    }

    /// Adds every empty non-terminal: each name between an owner and the apex that owns nothing,
    /// named in the case of its first descendant given.
    mutating func addEmptyNonTerminals() {
        let originLength = origin.wireLength
        for index in 0..<ownerCount {
            var name = names[index]
            // Most owners are children of the apex: skip making the parent to look it up.
            while name.wireLength - 1 - Int(name.wire[0]) > originLength, let parent = name.parent {
                if !ownerIndex.insert(parent).inserted { break }
                names.append(parent)
                name = parent
            }
        }
    }

    /// Puts the records in (canonical owner, type, file) order and cuts them into RRsets,
    /// collapsing duplicates (RFC 2181 §5) and giving each RRset the TTL of its first record.
    mutating func group() {
        order = CanonicalSort.order(of: names)
        var position = [Int32](repeating: 0, count: names.count)
        for (at, nameAt) in order.enumerated() { position[nameAt] = Int32(at) }
        // Counting sort by the owner's position: stable, so each owner's records stay in file order.
        var bucketStart = [Int32](repeating: 0, count: names.count + 1)
        for owner in ownerOf where owner >= 0 { bucketStart[Int(position[Int(owner)]) + 1] += 1 }
        for at in 0..<names.count { bucketStart[at + 1] += bucketStart[at] }
        var sorted = [Int32](repeating: 0, count: Int(bucketStart[names.count]))
        var next = bucketStart
        for (index, owner) in ownerOf.enumerated() where owner >= 0 {
            let at = Int(position[Int(owner)])
            sorted[Int(next[at])] = Int32(index)
            next[at] += 1
        }
        next = []
        position = []
        ownerOf = []

        kept.reserveCapacity(sorted.count)
        groupStart = [Int32](repeating: 0, count: names.count + 1)
        var seen = Set<RData>()
        for at in 0..<names.count {
            groupStart[at] = Int32(groups.count)
            var low = Int(bucketStart[at])
            let high = Int(bucketStart[at + 1])
            // Insertion sort by type (stable): an owner has a few records.
            if high - low > 1 {
                for index in (low + 1)..<high {
                    let record = sorted[index]
                    let type = records[Int(record)].type
                    var to = index
                    while to > low && records[Int(sorted[to - 1])].type > type {
                        sorted[to] = sorted[to - 1]
                        to -= 1
                    }
                    sorted[to] = record
                }
            }
            while low < high {
                let first = records[Int(sorted[low])]
                var end = low + 1
                while end < high && records[Int(sorted[end])].type == first.type { end += 1 }
                var group = Group(type: first.type, ttl: first.ttl, start: Int32(kept.count), end: 0)
                var warnedTTL = false
                let useSet = end - low > ZoneBuilder.scanLimit
                if useSet { seen.removeAll(keepingCapacity: true) }
                for index in low..<end {
                    let record = records[Int(sorted[index])]
                    let duplicate: Bool
                    if useSet {
                        duplicate = !seen.insert(record.data).inserted
                    } else {
                        duplicate = kept[Int(group.start)...].contains { records[Int($0)].data == record.data }
                    }
                    if duplicate {
                        warn(.duplicate, record.name, record.type, "duplicate record \(record.data.text) ignored")
                        continue
                    }
                    if record.ttl != group.ttl && !warnedTTL {
                        warnedTTL = true
                        warn(
                            .ttlMismatch, record.name, record.type,
                            "TTL \(record.ttl) differs within the RRset; using the first, \(group.ttl)")
                    }
                    kept.append(sorted[index])
                }
                group.end = Int32(kept.count)
                groups.append(group)
                low = end
            }
        }
        groupStart[names.count] = Int32(groups.count)
    }

    /// The groups of the name at canonical position `at`.
    func groups(at position: Int) -> Range<Int> { Int(groupStart[position])..<Int(groupStart[position + 1]) }

    mutating func checkOwners() {
        for at in 0..<names.count where order[at] < ownerCount {
            let name = names[order[at]]
            let range = groups(at: at)
            let hasCNAME = groups[range].contains { $0.type == .cname }
            for group in groups[range] {
                if group.type == .soa && name != origin {
                    error(.soaNotAtApex, name, .soa, "SOA outside the apex \(origin.text)")
                }
                if (group.type == .cname || group.type == .dname) && group.count > 1 {
                    error(.multipleSingletons, name, group.type, "\(group.count) records; only one is allowed")
                }
            }
            if hasCNAME {
                for group in groups[range] where group.type != .cname && group.type != .rrsig && group.type != .nsec {
                    error(.cnameAndOtherData, name, group.type, "data beside a CNAME (RFC 1034 §3.6.2)")
                }
            }
        }
        let apex = ownerIndex.find(origin).flatMap { index in index < ownerCount ? order.firstIndex(of: index) : nil }
        let apexGroups = apex.map { groups[groups(at: $0)] } ?? []
        let soaCount = apexGroups.first { $0.type == .soa }?.count ?? 0
        if soaCount == 0 { error(.missingSOA, origin, .soa, "no SOA record at the apex") }
        if soaCount > 1 {
            error(.multipleSOA, origin, .soa, "\(soaCount) SOA records at the apex; exactly one is allowed")
        }
        if !apexGroups.contains(where: { $0.type == .ns }) {
            error(.missingApexNS, origin, .ns, "no NS record at the apex")
        }
    }

    mutating func finish() throws(ZoneError) -> (zone: Zone, warnings: [ZoneDiagnostic]) {
        numberOwners()
        addEmptyNonTerminals()
        group()
        checkOwners()
        guard errors.isEmpty else { throw ZoneError(errors: errors, warnings: warnings) }

        var nodes: [ZoneNode] = []
        nodes.reserveCapacity(names.count)
        var rrsets: [RRset] = []
        rrsets.reserveCapacity(groups.count)
        var scratch = WireWriter(capacity: 4096)
        var values: [RData] = []
        // The current node's ancestors, deepest last. Canonical order visits the tree depth first,
        // parents before children, and every ancestor up to the apex is a node, so a node's parent
        // is the deepest entry left once the entries that are not its ancestors are popped.
        var ancestors: [Int] = []
        for at in 0..<names.count {
            let name = names[order[at]]
            while let last = ancestors.last, !name.isSubdomain(of: nodes[last].name) {
                ancestors.removeLast()
            }
            let parent = ancestors.last ?? -1
            var flags: ZoneNode.Flags = parent < 0 ? .apex : []
            if parent >= 0 {
                let above = nodes[parent]
                if above.isDelegation || above.flags.contains(.belowDelegation) { flags.insert(.belowDelegation) }
                if above.flags.contains(.dname) || above.flags.contains(.belowDNAME) { flags.insert(.belowDNAME) }
            }
            let range = groups(at: at)
            let hasNS = groups[range].contains { $0.type == .ns }
            if hasNS && !flags.contains(.apex) && !flags.contains(.belowDelegation) { flags.insert(.delegation) }
            let start = rrsets.count
            for group in groups[range] where keep(group.type, at: name, flags: flags) {
                if group.type == .dname { flags.insert(.dname) }
                if group.type == .cname { flags.insert(.cname) }
                // Types the RRset keeps as values get an array of their own; the rest share one.
                if RRset.keepsValues(group.type) { values = [] } else { values.removeAll(keepingCapacity: true) }
                values.reserveCapacity(group.count)
                for record in kept[Int(group.start)..<Int(group.end)] { values.append(records[Int(record)].data) }
                rrsets.append(RRset(type: group.type, ttl: group.ttl, records: values, scratch: &scratch))
            }
            if rrsets.count == start { flags.insert(.emptyNonTerminal) }
            var node = ZoneNode(name: name, rrsets: start..<rrsets.count, parent: Int32(parent), flags: flags)
            if parent >= 0 {
                let above = nodes[parent]
                if above.cutAbove >= 0 {
                    node.cutAbove = above.cutAbove
                } else if above.isDelegation || above.flags.contains(.dname) {
                    node.cutAbove = Int32(parent)
                }
                if name.isWildcard { nodes[parent].wildcardChild = Int32(nodes.count) }
            }
            ancestors.append(nodes.count)
            nodes.append(node)
        }
        // The zone now holds what it needs; the records and the working arrays go before the name
        // table is made.
        records = []
        values = []
        kept = []
        groups = []
        groupStart = []
        order = []
        names = []
        ownerIndex = NameIndex(capacity: 0)
        precondition(nodes[Zone.apex].isApex && nodes[Zone.apex].name == origin, "the apex must sort first")
        let soa = rrsets[nodes[Zone.apex].rrsets].firstIndex { $0.type == .soa }!
        guard case .soa(let soaData) = rrsets[soa].records[0] else { preconditionFailure("SOA RRset without SOA data") }
        let zone = Zone(
            origin: origin, nodes: nodes, rrsets: rrsets, soa: soa,
            negativeTTL: min(rrsets[soa].ttl, soaData.minimum))
        return (zone, warnings)
    }

    /// Whether an RRset of `type` may be served at a node with these flags, warning when not (or
    /// when it is kept but never answered).
    mutating func keep(_ type: RRType, at name: DNSName, flags: ZoneNode.Flags) -> Bool {
        let place: String
        if flags.contains(.belowDelegation) {
            place = "below a delegation (only glue is kept)"
        } else if flags.contains(.delegation) {
            place = "at a delegation point (only NS, DS and glue are kept)"
        } else if !flags.contains(.belowDNAME) {
            return true  // the common case: everything is kept, nothing to warn about
        } else {
            place = ""
        }
        if ZoneBuilder.allowed(type, flags: flags) {
            if flags.contains(.belowDNAME) {
                warn(.occludedByDNAME, name, type, "below a DNAME; never answered (RFC 6672 §2.4)")
            }
            return true
        }
        warn(.occludedByDelegation, name, type, "\(place); ignored")
        return false
    }

    /// Whether a type may be served at a node with these flags.
    static func allowed(_ type: RRType, flags: ZoneNode.Flags) -> Bool {
        if flags.contains(.belowDelegation) { return type == .a || type == .aaaa }
        if flags.contains(.delegation) {
            switch type {
            case .ns, .ds, .a, .aaaa, .rrsig, .nsec: return true
            default: return false
            }
        }
        return true
    }
}
