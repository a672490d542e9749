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
    /// parser's result), it is freed once grouped, before the zone is laid out, which lowers the
    /// peak memory of loading a large zone.
    public static func build(
        origin: DNSName, records: consuming [ResourceRecord]
    ) throws(ZoneError) -> (zone: Zone, warnings: [ZoneDiagnostic]) {
        var builder = ZoneBuilder(origin: origin)
        for record in records { builder.add(record) }
        records = []
        return try builder.finish()
    }
}

/// The working state of `Zone.build`.
///
/// Built for zones of millions of records: records are grouped in place (no copy of a group per
/// record), duplicates are found by scanning small RRsets rather than by a set per RRset, names
/// are sorted by precomputed keys (`CanonicalSort`), and parents are found from the canonical
/// order itself instead of by looking names up.
struct ZoneBuilder {
    struct Group {
        var type: RRType
        var ttl: UInt32
        var records: [RData] = []
        /// The records as a set, made only once the RRset outgrows `scanLimit`: most RRsets hold a
        /// record or two, and a set for each would cost more than the records.
        var seen: Set<RData>? = nil
        var warnedTTL = false

        /// Up to this many records, a duplicate is found by comparing with each.
        static let scanLimit = 16

        init(type: RRType, ttl: UInt32) {
            self.type = type
            self.ttl = ttl
        }

        /// Appends `data` unless the RRset has it already (RFC 2181 §5); false for a duplicate.
        mutating func insert(_ data: RData) -> Bool {
            if seen != nil {
                guard seen!.insert(data).inserted else { return false }
            } else {
                if records.contains(data) { return false }
                if records.count == Group.scanLimit {
                    seen = Set(records)
                    seen!.insert(data)
                }
            }
            records.append(data)
            return true
        }
    }

    struct Owner {
        var name: DNSName
        var groups: [Group] = []
    }

    let origin: DNSName
    var owners: [Owner] = []
    /// Owner name → index in `owners`.
    var ownerIndex = NameIndex()
    var errors: [ZoneDiagnostic] = []
    var warnings: [ZoneDiagnostic] = []

    /// The owner of the previous record added.
    var lastOwner: Int?

    init(origin: DNSName) { self.origin = origin }

    mutating func error(_ kind: ZoneDiagnostic.Kind, _ owner: DNSName, _ type: RRType, _ detail: String) {
        errors.append(ZoneDiagnostic(.error, kind, owner: owner, type: type, detail))
    }

    mutating func warn(_ kind: ZoneDiagnostic.Kind, _ owner: DNSName, _ type: RRType, _ detail: String) {
        warnings.append(ZoneDiagnostic(.warning, kind, owner: owner, type: type, detail))
    }

    mutating func add(_ record: ResourceRecord) {
        let type = record.type
        guard record.rrClass == .in else {
            return error(.unsupportedClass, record.name, type, "class \(record.rrClass) is not served; only IN")
        }
        guard !type.isMeta else {
            return error(.metaType, record.name, type, "\(type) is a query type, not zone data")
        }
        guard record.name.isSubdomain(of: origin) else {
            return error(.outOfZone, record.name, type, "owner is outside the zone \(origin.text)")
        }
        // Consecutive records usually share an owner (the parser even hands over the same name).
        let ownerAt: Int
        if let last = lastOwner, owners[last].name.wire == record.name.wire {
            ownerAt = last
        } else {
            let (value, inserted) = ownerIndex.insert(record.name)
            if inserted { owners.append(Owner(name: record.name)) }
            ownerAt = value
        }
        lastOwner = ownerAt
        guard let groupAt = owners[ownerAt].groups.firstIndex(where: { $0.type == type }) else {
            var group = Group(type: type, ttl: record.ttl)
            _ = group.insert(record.data)
            owners[ownerAt].groups.append(group)
            return
        }
        // Mutated through the subscripts, in place: copying the group out and back would copy its
        // records for every record added.
        guard owners[ownerAt].groups[groupAt].insert(record.data) else {
            return warn(.duplicate, record.name, type, "duplicate record \(record.data.text) ignored")
        }
        let ttl = owners[ownerAt].groups[groupAt].ttl
        if record.ttl != ttl && !owners[ownerAt].groups[groupAt].warnedTTL {
            owners[ownerAt].groups[groupAt].warnedTTL = true
            warn(.ttlMismatch, record.name, type, "TTL \(record.ttl) differs within the RRset; using the first, \(ttl)")
        }
    }

