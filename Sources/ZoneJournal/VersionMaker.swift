import DNSSEC
import DNSWire
import DNSZone

/// Why a version could not be written.
public enum VersionError: Error, CustomStringConvertible {
    case signing(String)
    case io(RecordFile.IOFailure)

    public var description: String {
        switch self {
        case .signing(let what): "signing failed: \(what)"
        case .io(let failure): failure.description
        }
    }
}

/// Writes one version of a zone, in transfer order, into a ``VersionBuilder``: the SOA with its
/// RRSIGs, every other RRset node by node with its RRSIGs, then the full NSEC3 chain (the signer's,
/// or for an `nsec3-narrow` zone one built for secondaries) with its RRSIGs.
///
/// An RRset (or chain record) whose data is the same in the old version keeps its old RRSIGs if
/// there is one per signing key and each has more than `keepAbove` seconds left: then the new
/// version differs from the old one only where the data did or a signature was due, which keeps
/// IXFRs small. Other signatures come from the query-time cache when they have that much validity
/// left, or are made now, a batch at a time on every core.
struct VersionMaker {
    let zone: Zone
    let signer: ZoneSigner?
    let chain: NSEC3Chain?
    let now: Int64
    let keepAbove: Int64

    init(zone: Zone, signer: ZoneSigner?, now: Int64, keepAbove: Int64) throws(VersionError) {
        self.zone = zone
        self.signer = signer
        do {
            chain = try signer?.transferChain()
        } catch {
            throw .signing(error.message)
        }
        self.now = now
        self.keepAbove = keepAbove
    }

    enum Source {
        case rrset(Int, node: Int)
        case chain(Int)
    }

    /// One RRset or chain record: its data records and, once known, its signatures.
    struct Unit {
        var source: Source
        var owner: [UInt8]
        var type: RRType
        var ttl: UInt32
        var data: [[UInt8]]
        var signatures: [[UInt8]]? = nil
        var needsSigning = false
    }

    struct Group {
        var key: VersionBuilder.Key
        var sources: [Source]
    }

    func write(into builder: VersionBuilder) throws(VersionError) {
        var batch: [Group] = []
        var units = 0
        func flush() throws(VersionError) {
            try write(batch, into: builder)
            batch.removeAll(keepingCapacity: true)
            units = 0
        }
        func add(_ group: Group) throws(VersionError) {
            batch.append(group)
            units += group.sources.count
            if units >= Self.batch { try flush() }
        }
        try add(Group(key: .init(phase: 0, owner: zone.origin), sources: [.rrset(zone.soa, node: Zone.apex)]))
        for (index, node) in zone.nodes.enumerated() {
            let sources = node.rrsets.filter { $0 != zone.soa }.map { Source.rrset($0, node: index) }
            guard !sources.isEmpty else { continue }
            try add(Group(key: .init(phase: 1, owner: node.name), sources: sources))
        }
        if let chain, let signer {
            for position in 0..<chain.count {
                let owner: DNSName
                do {
                    owner = try DNSName(wire: signer.transferChainRecord(position, of: chain).owner)
                } catch {
                    throw .signing("NSEC3 owner \(position) does not decode")
                }
                try add(Group(key: .init(phase: 2, owner: owner), sources: [.chain(position)]))
            }
        }
        try flush()
    }

    /// RRsets and chain records per batch: enough to keep every core signing.
    static let batch = 512

    private func write(_ groups: [Group], into builder: VersionBuilder) throws(VersionError) {
        var olds: [[[UInt8]]] = []
        var units: [[Unit]] = []
        for group in groups {
            let old = builder.take(group.key)
            olds.append(old)
            units.append(
                group.sources.map { source in
                    var unit = self.unit(source)
                    if signer != nil && isSigned(source) {
                        unit.signatures = adopted(unit, from: old)
                        unit.needsSigning = unit.signatures == nil
                    }
                    return unit
                })
        }
        try sign(&units)
        for ((group, old), key) in zip(zip(units, olds), groups.map(\.key)) {
            var records: [[UInt8]] = []
            for unit in group {
                for item in unit.data { records.append(Self.payload(unit.owner, unit.type, unit.ttl, item)) }
                for item in unit.signatures ?? [] { records.append(Self.payload(unit.owner, .rrsig, unit.ttl, item)) }
            }
            do {
                try builder.emit(records, phase: key.phase, old: old)
            } catch {
                throw .io(error)
            }
        }
    }

