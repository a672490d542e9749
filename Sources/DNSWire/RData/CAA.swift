/// Certification authority authorization (RFC 8659 §4.1).
public struct CAA: RDataProtocol {
    /// Bit 0x80 is Issuer Critical; the others are reserved but kept.
    public var flags: UInt8
    /// The property tag, e.g. `issue`: 1 to 255 ASCII letters and digits.
    public var tag: [UInt8]
    /// The property value: everything after the tag, with no length of its own.
    public var value: [UInt8]

    public init(flags: UInt8, tag: [UInt8], value: [UInt8]) {
        self.flags = flags
        self.tag = tag
        self.value = value
    }

    public var isCritical: Bool { flags & 0x80 != 0 }

    public init(decoding reader: inout WireReader, length: Int) throws(WireError) {
        let end = reader.offset + length
        guard length >= 2 else { throw .badRDataLength(type: RRType.caa.rawValue, at: reader.offset) }
        flags = try reader.readUInt8()
        let tagAt = reader.offset
        tag = try reader.readLengthPrefixed(to: end, type: .caa)
        guard !tag.isEmpty, tag.allSatisfy(CAA.isTagByte) else { throw .badRData(type: RRType.caa.rawValue, at: tagAt) }
        value = try reader.readRest(to: end, type: .caa)
    }

    public func serialize(into writer: inout WireWriter, form: NameForm) {
        writer.writeUInt8(flags)
        writer.writeUInt8(UInt8(tag.count))
        writer.writeBytes(tag)
        writer.writeBytes(value)
    }

    /// `flags tag "value"`; the value may be unquoted and is not limited to 255 bytes.
    public init(fields: [TextField], origin: DNSName?) throws(TextError) {
        try Self.expect(fields, count: 3, "flags tag \"value\"")
        flags = try parseInteger(fields, 0, "CAA flags")
        tag = Array(fields[1].text.utf8)
        guard !fields[1].isQuoted, (1...255).contains(tag.count), tag.allSatisfy(CAA.isTagByte) else {
            throw TextError(field: 1, "expected a CAA tag of ASCII letters and digits, like issue")
        }
        value = try fields[2].unescaped(field: 2)
        guard value.count <= 65535 - 2 - tag.count else { throw TextError(field: 2, "CAA value too long") }
    }

    public var text: String { "\(flags) \(String(decoding: tag, as: UTF8.self)) \(value.quotedCharacterString)" }

    static func isTagByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20) &- UInt8(ascii: "a") < 26
    }
}
