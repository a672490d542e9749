import DNSWire
import DNSZone

extension ZoneSigner {
    /// A zone's records as the signed zone publishes them: the data without any DNSSEC records
    /// it came with, plus at the apex the DNSKEY RRset (every key), CDS (SHA-256) and CDNSKEY for
    /// the SEP keys (RFC 7344; every key if none is SEP); for managed keys, as their `roles` say, and NSEC3PARAM (RFC 5155 §4; RFC 9276
    /// parameters by default).
    public static func publishedRecords(
        _ records: [ResourceRecord], origin: DNSName, keys: [ZoneKey], configuration: SignerConfiguration
    ) -> [ResourceRecord] {
        var records = records.filter { record in
            switch record.type {
            case .rrsig, .nsec, .nsec3: false
            case .dnskey, .cds, .cdnskey, .nsec3param: record.name != origin
            default: true
            }
        }
        let keyTTL = keys.compactMap(\.ttl).first ?? configuration.keyTTL
        var sep = keys.contains { $0.dnskey.isKeySigningKey } ? keys.filter { $0.dnskey.isKeySigningKey } : keys
        // Managed keys (roles set) publish and point CDS exactly as their roles say.
        if keys.contains(where: { $0.roles != nil }) { sep = keys.filter { $0.roles?.childDS ?? false } }
        for key in keys where key.roles?.published ?? true {
            records.append(ResourceRecord(name: origin, ttl: keyTTL, data: .dnskey(dnskey(key.dnskey))))
        }
        for key in sep {
            let ds = DSData(owner: origin, dnskey: key.dnskey, digestType: .sha256)
            records.append(
                ResourceRecord(
                    name: origin, ttl: keyTTL,
                    data: .cds(
                        DS(
                            keyTag: ds.keyTag, algorithm: ds.algorithm.rawValue, digestType: ds.digestType.rawValue,
                            digest: ds.digest))))
            records.append(ResourceRecord(name: origin, ttl: keyTTL, data: .cdnskey(dnskey(key.dnskey))))
        }
        // BIND and Knot publish NSEC3PARAM with TTL 0: only signers read it.
        records.append(
            ResourceRecord(
                name: origin, ttl: 0,
                data: .nsec3param(
                    NSEC3PARAM(
                        hashAlgorithm: NSEC3Hasher.sha1, flags: 0, iterations: configuration.nsec3Iterations,
                        salt: configuration.nsec3Salt))))
        return records
    }

    static func dnskey(_ data: DNSKEYData) -> DNSKEY {
        DNSKEY(
            flags: data.flags, protocol: data.protocolNumber, algorithm: data.algorithm.rawValue,
            publicKey: data.publicKey)
    }
}