    mutating func checkOwners() {
        for owner in owners {
            let types = owner.groups.map(\.type)
            for group in owner.groups where group.type == .soa && owner.name != origin {
                error(.soaNotAtApex, owner.name, .soa, "SOA outside the apex \(origin.text)")
            }
            for group in owner.groups where (group.type == .cname || group.type == .dname) && group.records.count > 1 {
                error(
                    .multipleSingletons, owner.name, group.type, "\(group.records.count) records; only one is allowed")
            }
            if types.contains(.cname) {
                for type in types where type != .cname && type != .rrsig && type != .nsec {
                    error(.cnameAndOtherData, owner.name, type, "data beside a CNAME (RFC 1034 §3.6.2)")
                }
            }
        }
        let apex = ownerIndex.find(origin).map { owners[$0] }
        let soaCount = apex?.groups.first { $0.type == .soa }?.records.count ?? 0
        if soaCount == 0 { error(.missingSOA, origin, .soa, "no SOA record at the apex") }
        if soaCount > 1 {
            error(.multipleSOA, origin, .soa, "\(soaCount) SOA records at the apex; exactly one is allowed")
        }
        if apex?.groups.contains(where: { $0.type == .ns }) != true {
            error(.missingApexNS, origin, .ns, "no NS record at the apex")
        }
    }

    /// Every owner name, then every empty non-terminal: each name between an owner and the apex
    /// that owns nothing, named in the case of its first descendant given.
    /// They are added to `ownerIndex` too, their values being their places in the result.
    mutating func allNames() -> [DNSName] {
        var names = owners.map(\.name)
        let originLength = origin.wireLength
        for owner in owners {
            var name = owner.name
            // Most owners are children of the apex: skip making the parent to look it up.
            while name.wireLength - 1 - Int(name.wire[0]) > originLength, let parent = name.parent {
                if !ownerIndex.insert(parent).inserted { break }
                names.append(parent)
                name = parent
            }
        }
        return names
    }

    mutating func finish() throws(ZoneError) -> (zone: Zone, warnings: [ZoneDiagnostic]) {
        checkOwners()
        guard errors.isEmpty else { throw ZoneError(errors: errors, warnings: warnings) }

        let names = allNames()
        var nodes: [ZoneNode] = []
        nodes.reserveCapacity(names.count)
        var rrsets: [RRset] = []
        rrsets.reserveCapacity(owners.reduce(0) { $0 + $1.groups.count })
        var scratch = WireWriter(capacity: 4096)
        // The current node's ancestors, deepest last. Canonical order visits the tree depth first,
        // parents before children, and every ancestor up to the apex is a node, so a node's parent
        // is the deepest entry left once the entries that are not its ancestors are popped.
        var ancestors: [Int] = []
        for nameAt in CanonicalSort.order(of: names) {
            let name = names[nameAt]
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
            var groups = nameAt < owners.count ? owners[nameAt].groups : []
            groups.sort { $0.type < $1.type }
            if !flags.contains(.apex) && !flags.contains(.belowDelegation) && groups.contains(where: { $0.type == .ns })
            {
                flags.insert(.delegation)
            }
            groups = keep(groups, at: name, flags: flags)
            if groups.contains(where: { $0.type == .dname }) { flags.insert(.dname) }
            if groups.contains(where: { $0.type == .cname }) { flags.insert(.cname) }
            if groups.isEmpty { flags.insert(.emptyNonTerminal) }
            let start = rrsets.count
            for group in groups {
                rrsets.append(RRset(type: group.type, ttl: group.ttl, records: group.records, scratch: &scratch))
            }
            if nameAt < owners.count { owners[nameAt].groups = [] }  // the RRset holds what is needed now
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
        precondition(nodes[Zone.apex].isApex && nodes[Zone.apex].name == origin, "the apex must sort first")
        let soa = rrsets[nodes[Zone.apex].rrsets].firstIndex { $0.type == .soa }!
        guard case .soa(let soaData) = rrsets[soa].records[0] else { preconditionFailure("SOA RRset without SOA data") }
        let zone = Zone(
            origin: origin, nodes: nodes, rrsets: rrsets, soa: soa,
            negativeTTL: min(rrsets[soa].ttl, soaData.minimum))
        return (zone, warnings)
    }

    /// The groups that may be served at a node, warning about the rest.
    mutating func keep(_ groups: [Group], at name: DNSName, flags: ZoneNode.Flags) -> [Group] {
        let place: String
        if flags.contains(.belowDelegation) {
            place = "below a delegation (only glue is kept)"
        } else if flags.contains(.delegation) {
            place = "at a delegation point (only NS, DS and glue are kept)"
        } else if !flags.contains(.belowDNAME) {
            return groups  // the common case: everything is kept, nothing to warn about
        } else {
            place = ""
        }
        var kept: [Group] = []
        for group in groups {
            if ZoneBuilder.allowed(group.type, flags: flags) {
                kept.append(group)
                if flags.contains(.belowDNAME) {
                    warn(.occludedByDNAME, name, group.type, "below a DNAME; never answered (RFC 6672 §2.4)")
                }
            } else {
                warn(.occludedByDelegation, name, group.type, "\(place); ignored")
            }
        }
        return kept
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
