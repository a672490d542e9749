/// One resource record: owner, type, class, TTL and data.
public struct ResourceRecord: Hashable, Sendable {
    public var name: DNSName
    public var rrClass: RRClass
    public var ttl: UInt32
    public var data: RData

    public var type: RRType { data.type }

    public init(name: DNSName, rrClass: RRClass = .in, ttl: UInt32, data: RData) {
        self.name = name
        self.rrClass = rrClass
        self.ttl = ttl
        self.data = data
    }

    /// Decodes one record (not OPT: the message decoder takes that out first).
    public init(decoding reader: inout WireReader) throws(WireError) {
        name = try reader.readName()
        let type = RRType(try reader.readUInt16())
        rrClass = RRClass(try reader.readUInt16())
        ttl = try reader.readUInt32()
        let length = Int(try reader.readUInt16())
        data = try RData(type: type, decoding: &reader, length: length)
    }

    /// Appends the record, RDLENGTH computed after the data is written.
    public func serialize(into writer: inout WireWriter, form: NameForm = .compressed) {
        switch form {
        case .compressed: writer.writeName(name, compress: true)
        case .uncompressed: writer.writeName(name, compress: false)
        case .canonical: writer.writeCanonicalName(name)
        }
        let lengthAt = writer.writeRecordHeader(type: type.rawValue, class: rrClass.rawValue, ttl: ttl)
        data.serialize(into: &writer, form: form)
        writer.patchUInt16(UInt16(writer.count - lengthAt - 2), at: lengthAt)
    }

    /// Appends TYPE, CLASS, TTL, RDLENGTH and RDATA: the record but its owner. `record` is `inout`
    /// only so that it is borrowed in place rather than copied (see `Message.serialize`); it is
    /// not changed.
    static func serializeAfterOwner(_ record: inout ResourceRecord, into writer: inout WireWriter, form: NameForm) {
        let lengthAt = writer.writeRecordHeader(
            type: record.data.type.rawValue, class: record.rrClass.rawValue, ttl: record.ttl)
        record.data.serialize(into: &writer, form: form)
        writer.patchUInt16(UInt16(writer.count - lengthAt - 2), at: lengthAt)
    }

    /// The record as a zone-file line: `owner TTL class type rdata`.
    public var text: String { "\(name.text) \(ttl) \(rrClass) \(type) \(data.text)" }
}

/// One entry of the question section.
public struct Question: Hashable, Sendable {
    public var name: DNSName
    public var type: RRType
    public var qclass: RRClass

    public init(name: DNSName, type: RRType, qclass: RRClass = .in) {
        self.name = name
        self.type = type
        self.qclass = qclass
    }

    public init(decoding reader: inout WireReader) throws(WireError) {
        name = try reader.readName()
        type = RRType(try reader.readUInt16())
        qclass = RRClass(try reader.readUInt16())
    }

    public func serialize(into writer: inout WireWriter) {
        writer.writeName(name, compress: true)
        writer.writeUInt16(type.rawValue)
        writer.writeUInt16(qclass.rawValue)
    }
}
