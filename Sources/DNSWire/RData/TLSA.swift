/// TLS certificate association for DANE (RFC 6698 §2).
///
/// The fields are kept as their raw numbers so that unknown usages, selectors and matching types
/// round-trip; DANE interprets them.
public struct TLSA: RDataProtocol {
    /// 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE (RFC 7218 mnemonics).
    public var usage: UInt8
    /// 0 full certificate, 1 SubjectPublicKeyInfo.
    public var selector: UInt8
    /// 0 exact match, 1 SHA-256, 2 SHA-512.
    public var matchingType: UInt8
    /// The certificate association data.
    public var data: [UInt8]

    public init(usage: UInt8, selector: UInt8, matchingType: UInt8, data: [UInt8]) {
        self.usage = usage
        self.selector = selector
        self.matchingType = matchingType
        self.data = data
    }

    public init(decoding reader: inout WireReader, length: Int) throws(WireError) {
        guard length >= 4 else { throw .badRDataLength(type: RRType.tlsa.rawValue, at: reader.offset) }
        usage = try reader.readUInt8()
        selector = try reader.readUInt8()
        matchingType = try reader.readUInt8()
        data = try reader.readBytes(length - 3)
    }

    public func serialize(into writer: inout WireWriter, form: NameForm) {
        writer.writeUInt8(usage)
        writer.writeUInt8(selector)
        writer.writeUInt8(matchingType)
        writer.writeBytes(data)
    }

    public init(fields: [TextField], origin: DNSName?) throws(TextError) {
        guard fields.count >= 4 else {
            throw TextError("expected usage, selector, matching type and hex association data")
        }
        usage = try parseInteger(fields, 0, "a TLSA certificate usage")
        selector = try parseInteger(fields, 1, "a TLSA selector")
        matchingType = try parseInteger(fields, 2, "a TLSA matching type")
        data = try parseHex(fields, from: 3, "certificate association data")
    }

    public var text: String { "\(usage) \(selector) \(matchingType) \(Base16.encode(data))" }
}
