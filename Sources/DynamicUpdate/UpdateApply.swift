import DNSWire

extension UpdateMessage {
    /// Checks the prerequisites against `records` (the zone as served, its data records): the
    /// first that fails gives the RCODE (RFC 2136 §3.2).
    public func checkPrerequisites(_ records: [ResourceRecord]) throws(UpdateFailure) {
        for prerequisite in prerequisites {
            switch prerequisite {
            case .nameInUse(let name):
                guard records.contains(where: { $0.name == name }) else {
                    throw UpdateFailure(.nxDomain, "\(name.text) has no records")
                }
            case .nameNotInUse(let name):
                guard !records.contains(where: { $0.name == name }) else {
                    throw UpdateFailure(UpdateRCode.yxDomain, "\(name.text) has records")
                }
            case .rrsetExists(let name, let type):
                guard records.contains(where: { $0.name == name && $0.type == type }) else {
                    throw UpdateFailure(UpdateRCode.nxRRset, "no \(type) RRset at \(name.text)")
                }
            case .rrsetDoesNotExist(let name, let type):
                guard !records.contains(where: { $0.name == name && $0.type == type }) else {
                    throw UpdateFailure(UpdateRCode.yxRRset, "a \(type) RRset exists at \(name.text)")
                }
            case .rrsetEquals(let name, let type, let data):
                let present = Set(records.lazy.filter { $0.name == name && $0.type == type }.map(\.data))
                guard present == Set(data) else {
                    throw UpdateFailure(UpdateRCode.nxRRset, "the \(type) RRset at \(name.text) differs")
                }
            }
        }
    }
}

extension UpdateOperation {
    /// Applies operations in order to a zone's records (RFC 2136 §3.4.2). The apex SOA and NS
    /// RRsets are never deleted whole, the last apex NS record is kept, an added SOA is ignored
    /// (the serial is the server's), and CNAME and other data do not mix (the later one is
    /// ignored, as §3.4.2.2 says).
    public static func apply(
        _ operations: [UpdateOperation], to records: [ResourceRecord], origin: DNSName
    )
        -> [ResourceRecord]
    {
        var records = records
        for operation in operations {
            switch operation {
            case .add(let record):
                guard record.type != .soa else { continue }
                let atName = records.filter { $0.name == record.name }
                if record.type == .cname && atName.contains(where: { $0.type != .cname }) { continue }
                if record.type != .cname && atName.contains(where: { $0.type == .cname }) { continue }
                if record.type == .cname { records.removeAll { $0.name == record.name && $0.type == .cname } }
                // The RRset takes the new TTL (one TTL per RRset, RFC 2181 §5.2), as BIND does.
                for index in records.indices
                where records[index].name == record.name && records[index].type == record.type {
                    records[index].ttl = record.ttl
                }
                if !records.contains(where: { $0.name == record.name && $0.data == record.data }) {
                    records.append(record)
                }
            case .deleteRRset(let name, let type):
                if name == origin && (type == .soa || type == .ns) { continue }
                records.removeAll { $0.name == name && $0.type == type }
            case .deleteName(let name):
                records.removeAll { record in
                    record.name == name && !(name == origin && (record.type == .soa || record.type == .ns))
                }
            case .deleteRecord(let target):
                if target.type == .soa { continue }
                if target.name == origin && target.type == .ns
                    && records.filter({ $0.name == origin && $0.type == .ns }).count <= 1
                {
                    continue
                }
                records.removeAll { $0.name == target.name && $0.type == target.type && $0.data == target.data }
            }
        }
        return records
    }
}

extension UpdateOperation {
    /// The update log's encoding: a tag, then an uncompressed record or a name and a type.
    func encode(into writer: inout WireWriter) {
        switch self {
        case .add(let record):
            writer.writeUInt8(1)
            record.serialize(into: &writer, form: .uncompressed)
        case .deleteRRset(let name, let type):
            writer.writeUInt8(2)
            writer.writeName(name, compress: false)
            writer.writeUInt16(type.rawValue)
        case .deleteName(let name):
            writer.writeUInt8(3)
            writer.writeName(name, compress: false)
        case .deleteRecord(let record):
            writer.writeUInt8(4)
            record.serialize(into: &writer, form: .uncompressed)
        }
    }

    static func decode(_ reader: inout WireReader) throws(WireError) -> UpdateOperation {
        let tag = try reader.readUInt8()
        switch tag {
        case 1: return .add(try ResourceRecord(decoding: &reader))
        case 2:
            let name = try reader.readName()
            return .deleteRRset(name, RRType(try reader.readUInt16()))
        case 3: return .deleteName(try reader.readName())
        case 4: return .deleteRecord(try ResourceRecord(decoding: &reader))
        default: throw .badRData(type: 0, at: reader.offset - 1)
        }
    }

    /// One logged update (its operations, in order) as bytes.
    public static func encoded(_ operations: [UpdateOperation]) -> [UInt8] {
        var writer = WireWriter(capacity: 256)
        writer.writeUInt32(UInt32(operations.count))
        for operation in operations { operation.encode(into: &writer) }
        return writer.bytes
    }

    /// Decodes what `encoded` wrote.
    public static func decoded(_ bytes: [UInt8]) throws(WireError) -> [UpdateOperation] {
        try withWireReader(bytes) { (reader) throws(WireError) in
            let count = Int(try reader.readUInt32())
            guard count <= reader.remaining else { throw .truncated(at: 0) }
            var operations: [UpdateOperation] = []
            for _ in 0..<count { operations.append(try decode(&reader)) }
            guard reader.isAtEnd else { throw .trailingData(at: reader.offset) }
            return operations
        }
    }
}
