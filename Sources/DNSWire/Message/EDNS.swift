/// The EDNS(0) pseudo-record's contents (RFC 6891 §6.1), decoded out of the OPT record.
public struct EDNS: Hashable, Sendable {
    /// The requestor's (or our) UDP payload size.
    public var udpPayloadSize: UInt16
    /// The upper eight bits of the 12-bit response code.
    public var extendedRCode: UInt8
    public var version: UInt8
    /// The DO bit (RFC 3225): the client wants DNSSEC records.
    public var dnssecOK: Bool
    /// The Z flags other than DO, kept so they round-trip.
    public var otherFlags: UInt16
    /// Options in the order received; COOKIE and unknown ones alike are kept as bytes.
    public var options: [Option]

    public struct Option: Hashable, Sendable {
        public var code: UInt16
        public var data: [UInt8]
        public init(code: UInt16, data: [UInt8]) {
            self.code = code
            self.data = data
        }
        public static let nsid: UInt16 = 3
        public static let clientSubnet: UInt16 = 8
        public static let cookie: UInt16 = 10
        public static let padding: UInt16 = 12
    }

    public init(
        udpPayloadSize: UInt16 = 1232, extendedRCode: UInt8 = 0, version: UInt8 = 0, dnssecOK: Bool = false,
        otherFlags: UInt16 = 0, options: [Option] = []
    ) {
        self.udpPayloadSize = udpPayloadSize
        self.extendedRCode = extendedRCode
        self.version = version
        self.dnssecOK = dnssecOK
        self.otherFlags = otherFlags
        self.options = options
    }

    /// Decodes the fields after the OPT record's owner name and type.
    init(decodingAfterType reader: inout WireReader) throws(WireError) {
        udpPayloadSize = try reader.readUInt16()
        extendedRCode = try reader.readUInt8()
        version = try reader.readUInt8()
        let flags = try reader.readUInt16()
        dnssecOK = flags & 0x8000 != 0
        otherFlags = flags & 0x7FFF
        let length = Int(try reader.readUInt16())
        guard length <= reader.remaining else { throw .truncated(at: reader.offset) }
        let end = reader.offset + length
        options = []
        while reader.offset < end {
            let code = try reader.readUInt16()
            let optionLength = Int(try reader.readUInt16())
            guard reader.offset + optionLength <= end else { throw .badRDataLength(type: 41, at: reader.offset) }
            options.append(Option(code: code, data: try reader.readBytes(optionLength)))
        }
    }

    /// Writes the whole OPT record: root owner, type 41, then the fields.
    public func serialize(into writer: inout WireWriter) {
        // Root owner, TYPE, CLASS (payload size), TTL (extended RCODE, version, flags), RDLENGTH 0.
        let fields = (udpPayloadSize, extendedRCode, version, (dnssecOK ? 0x8000 : 0) | otherFlags)
        writer.writeRaw(count: 11) { out in
            out.storeBytes(of: 0, as: UInt8.self)
            out.storeBytes(of: UInt16(41).bigEndian, toByteOffset: 1, as: UInt16.self)
            out.storeBytes(of: fields.0.bigEndian, toByteOffset: 3, as: UInt16.self)
            out.storeBytes(of: fields.1, toByteOffset: 5, as: UInt8.self)
            out.storeBytes(of: fields.2, toByteOffset: 6, as: UInt8.self)
            out.storeBytes(of: fields.3.bigEndian, toByteOffset: 7, as: UInt16.self)
            out.storeBytes(of: 0, toByteOffset: 9, as: UInt16.self)
        }
        let lengthAt = writer.count - 2
        for option in options {
            writer.writeUInt16(option.code)
            writer.writeUInt16(UInt16(option.data.count))
            writer.writeBytes(option.data)
        }
        writer.patchUInt16(UInt16(writer.count - lengthAt - 2), at: lengthAt)
    }
}
