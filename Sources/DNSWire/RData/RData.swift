/// How names inside RDATA are written.
public enum NameForm: Sendable {
    /// Compressed where RFC 3597 §4 allows it (the RFC 1035 types NS, CNAME, SOA, PTR, MX).
    case compressed
    /// As they are, uncompressed.
    case uncompressed
    /// Uncompressed and, for the types RFC 4034 §6.2 (as amended by RFC 6840 §5.1) lists, lowercased:
    /// the form signatures are computed over.
    case canonical
}

/// The shape every RDATA type has: a parser per construct, as swift-asn1 does it.
public protocol RDataProtocol: Hashable, Sendable {
    /// Decodes exactly `length` bytes of RDATA at the reader's offset.
    init(decoding reader: inout WireReader, length: Int) throws(WireError)
    /// Appends the RDATA (without RDLENGTH).
    func serialize(into writer: inout WireWriter, form: NameForm)
    /// Parses the RDATA fields of a presentation-format record.
    init(fields: [TextField], origin: DNSName?) throws(TextError)
    /// The RDATA fields in presentation format, separated by single spaces.
    var text: String { get }
}

/// The data of one resource record, one case per type Sigil understands and `unknown` for the
/// rest (RFC 3597).
public enum RData: Hashable, Sendable {
    case a(A)
    case aaaa(AAAA)
    case ns(NameRData)
    case cname(NameRData)
    case ptr(NameRData)
    case dname(NameRData)
    case soa(SOA)
    case mx(MX)
    case txt(TXT)
    case hinfo(HINFO)
    case srv(SRV)
    case naptr(NAPTR)
    case caa(CAA)
    case sshfp(SSHFP)
    case tlsa(TLSA)
    case svcb(SVCB)
    case https(SVCB)
    case ds(DS)
    case cds(DS)
    case dnskey(DNSKEY)
    case cdnskey(DNSKEY)
    case rrsig(RRSIG)
    case nsec(NSEC)
    case nsec3(NSEC3)
    case nsec3param(NSEC3PARAM)
    case unknown(UnknownRData)

    /// The type this data belongs to.
    public var type: RRType {
        switch self {
        case .a: .a
        case .aaaa: .aaaa
        case .ns: .ns
        case .cname: .cname
        case .ptr: .ptr
        case .dname: .dname
        case .soa: .soa
        case .mx: .mx
        case .txt: .txt
        case .hinfo: .hinfo
        case .srv: .srv
        case .naptr: .naptr
        case .caa: .caa
        case .sshfp: .sshfp
        case .tlsa: .tlsa
        case .svcb: .svcb
        case .https: .https
        case .ds: .ds
        case .cds: .cds
        case .dnskey: .dnskey
        case .cdnskey: .cdnskey
        case .rrsig: .rrsig
        case .nsec: .nsec
        case .nsec3: .nsec3
        case .nsec3param: .nsec3param
        case .unknown(let data): data.type
        }
    }

    /// The value as the protocol its case wraps, for code that treats every type alike.
    public var value: any RDataProtocol {
        switch self {
        case .a(let data): data
        case .aaaa(let data): data
        case .ns(let data), .cname(let data), .ptr(let data), .dname(let data): data
        case .soa(let data): data
        case .mx(let data): data
        case .txt(let data): data
        case .hinfo(let data): data
        case .srv(let data): data
        case .naptr(let data): data
        case .caa(let data): data
        case .sshfp(let data): data
        case .tlsa(let data): data
        case .svcb(let data), .https(let data): data
        case .ds(let data), .cds(let data): data
        case .dnskey(let data), .cdnskey(let data): data
        case .rrsig(let data): data
        case .nsec(let data): data
        case .nsec3(let data): data
        case .nsec3param(let data): data
        case .unknown(let data): data
        }
    }

    /// Decodes `length` bytes of RDATA of type `type`. Unknown types are kept as opaque bytes.
    public init(type: RRType, decoding reader: inout WireReader, length: Int) throws(WireError) {
        guard length <= reader.remaining else { throw .truncated(at: reader.offset) }
        let end = reader.offset + length
        do throws(WireError) {
            self = try RData.decodeKnown(type: type, decoding: &reader, length: length)
        } catch {
            // The shared structs (DS for CDS, SVCB for HTTPS, ...) report their primary type.
            throw error.reporting(type: type)
        }
        guard reader.offset == end else { throw .badRDataLength(type: type.rawValue, at: end - length) }
    }

