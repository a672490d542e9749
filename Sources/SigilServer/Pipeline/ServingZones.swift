import DNSSEC
import DNSWire
import DNSZone

/// Everything the responder reads per query, published as one immutable value so a reload
/// swaps it whole: the zone set for lookups and the signers of the signed zones.
public struct ServingZones: Sendable {
    public let zoneSet: ZoneSet
    public let loaded: [LoadedZone]
    /// The signers, found from an answer's zone by identity.
    public let signers: ZoneSignerSet

    /// Origins must be distinct (the catalog keeps one version per origin).
    public init(_ loaded: [LoadedZone]) {
        self.loaded = loaded
        self.zoneSet = ZoneSet(loaded.map(\.zone))
        self.signers = ZoneSignerSet(loaded.compactMap(\.signer))
    }

    public static let empty = ServingZones([])
}
