import DNSWire
import DNSZone

extension ZoneSigner {
    /// Takes over signatures from an earlier version of the zone as secondaries hold it (`image`:
    /// every record with its RRSIGs): each RRset, and each NSEC3 chain record, whose data is the
    /// same there (owner, type, TTL, RDATA) gets the image's RRSIGs in its cache slot instead of new
    /// ones, provided there is one per signing key and each has more than `keepAbove` seconds of
    /// validity left. Then the next version differs from the image only where the data did, or
    /// where a signature was due for renewal: that is what keeps IXFRs small. Returns how many
    /// RRsets took over their signatures.
    @discardableResult
    public func adoptSignatures(from image: [ResourceRecord], keepAbove: Int64) -> Int {
        let now = clock.now()
        var data: [ImageKey: (ttl: UInt32, rdatas: [[UInt8]])] = [:]
        var signatures: [ImageKey: [(rdata: [UInt8], keyTag: UInt16, expiration: Int64)]] = [:]
        var writer = WireWriter(capacity: 512)
        for record in image {
            writer.reset()
            record.data.serialize(into: &writer, form: .uncompressed)
            if case .rrsig(let rrsig) = record.data {
                let key = ImageKey(owner: record.name.lowercased().wire, type: rrsig.typeCovered.rawValue)
                let expiration = Self.unwrap(serial: rrsig.expiration, near: now)
                signatures[key, default: []].append((writer.bytes, rrsig.keyTag, expiration))
            } else {
                let key = ImageKey(owner: record.name.lowercased().wire, type: record.type.rawValue)
                data[key, default: (record.ttl, [])].rdatas.append(writer.bytes)
            }
        }
        func entry(_ key: ImageKey, ttl: UInt32, rdatas: [[UInt8]], keys: [ActiveKey]) -> SignatureEntry? {
            guard let old = data[key], old.ttl == ttl, old.rdatas.sorted(by: Self.precedes) == rdatas,
                let sigs = signatures[key], sigs.count == keys.count,
                Set(sigs.map(\.keyTag)) == Set(keys.map(\.keyTag)),
                let expiration = sigs.map(\.expiration).min(), expiration - now > keepAbove
            else { return nil }
            var records: [UInt8] = []
            for sig in sigs {
                records.append(UInt8(sig.rdata.count >> 8))
                records.append(UInt8(sig.rdata.count & 0xFF))
                records.append(contentsOf: sig.rdata)
            }
            return SignatureEntry(
                records: records, count: UInt16(sigs.count),
                refreshAt: max(now + 1, expiration - configuration.refreshMargin), expiration: expiration)
        }
        var adopted = 0
        for node in zone.nodes {
            let owner = node.name.lowercased().wire
            for index in node.rrsets where signed[index] {
                let set = zone.rrsets[index]
                let keys = [.dnskey, .cds, .cdnskey].contains(set.type) ? keySigningKeys : zoneSigningKeys
                let rdatas = set.rdataRanges.map { Array(set.wire[$0]) }.sorted(by: Self.precedes)
                guard
                    let made = entry(
                        ImageKey(owner: owner, type: set.type.rawValue), ttl: set.ttl, rdatas: rdatas, keys: keys)
                else { continue }
                cache.install(slot: index, made)
                adopted += 1
            }
        }
        if let chain {
            for position in chain.hashes.indices {
                let record = chainRecord(position, chain)
                guard let owner = try? DNSName(wire: record.owner) else { continue }
                let key = ImageKey(owner: owner.lowercased().wire, type: RRType.nsec3.rawValue)
                guard let made = entry(key, ttl: nsec3TTL, rdatas: [record.rdata], keys: zoneSigningKeys) else {
                    continue
                }
                cache.install(slot: zone.rrsets.count + position, made)
                adopted += 1
            }
        }
        return adopted
    }

    struct ImageKey: Hashable {
        let owner: [UInt8]
        let type: UInt16
    }

    static func precedes(_ left: [UInt8], _ right: [UInt8]) -> Bool { left.lexicographicallyPrecedes(right) }

    /// An RRSIG time field (seconds mod 2^32, RFC 4034 §3.1.5) as the absolute time nearest `now`.
    static func unwrap(serial value: UInt32, near now: Int64) -> Int64 {
        let delta = Int64(Int32(bitPattern: value &- UInt32(truncatingIfNeeded: now)))
        return now + delta
    }
}

extension SignatureCache {
    /// Puts `entry` in `slot`, replacing whatever is there.
    func install(slot: Int, _ entry: SignatureEntry) {
        let stripe = stripes[slot & stripeMask]
        let local = slot >> stripeShift
        let old = stripe.slots.withLock { slots in
            let old = slots[local]
            slots[local] = entry
            return old
        }
        memoryUsed.add(entry.cost - (old?.cost ?? 0), ordering: .relaxed)
    }
}
