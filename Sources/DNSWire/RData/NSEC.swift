/// Authenticated denial of existence (RFC 4034 §4): the next owner name and the types present.
public struct NSEC: RDataProtocol {
    /// Kept in its original case even in canonical form: RFC 6840 §5.1 removed NSEC from the
    /// lowercase list of RFC 4034 §6.2.
    public var next: DNSName
    public var types: TypeBitmap

    public init(next: DNSName, types: TypeBitmap) {
        self.next = next
        self.types = types
    }

    public init(decoding reader: inout WireReader, length: Int) throws(WireError) {
        let end = reader.offset + length
        next = try reader.readName()
        let bitmapAt = reader.offset
        types = try TypeBitmap(wire: try reader.readRest(to: end, type: .nsec), type: .nsec, at: bitmapAt)
    }

    public func serialize(into writer: inout WireWriter, form: NameForm) {
        writer.writeName(next, form: form, compressible: false, lowercased: false)
        writer.writeBytes(types.wire)
    }

    public init(fields: [TextField], origin: DNSName?) throws(TextError) {
        guard !fields.isEmpty else { throw TextError("expected the next domain name and a list of types") }
        next = try parseName(fields, 0, origin: origin)
        types = try TypeBitmap(fields: fields, from: 1)
    }

    public var text: String { types.isEmpty ? next.text : "\(next.text) \(types.text)" }
}
