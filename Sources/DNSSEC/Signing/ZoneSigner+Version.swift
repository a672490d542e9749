import DNSWire
import DNSZone

/// What the zone journal needs to write a version of the signed zone as secondaries will hold it
/// (`ZoneJournal`'s `VersionMaker`): which RRsets are signed, by which keys, and signatures with
/// enough validity left that the version is not due for re-signing as soon as it is published.
extension ZoneSigner {
    /// The key tags of the keys that sign an RRset of `type`, one RRSIG each.
    package func signingKeyTags(for type: RRType) -> [UInt16] {
        ([.dnskey, .cds, .cdnskey].contains(type) ? keySigningKeys : zoneSigningKeys).map(\.keyTag)
    }

    /// The signatures of `Zone.rrsets[index]` for a published version: the query-time cache's if
    /// they have more than `minimumLeft` seconds of validity left, else made now and not stored.
    package func versionSignatures(rrset index: Int, now: Int64, minimumLeft: Int64) -> SignatureEntry? {
        guard signed[index] else { return nil }
        if let cached = cache.peek(slot: index, now: now), cached.expiration - now > minimumLeft { return cached }
        return makeEntry(rrset: index, now: now)
    }

    /// The signatures of record `position` of `chain` (from `transferChain()`), as
    /// `versionSignatures(rrset:now:minimumLeft:)`.
    package func versionSignatures(
        chainEntry position: Int, of chain: NSEC3Chain, now: Int64, minimumLeft: Int64
    ) -> SignatureEntry? {
        if self.chain != nil, let cached = cache.peek(slot: zone.rrsets.count + position, now: now),
            cached.expiration - now > minimumLeft
        {
            return cached
        }
        return makeEntry(chainEntry: position, chain, now: now)
    }

    /// Record `position` of `chain`: its owner name and RDATA, uncompressed wire.
    package func transferChainRecord(_ position: Int, of chain: NSEC3Chain) -> (owner: [UInt8], rdata: [UInt8]) {
        chainRecord(position, chain)
    }
}
