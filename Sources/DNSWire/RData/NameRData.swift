/// RDATA that is a single domain name: NS, CNAME, PTR and DNAME.
public struct NameRData: RDataProtocol {
    public var target: DNSName

    public init(_ target: DNSName) { self.target = target }

    public init(decoding reader: inout WireReader, length: Int) throws(WireError) {
        target = try reader.readName()
    }

    /// All four types are in RFC 4034 §6.2's lowercase list; DNAME's no-compression rule is applied
    /// by `RData`, which knows the type.
    public func serialize(into writer: inout WireWriter, form: NameForm) {
        writer.writeName(target, form: form, compressible: true, lowercased: true)
    }

    public init(fields: [TextField], origin: DNSName?) throws(TextError) {
        try Self.expect(fields, count: 1, "a domain name")
        target = try parseName(fields, 0, origin: origin)
    }

    public var text: String { target.text }
}

/// Mail exchange (RFC 1035 §3.3.9).
public struct MX: RDataProtocol {
    public var preference: UInt16
    public var exchange: DNSName

    public init(preference: UInt16, exchange: DNSName) {
        self.preference = preference
        self.exchange = exchange
    }

    public init(decoding reader: inout WireReader, length: Int) throws(WireError) {
        guard length >= 3 else { throw .badRDataLength(type: RRType.mx.rawValue, at: reader.offset) }
        preference = try reader.readUInt16()
        exchange = try reader.readName()
    }

    public func serialize(into writer: inout WireWriter, form: NameForm) {
        writer.writeUInt16(preference)
        writer.writeName(exchange, form: form, compressible: true, lowercased: true)
    }

    public init(fields: [TextField], origin: DNSName?) throws(TextError) {
        try Self.expect(fields, count: 2, "preference and exchange")
        preference = try parseInteger(fields, 0, "a preference")
        exchange = try parseName(fields, 1, origin: origin)
    }

    public var text: String { "\(preference) \(exchange.text)" }
}
