import DNSSEC
import DNSWire
import DNSZone

/// Everything the responder reads per query, published as one immutable value so a reload
/// swaps it whole: the zone set for lookups and, by the same index, each zone's signer.
public struct ServingZones: Sendable {
    public let zoneSet: ZoneSet
    /// Per zone of `zoneSet` (same index), its online signer, or nil if served unsigned.
    public let signers: [ZoneSigner?]

    /// A zone served signed must be given as its signer's zone (`signer.zone`, the zone plus its
    /// apex DNSSEC records). With two zones of one origin, the later one wins, in the earlier
    /// one's place.
    public init(_ zones: [(zone: Zone, signer: ZoneSigner?)]) {
        var byOrigin: [DNSName: Int] = [:]
        var unique: [(zone: Zone, signer: ZoneSigner?)] = []
        for entry in zones {
            precondition(entry.signer == nil || entry.signer!.zone === entry.zone, "serve a signer's own zone")
            if let known = byOrigin[entry.zone.origin] {
                unique[known] = entry
            } else {
                byOrigin[entry.zone.origin] = unique.count
                unique.append(entry)
            }
        }
        zoneSet = ZoneSet(unique.map(\.zone))
        signers = unique.map(\.signer)
    }

    public static let empty = ServingZones([])

    /// The signer of the zone at `index` in `zoneSet`, if it is signed (-1: none).
    @inline(__always) public func signer(ofZone index: Int) -> ZoneSigner? {
        index >= 0 ? signers[index] : nil
    }
}
