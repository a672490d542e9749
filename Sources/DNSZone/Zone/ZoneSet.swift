import DNSWire

/// The zones a server is authoritative for, chosen per query by the longest matching origin.
///
/// Selection uses the same allocation-free name table as a zone's nodes: each suffix of the query
/// name is looked up, longest first.
public struct ZoneSet: Sendable {
    /// The zones, in the order given.
    public let zones: [Zone]
    let table: NameTable

    /// Zones must have distinct origins; with duplicates, the last one given wins.
    public init(_ zones: [Zone]) {
        var byOrigin: [DNSName: Int] = [:]
        var unique: [Zone] = []
        for zone in zones {
            if let known = byOrigin[zone.origin] {
                unique[known] = zone
            } else {
                byOrigin[zone.origin] = unique.count
                unique.append(zone)
            }
        }
        self.zones = unique
        self.table = NameTable(keys: unique.map(\.origin.wire))
    }

    /// The index in `zones` of the zone for `name` (uncompressed wire, any case): the one with the
    /// longest origin that `name` is at or below. For DS at a zone's apex, the parent zone is
    /// preferred when this set has it, since DS belongs to the parent side of a cut
    /// (RFC 4035 §3.1.4.1).
    public func zoneIndex(for name: UnsafeRawBufferPointer, type: RRType) -> Int? {
        var offset = 0
        var apexMatch: Int? = nil
        while offset < name.count {
            if let found = table.find(UnsafeRawBufferPointer(rebasing: name[offset...])) {
                guard offset == 0, type == .ds, !zones[found].origin.isRoot else { return found }
                apexMatch = found
            }
            if name[offset] == 0 { break }
            offset += 1 + Int(name[offset])
        }
        return apexMatch
    }

    /// The zone for `name`, as `zoneIndex(for:type:)`.
    public func zone(for name: UnsafeRawBufferPointer, type: RRType) -> Zone? {
        zoneIndex(for: name, type: type).map { zones[$0] }
    }

    /// The zone for `name`, as `zone(for:type:)`.
    public func zone(for name: [UInt8], type: RRType) -> Zone? {
        name.withUnsafeBytes { zone(for: $0, type: type) }
    }

    /// Answers from the zone for `name`; with none, `answer` says REFUSED (no AA, empty sections).
    public func answer(name: [UInt8], type: RRType, into answer: inout Answer) {
        guard let index = name.withUnsafeBytes({ zoneIndex(for: $0, type: type) }) else {
            answer.reset()
            answer.rcode = .refused
            return
        }
        zones[index].answer(name: name, type: type, into: &answer)
        if answer.zone != nil { answer.zoneIndex = index }
    }
}
