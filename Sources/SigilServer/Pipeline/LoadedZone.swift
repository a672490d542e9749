import DNSWire
import DNSZone

/// One zone as it is being served: the built zone, where it came from, and its signer.
public struct LoadedZone: Sendable {
    public var config: ZoneConfig
    public var zone: Zone
    /// The SOA serial, for logs and the start-up summary.
    public var serial: UInt32
    /// Records in the built zone (duplicates collapsed, occluded data left out).
    public var recordCount: Int
    /// DNSSEC: the online signer for this zone, or nil to serve it unsigned. Nothing sets it yet;
    /// the DNSSEC module will, from `config.dnssec` and the keys directory.
    public var signer: (any ZoneSigner)?

    public init(config: ZoneConfig, zone: Zone, signer: (any ZoneSigner)? = nil) {
        self.config = config
        self.zone = zone
        self.serial = zone.serial
        self.recordCount = zone.recordCount
        self.signer = signer
    }
}

extension Zone {
    /// The apex SOA's serial.
    public var serial: UInt32 {
        guard case .soa(let soa) = rrsets[self.soa].records[0] else { return 0 }
        return soa.serial
    }

    /// How many records the zone holds.
    public var recordCount: Int { rrsets.reduce(0) { $0 + $1.count } }
}
