import DNSWire
import DNSZone

/// Everything the responder reads per query, published as one immutable value so a reload
/// swaps it whole: the zone set for lookups and the loaded zones for their signers.
public struct ServingZones: Sendable {
    public let zoneSet: ZoneSet
    public let loaded: [LoadedZone]

    /// Origins must be distinct (the catalog keeps one version per origin).
    public init(_ loaded: [LoadedZone]) {
        self.loaded = loaded
        self.zoneSet = ZoneSet(loaded.map(\.zone))
    }

    public static let empty = ServingZones([])

    /// The signer of the zone an answer came from. A linear scan by identity: a server has few
    /// zones, and this runs only for DO queries.
    func signer(for zone: Zone) -> (any ZoneSigner)? {
        for item in loaded where item.zone === zone { return item.signer }
        return nil
    }
}