    private func isSigned(_ source: Source) -> Bool {
        switch source {
        case .rrset(let index, _): signer?.isSigned(rrset: index) ?? false
        case .chain: true
        }
    }

    private func unit(_ source: Source) -> Unit {
        switch source {
        case .rrset(let index, let node):
            let set = zone.rrsets[index]
            let owner = zone.nodes[node].name.wire
            return Unit(
                source: source, owner: owner, type: set.type, ttl: set.ttl,
                data: LengthPrefixedItems(set.wire).map { Array(set.wire[$0]) })
        case .chain(let position):
            let record = signer!.transferChainRecord(position, of: chain!)
            var item = [UInt8(record.rdata.count >> 8), UInt8(record.rdata.count & 0xFF)]
            item += record.rdata
            return Unit(source: source, owner: record.owner, type: .nsec3, ttl: signer!.nsec3TTL, data: [item])
        }
    }

    /// The old version's RRSIGs for `unit` (RDLENGTH and RDATA each), if its data is the same there
    /// and they are signed by exactly the current keys with more than `keepAbove` left.
    private func adopted(_ unit: Unit, from old: [[UInt8]]) -> [[UInt8]]? {
        guard !old.isEmpty, let signer else { return nil }
        var data: [[UInt8]] = []
        var signatures: [[UInt8]] = []
        var tags: [UInt16] = []
        var earliest = Int64.max
        for payload in old {
            let ok = payload.withUnsafeBytes { bytes -> Bool in
                guard let record = WireRecord(bytes) else { return false }
                if record.type == unit.type.rawValue {
                    guard record.ttl == unit.ttl else { return false }
                    data.append(Array(payload[record.dataItem]))
                } else if record.covered(in: bytes) == unit.type.rawValue {
                    signatures.append(Array(payload[record.dataItem]))
                    tags.append(record.keyTag(in: bytes) ?? 0)
                    let expiration = record.expiration(in: bytes) ?? 0
                    let delta = Int64(Int32(bitPattern: expiration &- UInt32(truncatingIfNeeded: now)))
                    earliest = min(earliest, now + delta)
                }
                return true
            }
            guard ok else { return nil }
        }
        let keys = signer.signingKeyTags(for: unit.type)
        guard earliest - now > keepAbove, signatures.count == keys.count, tags.sorted() == keys.sorted(),
            data.count == unit.data.count,
            data.sorted(by: Self.precedes) == unit.data.sorted(by: Self.precedes)
        else { return nil }
        return signatures
    }

    static func precedes(_ left: [UInt8], _ right: [UInt8]) -> Bool { left.lexicographicallyPrecedes(right) }

    /// Signs every unit that needs it, on every core.
    private func sign(_ groups: inout [[Unit]]) throws(VersionError) {
        guard let signer else { return }
        var wanted: [(group: Int, unit: Int)] = []
        var items: [ZoneSigner.TransferItem] = []
        for (g, group) in groups.enumerated() {
            for (u, unit) in group.enumerated() where unit.needsSigning {
                wanted.append((g, u))
                switch unit.source {
                case .rrset(let index, _): items.append(.rrset(index))
                case .chain(let position): items.append(.chainEntry(position))
                }
            }
        }
        guard !items.isEmpty else { return }
        let made = signer.transferSignatures(items, chain: chain, now: now, minimumLeft: keepAbove)
        for (slot, entry) in zip(wanted, made) {
            guard let entry else {
                throw .signing("\(groups[slot.group][slot.unit].type) at unit \(slot.unit)")
            }
            groups[slot.group][slot.unit].signatures = LengthPrefixedItems(entry.records).map {
                Array(entry.records[$0])
            }
        }
    }

    /// A record in uncompressed wire form; `item` is RDLENGTH and RDATA.
    static func payload(_ owner: [UInt8], _ type: RRType, _ ttl: UInt32, _ item: [UInt8]) -> [UInt8] {
        var bytes = owner
        bytes.reserveCapacity(owner.count + 8 + item.count)
        bytes.append(UInt8(type.rawValue >> 8))
        bytes.append(UInt8(type.rawValue & 0xFF))
        bytes.append(0)
        bytes.append(1)
        bytes.append(UInt8(ttl >> 24))
        bytes.append(UInt8((ttl >> 16) & 0xFF))
        bytes.append(UInt8((ttl >> 8) & 0xFF))
        bytes.append(UInt8(ttl & 0xFF))
        bytes += item
        return bytes
    }
}
