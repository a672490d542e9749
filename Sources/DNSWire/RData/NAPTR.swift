/// Naming authority pointer (RFC 3403 §4.1).
public struct NAPTR: RDataProtocol {
    public var order: UInt16
    public var preference: UInt16
    public var flags: [UInt8]
    public var services: [UInt8]
    public var regexp: [UInt8]
    /// Never compressed (RFC 3403 §4.1); lowercased in canonical form (RFC 4034 §6.2).
    public var replacement: DNSName

    public init(
        order: UInt16, preference: UInt16, flags: [UInt8], services: [UInt8], regexp: [UInt8], replacement: DNSName
    ) {
        self.order = order
        self.preference = preference
        self.flags = flags
        self.services = services
        self.regexp = regexp
        self.replacement = replacement
    }

    public init(decoding reader: inout WireReader, length: Int) throws(WireError) {
        let end = reader.offset + length
        try reader.require(7, before: end, type: .naptr)
        order = try reader.readUInt16()
        preference = try reader.readUInt16()
        flags = try reader.readLengthPrefixed(to: end, type: .naptr)
        services = try reader.readLengthPrefixed(to: end, type: .naptr)
        regexp = try reader.readLengthPrefixed(to: end, type: .naptr)
        replacement = try reader.readName()
    }

    public func serialize(into writer: inout WireWriter, form: NameForm) {
        writer.writeUInt16(order)
        writer.writeUInt16(preference)
        for string in [flags, services, regexp] {
            writer.writeUInt8(UInt8(string.count))
            writer.writeBytes(string)
        }
        writer.writeName(replacement, form: form, compressible: false, lowercased: true)
    }

    public init(fields: [TextField], origin: DNSName?) throws(TextError) {
        try Self.expect(fields, count: 6, "order preference \"flags\" \"services\" \"regexp\" replacement")
        order = try parseInteger(fields, 0, "an order")
        preference = try parseInteger(fields, 1, "a preference")
        flags = try fields[2].characterString(field: 2)
        services = try fields[3].characterString(field: 3)
        regexp = try fields[4].characterString(field: 4)
        replacement = try parseName(fields, 5, origin: origin)
    }

    public var text: String {
        "\(order) \(preference) \(flags.quotedCharacterString) \(services.quotedCharacterString) "
            + "\(regexp.quotedCharacterString) \(replacement.text)"
    }
}
