import DNSWire

/// The difference between two versions of a zone, as IXFR carries it (RFC 1995 §4): the old SOA,
/// the records deleted, the new SOA, the records added. Records are compared whole (owner, type,
/// TTL, RDATA), so a changed TTL is a delete and an add; RRSIG and NSEC3 records are records like
/// any other, which is what lets a secondary follow a signed zone.
public struct ZoneDiff: Sendable, Hashable {
    public var oldSOA: ResourceRecord
    public var newSOA: ResourceRecord
    /// Records of the old version not in the new one, the SOA excluded.
    public var deleted: [ResourceRecord]
    /// Records of the new version not in the old one, the SOA excluded.
    public var added: [ResourceRecord]

    public init(oldSOA: ResourceRecord, newSOA: ResourceRecord, deleted: [ResourceRecord], added: [ResourceRecord]) {
        self.oldSOA = oldSOA
        self.newSOA = newSOA
        self.deleted = deleted
        self.added = added
    }

    public var fromSerial: UInt32 { Self.serial(oldSOA) }
    public var toSerial: UInt32 { Self.serial(newSOA) }
    public var isEmpty: Bool { deleted.isEmpty && added.isEmpty && oldSOA == newSOA }

    static func serial(_ soa: ResourceRecord) -> UInt32 {
        if case .soa(let data) = soa.data { return data.serial }
        return 0
    }

    /// The difference from `old` to `new`, two whole versions each holding exactly one SOA. Nil if
    /// either has no SOA.
    public static func between(old: [ResourceRecord], new: [ResourceRecord]) -> ZoneDiff? {
        guard let oldSOA = old.first(where: { $0.type == .soa }), let newSOA = new.first(where: { $0.type == .soa })
        else { return nil }
        let oldSet = Set(old.lazy.filter { $0.type != .soa })
        let newSet = Set(new.lazy.filter { $0.type != .soa })
        // Keep each version's order (canonical for a signed zone), which keeps owners together.
        let deleted = old.filter { $0.type != .soa && !newSet.contains($0) }
        let added = new.filter { $0.type != .soa && !oldSet.contains($0) }
        return ZoneDiff(oldSOA: oldSOA, newSOA: newSOA, deleted: deleted, added: added)
    }

    /// Consecutive differences as one (each one's new serial is the next one's old serial): what
    /// IXFR sends when a secondary is several versions behind. A record added then deleted again
    /// cancels out.
    public static func condensed(_ diffs: [ZoneDiff]) -> ZoneDiff? {
        guard let first = diffs.first, let last = diffs.last else { return nil }
        if diffs.count == 1 { return first }
        var deleted: [ResourceRecord] = []
        var added: [ResourceRecord] = []
        var deletedIndex: [ResourceRecord: Int] = [:]
        var addedIndex: [ResourceRecord: Int] = [:]
        var gone = Set<Int>()  // positions in `added` cancelled
        var goneDeleted = Set<Int>()
        for diff in diffs {
            for record in diff.deleted {
                if let at = addedIndex.removeValue(forKey: record) {
                    gone.insert(at)
                } else {
                    deletedIndex[record] = deleted.count
                    deleted.append(record)
                }
            }
            for record in diff.added {
                if let at = deletedIndex.removeValue(forKey: record) {
                    goneDeleted.insert(at)
                } else {
                    addedIndex[record] = added.count
                    added.append(record)
                }
            }
        }
        return ZoneDiff(
            oldSOA: first.oldSOA, newSOA: last.newSOA,
            deleted: deleted.enumerated().filter { !goneDeleted.contains($0.offset) }.map(\.element),
            added: added.enumerated().filter { !gone.contains($0.offset) }.map(\.element))
    }
}

extension ZoneDiff {
    /// The journal's encoding: four counted groups of uncompressed records (old SOA, deleted,
    /// new SOA, added).
    func encoded() -> [UInt8] {
        var writer = WireWriter(capacity: 256 + 64 * (deleted.count + added.count))
        for group in [[oldSOA], deleted, [newSOA], added] {
            writer.writeUInt32(UInt32(group.count))
            for record in group { record.serialize(into: &writer, form: .uncompressed) }
        }
        return writer.bytes
    }

    init(encoded bytes: [UInt8]) throws(WireError) {
        let groups = try withWireReader(bytes) { (reader) throws(WireError) -> [[ResourceRecord]] in
            var groups: [[ResourceRecord]] = []
            for _ in 0..<4 {
                let count = Int(try reader.readUInt32())
                guard count <= reader.remaining else { throw .truncated(at: reader.offset) }
                var group: [ResourceRecord] = []
                group.reserveCapacity(count)
                for _ in 0..<count { group.append(try ResourceRecord(decoding: &reader)) }
                groups.append(group)
            }
            guard reader.isAtEnd else { throw .trailingData(at: reader.offset) }
            return groups
        }
        guard groups[0].count == 1, groups[2].count == 1 else { throw .truncated(at: 0) }
        self.init(oldSOA: groups[0][0], newSOA: groups[2][0], deleted: groups[1], added: groups[3])
    }
}