    private static func decodeKnown(
        type: RRType, decoding reader: inout WireReader, length: Int
    ) throws(WireError) -> RData {
        switch type {
        case .a: return .a(try A(decoding: &reader, length: length))
        case .aaaa: return .aaaa(try AAAA(decoding: &reader, length: length))
        case .ns: return .ns(try NameRData(decoding: &reader, length: length))
        case .cname: return .cname(try NameRData(decoding: &reader, length: length))
        case .ptr: return .ptr(try NameRData(decoding: &reader, length: length))
        case .dname: return .dname(try NameRData(decoding: &reader, length: length))
        case .soa: return .soa(try SOA(decoding: &reader, length: length))
        case .mx: return .mx(try MX(decoding: &reader, length: length))
        case .txt: return .txt(try TXT(decoding: &reader, length: length))
        case .hinfo: return .hinfo(try HINFO(decoding: &reader, length: length))
        case .srv: return .srv(try SRV(decoding: &reader, length: length))
        case .naptr: return .naptr(try NAPTR(decoding: &reader, length: length))
        case .caa: return .caa(try CAA(decoding: &reader, length: length))
        case .sshfp: return .sshfp(try SSHFP(decoding: &reader, length: length))
        case .tlsa: return .tlsa(try TLSA(decoding: &reader, length: length))
        case .svcb: return .svcb(try SVCB(decoding: &reader, length: length))
        case .https: return .https(try SVCB(decoding: &reader, length: length))
        case .ds: return .ds(try DS(decoding: &reader, length: length))
        case .cds: return .cds(try DS(decoding: &reader, length: length))
        case .dnskey: return .dnskey(try DNSKEY(decoding: &reader, length: length))
        case .cdnskey: return .cdnskey(try DNSKEY(decoding: &reader, length: length))
        case .rrsig: return .rrsig(try RRSIG(decoding: &reader, length: length))
        case .nsec: return .nsec(try NSEC(decoding: &reader, length: length))
        case .nsec3: return .nsec3(try NSEC3(decoding: &reader, length: length))
        case .nsec3param: return .nsec3param(try NSEC3PARAM(decoding: &reader, length: length))
        default: return .unknown(try UnknownRData(type: type, decoding: &reader, length: length))
        }
    }

    /// Appends the RDATA. Compression applies only to the types RFC 3597 §4 allows it for.
    public func serialize(into writer: inout WireWriter, form: NameForm) {
        switch self {
        case .ns(let data), .cname(let data), .ptr(let data):
            data.serialize(into: &writer, form: form)
        case .dname(let data):
            // RFC 6672 §2.5: the DNAME target is never compressed.
            data.serialize(into: &writer, form: form == .compressed ? .uncompressed : form)
        // Every case is called directly rather than through `value`: a payload larger than an
        // existential's three-word inline buffer (SOA's is) would be boxed, one allocation per
        // record encoded. The switch is exhaustive so a new case cannot fall back to boxing.
        case .a(let data): data.serialize(into: &writer, form: form)
        case .aaaa(let data): data.serialize(into: &writer, form: form)
        case .soa(let data): data.serialize(into: &writer, form: form)
        case .mx(let data): data.serialize(into: &writer, form: form)
        case .txt(let data): data.serialize(into: &writer, form: form)
        case .hinfo(let data): data.serialize(into: &writer, form: form)
        case .srv(let data): data.serialize(into: &writer, form: form)
        case .naptr(let data): data.serialize(into: &writer, form: form)
        case .caa(let data): data.serialize(into: &writer, form: form)
        case .sshfp(let data): data.serialize(into: &writer, form: form)
        case .tlsa(let data): data.serialize(into: &writer, form: form)
        case .svcb(let data), .https(let data): data.serialize(into: &writer, form: form)
        case .ds(let data), .cds(let data): data.serialize(into: &writer, form: form)
        case .dnskey(let data), .cdnskey(let data): data.serialize(into: &writer, form: form)
        case .rrsig(let data): data.serialize(into: &writer, form: form)
        case .nsec(let data): data.serialize(into: &writer, form: form)
        case .nsec3(let data): data.serialize(into: &writer, form: form)
        case .nsec3param(let data): data.serialize(into: &writer, form: form)
        case .unknown(let data): data.serialize(into: &writer, form: form)
        }
    }

