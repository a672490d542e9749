import DNSWire
import DNSZone

extension ZoneSigner {
    /// The signatures of `Zone.rrsets[index]`, from the cache or made now. Nil for an RRset that
    /// is not signed, or if signing failed (the answer then goes out without that RRSIG).
    package func signatures(rrset index: Int, now: Int64) -> SignatureEntry? {
        guard signed[index] else { return nil }
        return cache.entry(slot: index, now: now) { makeEntry(rrset: index, now: now) }
    }

    /// The signatures of NSEC3 chain record `position`.
    package func signatures(chainEntry position: Int, now: Int64) -> SignatureEntry? {
        guard let chain else { return nil }
        return cache.entry(slot: zone.rrsets.count + position, now: now) {
            makeEntry(chainEntry: position, chain, now: now)
        }
    }

    /// The signatures of a narrow-mode NSEC3 record.
    package func signatures(narrow key: NarrowKey, now: Int64) -> SignatureEntry? {
        cache.entry(narrow: key, now: now) { makeEntry(narrow: key, now: now) }
    }

    /// The RRSIGs of `Zone.rrsets[index]` made afresh, exactly as a cache miss makes them, but
    /// neither read from nor stored in the cache: the RDATA of each (one per signing key), each
    /// preceded by its two-byte length. Nil for an RRset that is not signed, or if signing failed.
    /// For benchmarks and tools that must time or inspect signing itself; answers use the cache.
    public func freshSignatures(rrset index: Int, now: Int64) -> [UInt8]? {
        guard signed[index] else { return nil }
        return makeEntry(rrset: index, now: now)?.records
    }

    func makeEntry(rrset index: Int, now: Int64) -> SignatureEntry? {
        let set = zone.rrsets[index]
        let keys = [.dnskey, .cds, .cdnskey].contains(set.type) ? keySigningKeys : zoneSigningKeys
        var canonical: [UInt8]
        if Self.wireIsCanonical(set.type) {
            canonical = set.wire
        } else {
            var writer = WireWriter(capacity: set.wire.count + 64)
            for record in set.records {
                let lengthAt = writer.count
                writer.writeUInt16(0)
                record.serialize(into: &writer, form: .canonical)
                writer.patchUInt16(UInt16(writer.count - lengthAt - 2), at: lengthAt)
            }
            canonical = writer.bytes
        }
        let count = Self.sortCanonically(&canonical)
        return zone.nodes[Int(nodeOfRRset[index])].name.wire.withUnsafeBytes { owner in
            canonical.withUnsafeBytes { rdatas in
                makeEntry(
                    owner: owner, type: set.type, ttl: set.ttl, rdatas: rdatas, count: count, keys: keys, now: now)
            }
        }
    }

    func makeEntry(chainEntry position: Int, _ chain: NSEC3Chain, now: Int64) -> SignatureEntry? {
        makeNSEC3Entry(
            owner: chain.hashes[position], next: chain.next(position), bitmap: chainBitmap(position, chain), now: now)
    }

    /// The type bitmap of a narrow-mode record: the node's for a match, empty for a cover.
    func narrowBitmap(_ key: NarrowKey) -> [UInt8] {
        key.node >= 0 ? bitmaps[Int(key.node)]?.wire ?? [] : []
    }

    /// Signs a narrow-mode record (see `NarrowKey`): owner = the key's hash; next = owner + 1 for
    /// a match (bitmap the node's), owner + 2 for a cover (owner = hash − 1, empty bitmap). This
    /// is the cold path of a `nsec3-narrow` NXDOMAIN (one per query for a new name).
    func makeEntry(narrow key: NarrowKey, now: Int64) -> SignatureEntry? {
        makeNSEC3Entry(owner: key.owner, next: key.next, bitmap: narrowBitmap(key), now: now)
    }

    /// The type bitmap of chain record `position`: its node's.
    func chainBitmap(_ position: Int, _ chain: NSEC3Chain) -> [UInt8] {
        bitmaps[Int(chain.nodes[position])]?.wire ?? []
    }

    /// Signs the NSEC3 record with these owner hash, next hash and bitmap, laid out on the stack
    /// (owner = the hash's base32hex label under the origin): nothing here allocates but the entry.
    func makeNSEC3Entry(owner: NSEC3Hash, next: NSEC3Hash, bitmap: [UInt8], now: Int64) -> SignatureEntry? {
        let salt = configuration.nsec3Salt
        let ownerLength = 1 + 32 + signerName.count
        let rdataLength = NSEC3Chain.rdataLength(bitmap: bitmap, salt: salt)
        return withUnsafeTemporaryAllocation(byteCount: ownerLength + 2 + rdataLength, alignment: 8) { buffer in
            var cursor = ByteCursor(buffer)
            cursor.write(UInt8(32))
            cursor.fill(32) { owner.writeBase32Hex(to: $0) }
            cursor.write(signerName)
            cursor.write(UInt16(rdataLength))
            cursor.fill(rdataLength) {
                NSEC3Chain.writeRDATA(
                    next: next, bitmap: bitmap, iterations: configuration.nsec3Iterations, salt: salt, to: $0)
            }
            let layout = UnsafeRawBufferPointer(buffer)
            return makeEntry(
                owner: UnsafeRawBufferPointer(rebasing: layout[..<ownerLength]), type: .nsec3, ttl: nsec3TTL,
                rdatas: UnsafeRawBufferPointer(rebasing: layout[ownerLength...]), count: 1, keys: zoneSigningKeys,
                now: now)
        }
    }

