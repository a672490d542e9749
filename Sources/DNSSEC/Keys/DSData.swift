import DNSWire

/// A DS record (RFC 4034 §5) for one of our keys: what the parent zone must publish to delegate
/// trust to it.
public struct DSData: Hashable, Sendable {
    public var keyTag: UInt16
    public var algorithm: DNSSECAlgorithm
    public var digestType: DSDigestType
    public var digest: [UInt8]

    /// Computes the DS for `dnskey` owned by `owner` (the zone apex).
    public init(owner: DNSName, dnskey: DNSKEYData, digestType: DSDigestType = .sha256) {
        self.init(ownerWire: owner.wire, dnskeyRData: dnskey.rdata, digestType: digestType)
    }

    /// Computes the DS from raw bytes: the owner's uncompressed wire form (any case; it is
    /// canonicalised here) and the DNSKEY RDATA. The digest is over canonical owner ‖ RDATA.
    public init(ownerWire: [UInt8], dnskeyRData: [UInt8], digestType: DSDigestType = .sha256) {
        let context = DigestContext(digestType.digestAlgorithm)
        // Length octets are at most 63, below "A", so lowercasing every byte only touches labels.
        context.update(ownerWire.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 })
        context.update(dnskeyRData)
        self.keyTag = KeyTag.compute(dnskeyRData: dnskeyRData)
        self.algorithm = DNSSECAlgorithm(rawValue: dnskeyRData.count > 3 ? dnskeyRData[3] : 0)
        self.digestType = digestType
        self.digest = context.finalize()
    }

    /// The RDATA in wire form.
    public var rdata: [UInt8] {
        [UInt8(keyTag >> 8), UInt8(keyTag & 0xFF), algorithm.rawValue, digestType.rawValue] + digest
    }

    /// The RDATA in presentation format, as `dnssec-dsfromkey` prints it: `457 13 2 <HEX>`.
    public var presentation: String {
        "\(keyTag) \(algorithm.rawValue) \(digestType.rawValue) \(Base16.encode(digest))"
    }
}
