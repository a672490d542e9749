/// Text strings (RFC 1035 §3.3.14): one or more character-strings, each at most 255 bytes.
public struct TXT: RDataProtocol {
    public var strings: [[UInt8]]

    public init(strings: [[UInt8]]) { self.strings = strings }

    public init(decoding reader: inout WireReader, length: Int) throws(WireError) {
        let end = reader.offset + length
        strings = []
        guard length > 0 else { throw .badRDataLength(type: RRType.txt.rawValue, at: reader.offset) }
        while reader.offset < end {
            let count = Int(try reader.readUInt8())
            guard reader.offset + count <= end else { throw .badRDataLength(type: RRType.txt.rawValue, at: end) }
            strings.append(try reader.readBytes(count))
        }
    }

    public func serialize(into writer: inout WireWriter, form: NameForm) {
        for string in strings {
            writer.writeUInt8(UInt8(string.count))
            writer.writeBytes(string)
        }
    }

    public init(fields: [TextField], origin: DNSName?) throws(TextError) {
        guard !fields.isEmpty else { throw TextError("expected at least one character-string") }
        var strings: [[UInt8]] = []
        for (index, field) in fields.enumerated() {
            strings.append(try field.characterString(field: index))
        }
        self.strings = strings
    }

    public var text: String { strings.map(\.quotedCharacterString).joined(separator: " ") }
}

/// Data of a type without a presentation format here, kept as bytes (RFC 3597).
public struct UnknownRData: RDataProtocol {
    public var type: RRType
    public var data: [UInt8]

    public init(type: RRType, data: [UInt8]) {
        self.type = type
        self.data = data
    }

    public init(type: RRType, decoding reader: inout WireReader, length: Int) throws(WireError) {
        self.type = type
        data = try reader.readBytes(length)
    }

    public init(decoding reader: inout WireReader, length: Int) throws(WireError) {
        try self.init(type: RRType(0), decoding: &reader, length: length)
    }

    public func serialize(into writer: inout WireWriter, form: NameForm) { writer.writeBytes(data) }

    /// `\# length hex...` (RFC 3597 §5); the hex may be split across fields.
    public init(type: RRType, fields: [TextField], origin: DNSName?) throws(TextError) {
        guard fields.count >= 2, fields[0].text == "\\#" else {
            throw TextError(field: 0, "expected \\# length hex")
        }
        guard let length = Int(fields[1].text), length >= 0, length <= 65535 else {
            throw TextError(field: 1, "expected the RDATA length after \\#")
        }
        guard let bytes = Base16.decode(fields.dropFirst(2).map(\.text).joined()) else {
            throw TextError(field: 2, "expected hexadecimal RDATA")
        }
        guard bytes.count == length else {
            throw TextError(field: 1, "\\# length \(length) does not match the \(bytes.count) bytes of data")
        }
        self.type = type
        self.data = bytes
    }

    public init(fields: [TextField], origin: DNSName?) throws(TextError) {
        try self.init(type: RRType(0), fields: fields, origin: origin)
    }

    public var text: String {
        data.isEmpty ? "\\# 0" : "\\# \(data.count) \(Base16.encode(data))"
    }
}