    /// Signs one RRset with each of `keys` (RFC 4034 §3.1.8.1): the signed data is the RRSIG RDATA
    /// without its signature (signer name lowercased), then every record in canonical form (owner
    /// lowercased, original TTL, canonical RDATA). `rdatas` holds the `count` canonical RDATAs,
    /// each preceded by its two-byte length, already in canonical order without duplicates (§6.3).
    /// Inception is `inceptionOffset` before now and expiration `validity` after; the labels
    /// field leaves out a leading `*`, so a wildcard's signature also covers its expansions.
    ///
    /// The signed data is laid out once in a temporary allocation (on the stack unless it is
    /// large); each key writes its RRSIG prefix over the first bytes and signs into the entry's
    /// array directly. Two allocations per entry: the array and the entry.
    func makeEntry(
        owner: UnsafeRawBufferPointer, type: RRType, ttl: UInt32, rdatas: UnsafeRawBufferPointer, count: Int,
        keys: [ActiveKey], now: Int64
    ) -> SignatureEntry? {
        let inception = now - Int64(configuration.inceptionOffset)
        let expiration = now + Int64(configuration.validity)
        let labels = Self.rrsigLabels(owner)
        let prefixLength = 18 + signerName.count
        // Each record: owner, TYPE, CLASS, TTL (8 bytes), then the RDLENGTH and RDATA from `rdatas`.
        let dataLength = prefixLength + count * (owner.count + 8) + rdatas.count
        var recordsLength = 0
        for key in keys { recordsLength += 2 + prefixLength + key.key.signatureLength }
        var seed: UInt64 = 0
        var failed = false
        let records = withUnsafeTemporaryAllocation(byteCount: dataLength, alignment: 8) { data in
            var cursor = ByteCursor(data, at: prefixLength)
            for record in LengthPrefixedItems(rdatas) {
                cursor.writeLowercased(owner)
                cursor.write(type.rawValue)
                cursor.write(RRClass.in.rawValue)
                cursor.write(ttl)
                cursor.write(UnsafeRawBufferPointer(rebasing: rdatas[record]))
            }
            precondition(cursor.offset == dataLength, "signed data length")
            let signed = UnsafeRawBufferPointer(data)
            return [UInt8](unsafeUninitializedCapacity: recordsLength) { out, initialized in
                let out = UnsafeMutableRawBufferPointer(out)
                var at = 0
                for key in keys {
                    var prefix = ByteCursor(data)
                    prefix.write(type.rawValue)
                    prefix.write(key.algorithm)
                    prefix.write(labels)
                    prefix.write(ttl)
                    prefix.write(UInt32(truncatingIfNeeded: expiration))
                    prefix.write(UInt32(truncatingIfNeeded: inception))
                    prefix.write(key.keyTag)
                    prefix.write(signerName)
                    let length = key.key.signatureLength
                    var record = ByteCursor(out, at: at)
                    record.write(UInt16(prefixLength + length))
                    record.write(UnsafeRawBufferPointer(rebasing: signed[..<prefixLength]))
                    let signatureAt = record.offset
                    let signature = UnsafeMutableRawBufferPointer(rebasing: out[signatureAt..<(signatureAt + length)])
                    guard (try? key.key.sign(signed, into: signature)) == length else {
                        failed = true
                        break
                    }
                    seed = signature.loadUnaligned(as: UInt64.self)
                    at = signatureAt + length
                }
                initialized = failed ? 0 : at
            }
        }
        guard !failed else { return nil }
        signatureCounter.add(keys.count, ordering: .relaxed)
        // The jitter comes from the signature's first bytes, which are as good as random (ECDSA's
        // nonce; Ed25519's hash of the data), rather than from the system generator: that cost a
        // `getrandom` system call per entry.
        let margin = configuration.refreshMargin + Int64(seed % UInt64(configuration.refreshJitter))
        return SignatureEntry(
            records: records, count: UInt16(keys.count), refreshAt: max(now + 1, expiration - margin),
            expiration: expiration)
    }