    /// Parses presentation RDATA, including the generic `\# length hex` form for any type.
    public init(type: RRType, fields: [TextField], origin: DNSName?) throws(TextError) {
        if let first = fields.first, first.text == "\\#", !first.isQuoted {
            let generic = try UnknownRData(type: type, fields: fields, origin: origin)
            // Known types given generically are decoded so that they compare and print normally.
            do {
                let data = generic.data
                self = try withWireReader(data) { (reader) throws(WireError) in
                    try RData(type: type, decoding: &reader, length: data.count)
                }
            } catch {
                throw TextError(field: 0, "generic RDATA is not valid \(type) data")
            }
            return
        }
        switch type {
        case .a: self = .a(try A(fields: fields, origin: origin))
        case .aaaa: self = .aaaa(try AAAA(fields: fields, origin: origin))
        case .ns: self = .ns(try NameRData(fields: fields, origin: origin))
        case .cname: self = .cname(try NameRData(fields: fields, origin: origin))
        case .ptr: self = .ptr(try NameRData(fields: fields, origin: origin))
        case .dname: self = .dname(try NameRData(fields: fields, origin: origin))
        case .soa: self = .soa(try SOA(fields: fields, origin: origin))
        case .mx: self = .mx(try MX(fields: fields, origin: origin))
        case .txt: self = .txt(try TXT(fields: fields, origin: origin))
        case .hinfo: self = .hinfo(try HINFO(fields: fields, origin: origin))
        case .srv: self = .srv(try SRV(fields: fields, origin: origin))
        case .naptr: self = .naptr(try NAPTR(fields: fields, origin: origin))
        case .caa: self = .caa(try CAA(fields: fields, origin: origin))
        case .sshfp: self = .sshfp(try SSHFP(fields: fields, origin: origin))
        case .tlsa: self = .tlsa(try TLSA(fields: fields, origin: origin))
        case .svcb: self = .svcb(try SVCB(fields: fields, origin: origin))
        case .https: self = .https(try SVCB(fields: fields, origin: origin))
        case .ds: self = .ds(try DS(fields: fields, origin: origin))
        case .cds: self = .cds(try DS(fields: fields, origin: origin))
        case .dnskey: self = .dnskey(try DNSKEY(fields: fields, origin: origin))
        case .cdnskey: self = .cdnskey(try DNSKEY(fields: fields, origin: origin))
        case .rrsig: self = .rrsig(try RRSIG(fields: fields, origin: origin))
        case .nsec: self = .nsec(try NSEC(fields: fields, origin: origin))
        case .nsec3: self = .nsec3(try NSEC3(fields: fields, origin: origin))
        case .nsec3param: self = .nsec3param(try NSEC3PARAM(fields: fields, origin: origin))
        default:
            throw TextError(field: 0, "type \(type) has no presentation format here; use \\# length hex")
        }
    }

    /// The RDATA in presentation format.
    public var text: String { value.text }

    /// The RDATA in uncompressed wire form.
    public var wire: [UInt8] {
        var writer = WireWriter(capacity: 64)
        serialize(into: &writer, form: .uncompressed)
        return writer.bytes
    }

    /// The RDATA in canonical wire form (RFC 4034 §6.2), for signing and canonical RR ordering.
    public var canonicalWire: [UInt8] {
        var writer = WireWriter(capacity: 64)
        serialize(into: &writer, form: .canonical)
        return writer.bytes
    }
}

extension RDataProtocol {
    /// The number of fields `fields` must have, with a message that names the type's syntax.
    static func expect(_ fields: [TextField], count: Int, _ syntax: String) throws(TextError) {
        guard fields.count == count else {
            throw TextError(
                field: fields.count > count ? count : nil,
                "expected \(syntax), found \(fields.count) field\(fields.count == 1 ? "" : "s")")
        }
    }
}

extension WireError {
    /// The same error with the RR type replaced, for decoders shared by several types.
    func reporting(type: RRType) -> WireError {
        switch self {
        case .badRDataLength(_, let offset): .badRDataLength(type: type.rawValue, at: offset)
        case .badRData(_, let offset): .badRData(type: type.rawValue, at: offset)
        default: self
        }
    }
}

/// Parses an unsigned integer field with a range check. Only ASCII digits: Swift's own parsing
/// would also take a sign.
func parseInteger<T: FixedWidthInteger & UnsignedInteger>(
    _ fields: [TextField], _ index: Int, _ what: String, as _: T.Type = T.self
) throws(TextError) -> T {
    guard index < fields.count, !fields[index].isQuoted, isAllDigits(fields[index].text),
        let value = T(fields[index].text)
    else {
        throw TextError(field: index, "expected \(what) (0 to \(T.max))")
    }
    return value
}

/// Parses a domain-name field relative to `origin` (`@` means the origin).
func parseName(_ fields: [TextField], _ index: Int, origin: DNSName?) throws(TextError) -> DNSName {
    guard index < fields.count else { throw TextError(field: index, "expected a domain name") }
    let text = fields[index].text
    if text == "@", !fields[index].isQuoted {
        guard let origin else { throw TextError(field: index, "@ used with no origin") }
        return origin
    }
    do {
        return try DNSName(text: text, origin: origin)
    } catch {
        throw TextError(field: index, error.message)
    }
}

extension WireWriter {
    /// Writes a name inside RDATA in the given form; `compressible` says whether the type allows
    /// compression and `lowercased` whether its canonical form lowercases names. A name that may
    /// not be compressed is not a compression target either (dnspython and Knot do not point into
    /// RRSIG signers or SRV targets), which also spares it the table lookups.
    @inlinable mutating func writeName(_ name: DNSName, form: NameForm, compressible: Bool, lowercased: Bool) {
        switch form {
        case .compressed: if compressible { writeName(name, compress: true) } else { writeNameWithoutTarget(name) }
        case .uncompressed: writeName(name, compress: false)
        case .canonical:
            if lowercased { writeCanonicalName(name) } else { writeBytes(name.wire) }
        }
    }
}
