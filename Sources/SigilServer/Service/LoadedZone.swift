import DNSSEC
import DNSWire
import DNSZone
import QueryPipeline

/// One zone as it is being served: the built zone, where it came from, and its signer.
public struct LoadedZone: Sendable {
    public var config: ZoneConfig
    /// The zone answers come from: with a signer, the signer's zone (the file's zone plus DNSKEY,
    /// CDS, CDNSKEY and NSEC3PARAM), so the answer logic finds the apex DNSSEC records and the
    /// signer recognises its own zone by identity.
    public var zone: Zone
    /// The SOA serial, for logs and the start-up summary.
    public var serial: UInt32
    /// Records in the built zone (duplicates collapsed, occluded data left out).
    public var recordCount: Int
    /// The online signer for this zone, or nil to serve it unsigned. A new one is made on every
    /// load, so its signature cache never outlives the zone data it covers.
    public var signer: ZoneSigner?

    /// A zone served unsigned.
    public init(config: ZoneConfig, zone: Zone) {
        self.config = config
        self.zone = zone
        self.serial = zone.serial
        self.recordCount = zone.recordCount
        self.signer = nil
    }

    /// A zone served signed by `signer`: its zone is `signer.zone`.
    public init(config: ZoneConfig, signer: ZoneSigner) {
        self.init(config: config, zone: signer.zone)
        self.signer = signer
    }

    /// `signed (nsec3, ECDSAP256SHA256, keys 12345 KSK, 2345 ZSK)` or `unsigned`: for the start-up
    /// summary and reload logs.
    public var dnssecSummary: String {
        guard let signer else { return "unsigned" }
        let algorithms = Set(signer.keys.map(\.dnskey.algorithm)).map(\.description).sorted()
        let keys = signer.keys.map { key in
            let role = key.dnskey.isKeySigningKey ? "KSK" : "ZSK"
            let offline = key.signingKey == nil ? " (no private key)" : ""
            return "\(key.dnskey.keyTag) \(role)\(offline)"
        }
        let denial = signer.configuration.denial.rawValue
        return "signed (\(denial), \(algorithms.joined(separator: "+")), keys \(keys.joined(separator: ", ")))"
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

extension ServingZones {
    /// The zones the catalog loaded, each with its signer.
    public init(_ loaded: [LoadedZone]) {
        self.init(loaded.map { (zone: $0.zone, signer: $0.signer) })
    }
}
