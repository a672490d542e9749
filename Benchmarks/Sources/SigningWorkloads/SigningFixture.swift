import CodecWorkloads
import DNSSEC
import DNSWire
import DNSZone

/// A small signed zone for the signing benchmarks: an apex, a two-record A RRset (so signing sorts
/// RDATA into canonical order) and a wildcard, signed by one fresh key (a CSK) at a fixed time,
/// so a cached signature never goes stale while a benchmark runs.
public enum SigningFixture {
    public static let origin = "example.test."
    /// 2027-01-15: any fixed time works; the signer only compares it with its own entries.
    public static let now: Int64 = 1_800_000_000

    static let zoneText = """
        $TTL 3600
        @ IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 300
        @ NS ns1
        ns1 A 192.0.2.53
        www A 192.0.2.2
        www A 192.0.2.1
        *.wild A 192.0.2.99

        """

    /// The zone, signed with a new key of `algorithm`, with `denial`.
    public static func signer(_ algorithm: DNSSECAlgorithm, denial: DenialMode) throws -> ZoneSigner {
        let origin = try DNSName(text: origin)
        let parsed = ZoneFileParser.parse(text: zoneText, origin: origin)
        precondition(parsed.isValid, "the benchmark zone must parse: \(parsed.summary)")
        let zone = try Zone.build(origin: origin, records: parsed.records).zone
        let key = ZoneKey(signingKey: try SigningKey.generate(algorithm), ksk: true)
        var configuration = SignerConfiguration()
        configuration.denial = denial
        return try ZoneSigner(zone: zone, keys: [key], configuration: configuration, clock: SignerClock { now })
    }

    /// The index in `zone.rrsets` of `name`'s RRset of `type`.
    public static func rrset(_ name: String, _ type: RRType, in zone: Zone) throws -> Int {
        guard let node = zone.node(named: try DNSName(text: name)), let index = zone.rrset(at: node, type: type)
        else { preconditionFailure("the benchmark zone has no \(name) \(type)") }
        return index
    }

    /// A query for `name` and `type` with EDNS (payload 1232) and the DO bit, decoded.
    public static func query(_ name: String, _ type: RRType) throws -> (packet: [UInt8], query: Query) {
        var request = Message(
            header: Header(id: 0x1234), questions: [Question(name: try DNSName(text: name), type: type)])
        request.edns = EDNS(udpPayloadSize: 1232, dnssecOK: true)
        let packet = request.encoded()
        return (packet, try Query.decoded(from: packet))
    }
}
