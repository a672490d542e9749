/// Host information (RFC 1035 §3.3.2), which RFC 8482 also uses to answer ANY minimally.
public struct HINFO: RDataProtocol {
    public var cpu: [UInt8]
    public var os: [UInt8]

    public init(cpu: [UInt8], os: [UInt8]) {
        self.cpu = cpu
        self.os = os
    }

    public init(decoding reader: inout WireReader, length: Int) throws(WireError) {
        let end = reader.offset + length
        cpu = try reader.readLengthPrefixed(to: end, type: .hinfo)
        os = try reader.readLengthPrefixed(to: end, type: .hinfo)
    }

    public func serialize(into writer: inout WireWriter, form: NameForm) {
        writer.writeUInt8(UInt8(cpu.count))
        writer.writeBytes(cpu)
        writer.writeUInt8(UInt8(os.count))
        writer.writeBytes(os)
    }

    public init(fields: [TextField], origin: DNSName?) throws(TextError) {
        try Self.expect(fields, count: 2, "CPU and OS character-strings")
        cpu = try fields[0].characterString(field: 0)
        os = try fields[1].characterString(field: 1)
    }

    public var text: String { "\(cpu.quotedCharacterString) \(os.quotedCharacterString)" }
}
