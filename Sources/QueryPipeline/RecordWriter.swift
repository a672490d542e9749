import DNSSEC
import DNSWire
import DNSZone

/// Writes the records of an answer's RRsets into a response, allocating nothing once warmed up.
///
/// `ResponseEncoder` owns one per worker, writes the header and question,
/// then calls `write(_:_:_:into:)` once per RRset, section by section. Owner names are compressed
/// against everything already written; names inside NS, CNAME, PTR, MX and SOA RDATA are
/// compressed too (RFC 3597 §4 allows it for those types only); all other RDATA is copied from
/// the RRset's pre-encoded wire form.
struct RecordWriter {
    var scratch: [UInt8]
    var lastOwner: AnswerRRset.Owner
    /// Where the name of the last RRset's owner is in this response (the offset a pointer to it
    /// carries: never a pointer itself), or -1: an RRset's second record and its RRSIGs (the
    /// DNSSEC writer puts them right after it) point there without looking the name up.
    private(set) var lastOwnerAt: Int

    init() {
        scratch = []
        scratch.reserveCapacity(DNSName.maxWireLength)
        lastOwner = .node(-1)
        lastOwnerAt = -1
    }

    /// Forgets the remembered owner: a new response starts.
    mutating func reset() { lastOwnerAt = -1 }

    /// Forgets the remembered owner if it was written at or after `offset`: the response was
    /// rolled back there.
    mutating func rolledBack(to offset: Int) {
        if lastOwnerAt >= offset { lastOwnerAt = -1 }
    }

    /// CLASS IN and TYPE CNAME as numbers: `RRClass.in` and `RRType.cname` are read through an
    /// accessor call from outside DNSWire, once per record here.
    static let classIN: UInt16 = 1
    static let typeCNAME: UInt16 = 5

    /// Writes the records of one answer RRset; returns how many.
    ///
    /// A record is written in at most two appends: its owner (a lookup in the compression table
    /// only for the RRset's first record, and only when the owner differs from the last RRset's),
    /// then TYPE, CLASS, TTL and the pre-encoded RDLENGTH and RDATA together; later records are one
    /// append each, owner pointer included.
    mutating func write(
        _ item: AnswerRRset, _ answer: Answer, _ zone: Zone, into writer: inout WireWriter
    ) -> UInt16 {
        switch item.content {
        case .synthesizedCNAME(let target):
            writeOwner(item.owner, answer, zone, into: &writer)
            let lengthAt = writer.writeRecordHeader(
                type: RecordWriter.typeCNAME, class: RecordWriter.classIN, ttl: item.ttl)
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: answer.names[target])
            writer.writeName(wire: scratch, compress: true)
            writer.patchUInt16(UInt16(writer.count - lengthAt - 2), at: lengthAt)
            return 1
        case .rrset(let index):
            return zone.rrsets.withUnsafeBufferPointer { sets in
                // `inout` through a pointer never written through: borrowed in place, where a read
                // through `UnsafePointer` copied the RRset's arrays (see `Message.serialize`).
                let set = UnsafeMutablePointer(mutating: sets.baseAddress! + index)
                return write(&set.pointee, item, answer, zone, into: &writer)
            }
        }
    }

    /// Writes the records of `set` for `item`; `set` is `inout` only to be borrowed in place.
    mutating func write(
        _ set: inout RRset, _ item: AnswerRRset, _ answer: Answer, _ zone: Zone, into writer: inout WireWriter
    ) -> UInt16 {
        let type = set.type.rawValue
        if set.hasCompressibleNames {
            set.decoded.withUnsafeBufferPointer { records in
                guard let base = records.baseAddress else { return }
                let count = records.count
                let records = UnsafeMutablePointer(mutating: base)
                for index in 0..<count {
                    writeOwner(item.owner, answer, zone, into: &writer)
                    let lengthAt = writer.writeRecordHeader(type: type, class: RecordWriter.classIN, ttl: item.ttl)
                    RecordWriter.writeCompressed(&records[index], into: &writer)
                    writer.patchUInt16(UInt16(writer.count - lengthAt - 2), at: lengthAt)
                }
            }
        } else {
            set.wire.withUnsafeBytes { wire in
                for record in LengthPrefixedItems(wire) {
                    writeRecord(
                        item, type: type, UnsafeRawBufferPointer(rebasing: wire[record]), answer, zone, into: &writer)
                }
            }
        }
        return UInt16(truncatingIfNeeded: set.count)
    }

    /// Writes a record of `item` whose RDLENGTH and RDATA are `lengthAndData`.
    @inline(__always)
    mutating func writeRecord(
        _ item: AnswerRRset, type: UInt16, _ lengthAndData: UnsafeRawBufferPointer, _ answer: Answer, _ zone: Zone,
        into writer: inout WireWriter
    ) {
        if lastOwnerAt >= 0 && lastOwner == item.owner {
            writer.writeRecord(
                ownerAt: lastOwnerAt, type: type, class: RecordWriter.classIN, ttl: item.ttl,
                lengthAndData: lengthAndData)
        } else {
            writeOwner(item.owner, answer, zone, into: &writer)
            writer.writeRecordBody(
                type: type, class: RecordWriter.classIN, ttl: item.ttl, lengthAndData: lengthAndData)
        }
    }

    /// Writes `owner` (a pointer to the last owner when it is the same) and remembers where it is.
    mutating func writeOwner(_ owner: AnswerRRset.Owner, _ answer: Answer, _ zone: Zone, into writer: inout WireWriter)
    {
        if lastOwnerAt >= 0 && lastOwner == owner {
            writer.writeUInt16(0xC000 | UInt16(truncatingIfNeeded: lastOwnerAt))
            return
        }
        let start = writer.count
        switch owner {
        case .node(let node):
            zone.nodes.withUnsafeBufferPointer { nodes in
                let nodes = UnsafeMutablePointer(mutating: nodes.baseAddress!)
                RecordWriter.writeName(of: &nodes[node], into: &writer)
            }
        case .step(let step):
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: answer.names[answer.steps[step].name])
            writer.writeName(wire: scratch, compress: true)
        }
        // Where the name is: here, or where the pointer written here points. The root is one byte,
        // shorter than a pointer to it: never pointed at.
        let at = writer.bytes.withUnsafeBufferPointer { bytes in
            if bytes[start] == 0 { return -1 }
            return bytes[start] & 0xC0 == 0xC0 ? Int(bytes[start] & 0x3F) << 8 | Int(bytes[start + 1]) : start
        }
        lastOwner = owner
        lastOwnerAt = at < 0x4000 ? at : -1
    }

    /// RDATA of the types with compressible names, written field by field. Matching the cases
    /// here, rather than calling `RData.serialize`, avoids boxing an SOA in an existential.
    /// Writes a node's name; `inout` only so that it is not copied (a retain and a release).
    static func writeName(of node: inout ZoneNode, into writer: inout WireWriter) { writer.writeName(node.name) }

    /// `data` is `inout` only to be borrowed in place; it is not changed.
    static func writeCompressed(_ data: inout RData, into writer: inout WireWriter) {
        switch data {
        case .ns(let name), .cname(let name), .ptr(let name):
            writer.writeName(name.target)
        case .mx(let mx):
            writer.writeUInt16(mx.preference)
            writer.writeName(mx.exchange)
        case .soa(let soa):
            writer.writeName(soa.mname)
            writer.writeName(soa.rname)
            soa.writeTimers(into: &writer)
        default:
            data.serialize(into: &writer, form: .uncompressed)
        }
    }
}
