import DNSWire
import DNSZone

/// What the zone journal needs to write a version of the signed zone as secondaries will hold it
/// (`ZoneJournal`'s `VersionMaker`): by which keys RRsets are signed, and the chain's records. Its
/// signatures come from `transferSignatures(_:chain:now:minimumLeft:)`.
extension ZoneSigner {
    /// The key tags of the keys that sign an RRset of `type`, one RRSIG each.
    package func signingKeyTags(for type: RRType) -> [UInt16] {
        ([.dnskey, .cds, .cdnskey].contains(type) ? keySigningKeys : zoneSigningKeys).map(\.keyTag)
    }

    /// Record `position` of `chain`: its owner name and RDATA, uncompressed wire.
    package func transferChainRecord(_ position: Int, of chain: NSEC3Chain) -> (owner: [UInt8], rdata: [UInt8]) {
        chainRecord(position, chain)
    }
}
