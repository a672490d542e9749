/// A zone's public key (RFC 4034 §2), also the data of CDNSKEY (RFC 7344).
public struct DNSKEY: RDataProtocol {
    /// Bit 7 (0x0100) Zone Key, bit 15 (0x0001) Secure Entry Point, bit 8 (0x0080) Revoke.
    public var flags: UInt16
    /// Always 3 in valid keys; kept as received.
    public var `protocol`: UInt8
    public var algorithm: UInt8
    /// The key in the algorithm's wire format (RFC 3110, 6605, 8080).
    public var publicKey: [UInt8]

    public init(flags: UInt16, protocol: UInt8 = 3, algorithm: UInt8, publicKey: [UInt8]) {
        self.flags = flags
        self.protocol = `protocol`
        self.algorithm = algorithm
        self.publicKey = publicKey
    }

    public static let zoneKeyFlag: UInt16 = 0x0100
    public static let secureEntryPointFlag: UInt16 = 0x0001
    public static let revokeFlag: UInt16 = 0x0080

    public var isZoneKey: Bool { flags & DNSKEY.zoneKeyFlag != 0 }
    public var isSecureEntryPoint: Bool { flags & DNSKEY.secureEntryPointFlag != 0 }

    public init(decoding reader: inout WireReader, length: Int) throws(WireError) {
        guard length >= 4 else { throw .badRDataLength(type: RRType.dnskey.rawValue, at: reader.offset) }
        flags = try reader.readUInt16()
        `protocol` = try reader.readUInt8()
        algorithm = try reader.readUInt8()
        publicKey = try reader.readBytes(length - 4)
    }

    public func serialize(into writer: inout WireWriter, form: NameForm) {
        writer.writeUInt16(flags)
        writer.writeUInt8(`protocol`)
        writer.writeUInt8(algorithm)
        writer.writeBytes(publicKey)
    }

    public init(fields: [TextField], origin: DNSName?) throws(TextError) {
        guard fields.count >= 4 else { throw TextError("expected flags, protocol, algorithm and base64 key") }
        flags = try parseInteger(fields, 0, "DNSKEY flags")
        `protocol` = try parseInteger(fields, 1, "a DNSKEY protocol")
        algorithm = try parseInteger(fields, 2, "an algorithm number")
        publicKey = try parseBase64(fields, from: 3, "a public key")
    }

    public var text: String { "\(flags) \(`protocol`) \(algorithm) \(Base64.encode(publicKey))" }

    /// The key tag of RFC 4034 Appendix B: the ones'-complement-style sum over the RDATA
    /// (algorithm 1 is obsolete and not special-cased).
    public var keyTag: UInt16 {
        var sum: UInt32 = (UInt32(flags) & 0xFFFF) + (UInt32(`protocol`) << 8 | UInt32(algorithm))
        for (index, byte) in publicKey.enumerated() {
            sum += index & 1 == 0 ? UInt32(byte) << 8 : UInt32(byte)
        }
        sum += sum >> 16 & 0xFFFF
        return UInt16(truncatingIfNeeded: sum)
    }
}
