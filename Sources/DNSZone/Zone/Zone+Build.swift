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
    public static func build(
        origin: DNSName, records: [ResourceRecord]
    ) throws(ZoneError) -> (zone: Zone, warnings: [ZoneDiagnostic]) {
        var builder = ZoneBuilder(origin: origin)
        for record in records { builder.add(record) }
        return try builder.finish()
    }
}

/// The working state of `Zone.build`: allocation is no concern here, clarity is.
struct ZoneBuilder {
    struct Group {
        var type: RRType
        var ttl: UInt32
        var records: [RData] = []
        var seen: Set<RData> = []
        var warnedTTL = false
    }

    struct Owner {
        var name: DNSName
        var groups: [Group] = []
    }

    let origin: DNSName
    var owners: [Owner] = []
    var ownerIndex: [DNSName: Int] = [:]
    var errors: [ZoneDiagnostic] = []
    var warnings: [ZoneDiagnostic] = []

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
        let ownerAt: Int
        if let known = ownerIndex[record.name] {
            ownerAt = known
        } else {
            ownerAt = owners.count
            owners.append(Owner(name: record.name))
            ownerIndex[record.name] = ownerAt
        }
        guard let groupAt = owners[ownerAt].groups.firstIndex(where: { $0.type == type }) else {
            var group = Group(type: type, ttl: record.ttl)
            group.records.append(record.data)
            group.seen.insert(record.data)
            owners[ownerAt].groups.append(group)
            return
        }
        var group = owners[ownerAt].groups[groupAt]
        if group.seen.contains(record.data) {
            warn(.duplicate, record.name, type, "duplicate record \(record.data.text) ignored")
        } else {
            if record.ttl != group.ttl && !group.warnedTTL {
                group.warnedTTL = true
                warn(
                    .ttlMismatch, record.name, type,
                    "TTL \(record.ttl) differs within the RRset; using the first, \(group.ttl)")
            }
            group.records.append(record.data)
            group.seen.insert(record.data)
        }
        owners[ownerAt].groups[groupAt] = group
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
        let apex = ownerIndex[origin].map { owners[$0] }
        let soaCount = apex?.groups.first { $0.type == .soa }?.records.count ?? 0
        if soaCount == 0 { error(.missingSOA, origin, .soa, "no SOA record at the apex") }
        if soaCount > 1 {
            error(.multipleSOA, origin, .soa, "\(soaCount) SOA records at the apex; exactly one is allowed")
        }
        if apex?.groups.contains(where: { $0.type == .ns }) != true {
            error(.missingApexNS, origin, .ns, "no NS record at the apex")
        }
    }

    mutating func finish() throws(ZoneError) -> (zone: Zone, warnings: [ZoneDiagnostic]) {
        checkOwners()
        guard errors.isEmpty else { throw ZoneError(errors: errors, warnings: warnings) }

        // Every name between an owner and the apex becomes a node, data or not.
        var names = Set(owners.map(\.name))
        for owner in owners {
            var name = owner.name
            while name != origin, let parent = name.parent {
                if !names.insert(parent).inserted { break }
                name = parent
            }
        }
        let sorted = names.sorted()
        var indexOf: [DNSName: Int] = [:]
        var nodes: [ZoneNode] = []
        var rrsets: [RRset] = []
        for name in sorted {
            let parent = name == origin ? -1 : indexOf[name.parent!]!
            var flags: ZoneNode.Flags = name == origin ? .apex : []
            if parent >= 0 {
                let above = nodes[parent]
                if above.isDelegation || above.flags.contains(.belowDelegation) { flags.insert(.belowDelegation) }
                if above.flags.contains(.dname) || above.flags.contains(.belowDNAME) { flags.insert(.belowDNAME) }
            }
            var groups = ownerIndex[name].map { owners[$0].groups } ?? []
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
            for group in groups { rrsets.append(RRset(type: group.type, ttl: group.ttl, records: group.records)) }
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
            indexOf[name] = nodes.count
            nodes.append(node)
        }
        let soa = rrsets[nodes[Zone.apex].rrsets].firstIndex { $0.type == .soa }!
        guard case .soa(let soaData) = rrsets[soa].records[0] else { preconditionFailure("SOA RRset without SOA data") }
        let zone = Zone(
            origin: origin, nodes: nodes, rrsets: rrsets, soa: soa,
            negativeTTL: min(rrsets[soa].ttl, soaData.minimum))
        return (zone, warnings)
    }

    /// The groups that may be served at a node, warning about the rest.
    mutating func keep(_ groups: [Group], at name: DNSName, flags: ZoneNode.Flags) -> [Group] {
        let allowed: (RRType) -> Bool
        let place: String
        if flags.contains(.belowDelegation) {
            allowed = { $0 == .a || $0 == .aaaa }
            place = "below a delegation (only glue is kept)"
        } else if flags.contains(.delegation) {
            allowed = { [.ns, .ds, .a, .aaaa, .rrsig, .nsec].contains($0) }
            place = "at a delegation point (only NS, DS and glue are kept)"
        } else {
            allowed = { _ in true }
            place = ""
        }
        var kept: [Group] = []
        for group in groups {
            if allowed(group.type) {
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
}