    /// The RRSIG labels field: the owner's labels, less a leading `*` (RFC 4034 §3.1.3).
    static func rrsigLabels(_ owner: UnsafeRawBufferPointer) -> UInt8 {
        var labels = 0
        var offset = 0
        while owner[offset] != 0 {
            labels += 1
            offset += 1 + Int(owner[offset])
        }
        let isWildcard = owner.count >= 2 && owner[0] == 1 && owner[1] == UInt8(ascii: "*")
        return UInt8(isWildcard ? labels - 1 : labels)
    }

    /// Whether an RRset's stored wire form (uncompressed, original case) is already its canonical
    /// form: the types whose RDATA holds no domain name (RFC 4034 §6.2 lowercases names only).
    static func wireIsCanonical(_ type: RRType) -> Bool {
        switch type {
        case .a, .aaaa, .txt, .hinfo, .tlsa, .caa, .sshfp, .ds, .cds, .dnskey, .cdnskey: true
        default: false
        }
    }

    /// Puts RDATAs (each preceded by its two-byte length) in canonical order, RDATA compared as
    /// unsigned octet strings, and drops duplicates (RFC 4034 §6.3). Returns how many remain. Does
    /// not copy when they are already in order, as a single record always is.
    static func sortCanonically(_ rdatas: inout [UInt8]) -> Int {
        if rdatas.count >= 2 && 2 + (Int(rdatas[0]) << 8 | Int(rdatas[1])) == rdatas.count { return 1 }
        var ranges = LengthPrefixedItems(rdatas).map { ($0.lowerBound + 2)..<$0.upperBound }
        let source = rdatas
        func precedes(_ left: Range<Int>, _ right: Range<Int>) -> Bool {
            source[left].lexicographicallyPrecedes(source[right])
        }
        let inOrder = zip(ranges, ranges.dropFirst()).allSatisfy { precedes($0, $1) }
        guard !inOrder else { return ranges.count }
        ranges.sort(by: precedes)
        var sorted: [UInt8] = []
        sorted.reserveCapacity(source.count)
        var count = 0
        for (position, range) in ranges.enumerated()
        where position == 0 || source[ranges[position - 1]] != source[range] {
            sorted.append(contentsOf: source[(range.lowerBound - 2)..<range.upperBound])
            count += 1
        }
        rdatas = sorted
        return count
    }
}

extension ZoneSigner {
    /// Writes the narrow-mode NSEC3 record `key` (see `NarrowKey`) into an answer.
    package func writeNarrowRecord(_ key: NarrowKey, into writer: inout WireWriter) {
        writeNSEC3Record(owner: key.owner, next: key.next, bitmap: narrowBitmap(key), into: &writer)
    }

    /// Writes NSEC3 chain record `position` into an answer.
    package func writeChainRecord(_ position: Int, _ chain: NSEC3Chain, into writer: inout WireWriter) {
        writeNSEC3Record(
            owner: chain.hashes[position], next: chain.next(position), bitmap: chainBitmap(position, chain),
            into: &writer)
    }

    /// Writes an NSEC3 record straight from its hashes, compressing the origin: no allocation.
    /// One call from the response encoder, with the base32 and RDATA writers inlined here.
    @inline(__always)
    func writeNSEC3Record(owner: NSEC3Hash, next: NSEC3Hash, bitmap: [UInt8], into writer: inout WireWriter) {
        // The hashed label in one append, without a zeroed array to fill.
        writer.writeRaw(count: 33) { out in
            out.storeBytes(of: 32, as: UInt8.self)
            owner.writeBase32Hex(to: UnsafeMutableRawBufferPointer(start: out + 1, count: 32))
        }
        writer.writeName(zone.origin, compress: true)
        writer.writeUInt16(RRType.nsec3.rawValue)
        writer.writeUInt16(RRClass.in.rawValue)
        writer.writeUInt32(nsec3TTL)
        let salt = configuration.nsec3Salt
        let rdataLength = NSEC3Chain.rdataLength(bitmap: bitmap, salt: salt)
        writer.writeUInt16(UInt16(rdataLength))
        writer.writeRaw(count: rdataLength) {
            NSEC3Chain.writeRDATA(
                next: next, bitmap: bitmap, iterations: configuration.nsec3Iterations, salt: salt,
                to: UnsafeMutableRawBufferPointer(start: $0, count: rdataLength))
        }
    }

    /// Chain record `position`'s owner name and RDATA as values: for the signed zone's text.
    func chainRecord(_ position: Int, _ chain: NSEC3Chain) -> (owner: [UInt8], rdata: [UInt8]) {
        let owner = NSEC3Chain.ownerWire(chain.hashes[position], origin: zone.origin)
        guard let bitmap = bitmaps[Int(chain.nodes[position])] else { return (owner, []) }
        let rdata = NSEC3Chain.rdata(
            next: chain.next(position), bitmap: bitmap, iterations: configuration.nsec3Iterations,
            salt: configuration.nsec3Salt)
        return (owner, rdata)
    }
}
