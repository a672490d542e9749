/// Service location (RFC 2782).
public struct SRV: RDataProtocol {
    public var priority: UInt16
    public var weight: UInt16
    public var port: UInt16
    public var target: DNSName

    public init(priority: UInt16, weight: UInt16, port: UInt16, target: DNSName) {
        self.priority = priority
        self.weight = weight
        self.port = port
        self.target = target
    }

    public init(decoding reader: inout WireReader, length: Int) throws(WireError) {
        guard length >= 7 else { throw .badRDataLength(type: RRType.srv.rawValue, at: reader.offset) }
        priority = try reader.readUInt16()
        weight = try reader.readUInt16()
        port = try reader.readUInt16()
        target = try reader.readName()
    }

    /// RFC 2782 forbids compressing the target; RFC 4034 §6.2 lowercases it in canonical form.
    public func serialize(into writer: inout WireWriter, form: NameForm) {
        writer.writeUInt16(priority)
        writer.writeUInt16(weight)
        writer.writeUInt16(port)
        writer.writeName(target, form: form, compressible: false, lowercased: true)
    }

    public init(fields: [TextField], origin: DNSName?) throws(TextError) {
        try Self.expect(fields, count: 4, "priority weight port target")
        priority = try parseInteger(fields, 0, "a priority")
        weight = try parseInteger(fields, 1, "a weight")
        port = try parseInteger(fields, 2, "a port")
        target = try parseName(fields, 3, origin: origin)
    }

    public var text: String { "\(priority) \(weight) \(port) \(target.text)" }
}
