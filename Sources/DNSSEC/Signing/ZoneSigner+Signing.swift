import DNSWire
import DNSZone

extension ZoneSigner {
    /// The signatures of `Zone.rrsets[index]`, from the cache or made now. Nil for an RRset that
    /// is not signed, or if signing failed (the answer then goes out without that RRSIG).
    func signatures(rrset index: Int, now: Int64) -> SignatureEntry? {
        guard signed[index] else { return nil }
        return cache.entry(slot: index, now: now) { makeEntry(rrset: index, now: now) }
    }

    /// The signatures of NSEC3 chain record `position`.
    func signatures(chainEntry position: Int, now: Int64) -> SignatureEntry? {
        guard let chain else { return nil }
        return cache.entry(slot: zone.rrsets.count + position, now: now) {
            makeEntry(
                owner: chain.owners[position], type: .nsec3, ttl: nsec3TTL, rdatas: [chain.rdata[position]],
                keys: zoneSigningKeys, now: now)
        }
    }

    /// The signatures of a narrow-mode NSEC3 record.
    func signatures(narrow key: NarrowKey, now: Int64) -> SignatureEntry? {
        cache.entry(narrow: key, now: now) {
            let (owner, rdata) = narrowRecord(key)
            return makeEntry(
                owner: owner, type: .nsec3, ttl: nsec3TTL, rdatas: [rdata], keys: zoneSigningKeys, now: now)
        }
    }

    /// The owner and RDATA of a narrow-mode record: next = owner + 1 for a match (bitmap the
    /// node's), owner + 2 for a cover (owner = hash − 1, empty bitmap).
    func narrowRecord(_ key: NarrowKey) -> (owner: [UInt8], rdata: [UInt8]) {
        let match = key.node >= 0
        let next = match ? key.owner.successor() : key.owner.successor().successor()
        let bitmap = match ? bitmaps[Int(key.node)] ?? TypeBitmap() : TypeBitmap()
        let rdata = NSEC3Chain.rdata(
            next: next, bitmap: bitmap, iterations: configuration.nsec3Iterations, salt: configuration.nsec3Salt)
        return (NSEC3Chain.ownerWire(key.owner, origin: zone.origin), rdata)
    }

    func makeEntry(rrset index: Int, now: Int64) -> SignatureEntry? {
        let set = zone.rrsets[index]
        var rdatas: [[UInt8]] = []
        for record in set.records {
            var writer = WireWriter(capacity: 256)
            record.serialize(into: &writer, form: .canonical)
            rdatas.append(writer.bytes)
        }
        let keys = [.dnskey, .cds, .cdnskey].contains(set.type) ? keySigningKeys : zoneSigningKeys
        let owner = zone.nodes[Int(nodeOfRRset[index])].name.wire
        return makeEntry(owner: owner, type: set.type, ttl: set.ttl, rdatas: rdatas, keys: keys, now: now)
    }

    /// Signs one RRset with each of `keys` (RFC 4034 §3.1.8.1): the signed data is the RRSIG RDATA
    /// without its signature (signer name lowercased), then every record in canonical form (owner
    /// lowercased, original TTL, canonical RDATA), sorted by RDATA, duplicates removed (§6.3).
    /// Inception is `inceptionOffset` before now and expiration `validity` after; the labels
    /// field leaves out a leading `*`, so a wildcard's signature also covers its expansions.
    func makeEntry(
        owner: [UInt8], type: RRType, ttl: UInt32, rdatas: [[UInt8]], keys: [ActiveKey], now: Int64
    ) -> SignatureEntry? {
        var sorted = rdatas.sorted { $0.lexicographicallyPrecedes($1) }
        var unique: [[UInt8]] = []
        for rdata in sorted where unique.last != rdata { unique.append(rdata) }
        sorted = unique
        let inception = now - Int64(configuration.inceptionOffset)
        let expiration = now + Int64(configuration.validity)
        let lowered = owner.map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 }
        let isWildcard = owner.count >= 2 && owner[0] == 1 && owner[1] == UInt8(ascii: "*")
        var labelCount = 0
        var offset = 0
        while owner[offset] != 0 {
            labelCount += 1
            offset += 1 + Int(owner[offset])
        }
        if isWildcard { labelCount -= 1 }

        var records: [UInt8] = []
        for key in keys {
            var data = WireWriter(capacity: 512)
            data.writeUInt16(type.rawValue)
            data.writeUInt8(key.algorithm)
            data.writeUInt8(UInt8(labelCount))
            data.writeUInt32(ttl)
            data.writeUInt32(UInt32(truncatingIfNeeded: expiration))
            data.writeUInt32(UInt32(truncatingIfNeeded: inception))
            data.writeUInt16(key.keyTag)
            data.writeBytes(signerName)
            let prefixLength = data.count
            for rdata in sorted {
                data.writeBytes(lowered)
                data.writeUInt16(type.rawValue)
                data.writeUInt16(RRClass.in.rawValue)
                data.writeUInt32(ttl)
                data.writeUInt16(UInt16(rdata.count))
                data.writeBytes(rdata)
            }
            guard let signature = try? key.key.sign(data.bytes) else { return nil }
            let length = prefixLength + signature.count
            records.append(UInt8(length >> 8))
            records.append(UInt8(length & 0xFF))
            records.append(contentsOf: data.bytes[..<prefixLength])
            records.append(contentsOf: signature)
        }
        signatureCounter.add(keys.count, ordering: .relaxed)
        let margin = configuration.refreshMargin + Int64.random(in: 0..<configuration.refreshJitter)
        return SignatureEntry(
            records: records, count: UInt16(keys.count), refreshAt: max(now + 1, expiration - margin),
            expiration: expiration)
    }
}
