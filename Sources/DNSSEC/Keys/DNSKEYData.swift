import DNSWire

/// The fields of a DNSKEY record (RFC 4034 §2) and their wire form, held as plain bytes so that the
/// key code does not depend on how the message layer models RDATA.
public struct DNSKEYData: Hashable, Sendable {
    /// Bit 7: the key may sign zone data. Every DNSSEC key has it.
    public static let zoneKeyFlag: UInt16 = 0x0100
    /// Bit 15: Secure Entry Point, conventionally marking a key-signing key.
    public static let secureEntryPointFlag: UInt16 = 0x0001
    /// Bit 8: revoked (RFC 5011).
    public static let revokeFlag: UInt16 = 0x0080
    /// The flags of a zone-signing key (256) and of a key-signing key (257).
    public static let zskFlags: UInt16 = zoneKeyFlag
    public static let kskFlags: UInt16 = zoneKeyFlag | secureEntryPointFlag

    public var flags: UInt16
    /// Always 3 for DNSSEC (RFC 4034 §2.1.2).
    public var protocolNumber: UInt8
    public var algorithm: DNSSECAlgorithm
    public var publicKey: [UInt8]

    public init(flags: UInt16, protocolNumber: UInt8 = 3, algorithm: DNSSECAlgorithm, publicKey: [UInt8]) {
        self.flags = flags
        self.protocolNumber = protocolNumber
        self.algorithm = algorithm
        self.publicKey = publicKey
    }

    /// The DNSKEY a signing key is published as.
    public init(key: SigningKey, ksk: Bool) {
        self.init(flags: ksk ? Self.kskFlags : Self.zskFlags, algorithm: key.algorithm, publicKey: key.publicKey)
    }

    /// Parses DNSKEY RDATA in wire form.
    public init(rdata: some Collection<UInt8>) throws(WireError) {
        let bytes = Array(rdata)
        guard bytes.count > 4 else { throw .badRDataLength(type: 48, at: 0) }
        self.init(
            flags: UInt16(bytes[0]) << 8 | UInt16(bytes[1]), protocolNumber: bytes[2],
            algorithm: DNSSECAlgorithm(rawValue: bytes[3]), publicKey: Array(bytes[4...]))
    }

    /// The RDATA in wire form; also what the key tag and the DS digest are computed over.
    public var rdata: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4 + publicKey.count)
        bytes.append(UInt8(flags >> 8))
        bytes.append(UInt8(flags & 0xFF))
        bytes.append(protocolNumber)
        bytes.append(algorithm.rawValue)
        bytes.append(contentsOf: publicKey)
        return bytes
    }

    public var keyTag: UInt16 { KeyTag.compute(dnskeyRData: rdata) }

    /// Whether the SEP flag is set, i.e. this is (by convention) a key-signing key.
    public var isKeySigningKey: Bool { flags & Self.secureEntryPointFlag != 0 }
    public var isZoneKey: Bool { flags & Self.zoneKeyFlag != 0 }
    public var isRevoked: Bool { flags & Self.revokeFlag != 0 }

    /// The RDATA in presentation format: `257 3 13 <base64>`.
    public var presentation: String {
        "\(flags) \(protocolNumber) \(algorithm.rawValue) \(Base64.encode(publicKey))"
    }
}
