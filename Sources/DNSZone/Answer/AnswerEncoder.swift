import DNSWire

/// Writes an `Answer` as the response to a decoded `Query`, allocating nothing once warmed up.
///
/// A worker keeps one encoder (it owns a name buffer) and one `WireWriter`. The question is copied
/// from the query packet, so the client's case comes back as sent (and 0x20-randomizing resolvers
/// are satisfied); it is written as a compression target, so every owner equal to the query name
/// becomes a pointer to it. Names inside NS, CNAME, PTR, MX and SOA RDATA are compressed (RFC 3597
/// §4 allows it for those types only); all other RDATA is copied from the RRset's pre-encoded wire
/// form.
///
/// The server adds EDNS and truncation on top: it appends OPT after `encode` returns (patching
/// ARCOUNT at offset 10), and uses the marks in `ResponseLayout` to cut the response back.
public struct AnswerEncoder {
    var scratch: [UInt8]
    var lastOwner: AnswerRRset.Owner
    /// Where the name of the last RRset's owner is in this response (the offset a pointer to it
    /// carries: never a pointer itself), or -1: an RRset's second record and its RRSIGs (the
    /// DNSSEC layer writes them right after it) point there without looking the name up.
    public private(set) var lastOwnerAt: Int

    public init() {
        scratch = []
        scratch.reserveCapacity(DNSName.maxWireLength)
        lastOwner = .node(-1)
        lastOwnerAt = -1
    }

    /// Where the sections of a written response start and end, and how many records each has.
    public struct ResponseLayout: Sendable {
        /// Right after the question: roll back here (with TC set and counts zeroed) to truncate.
        public var afterQuestion: WireWriter.Mark
        /// After the answer section.
        public var afterAnswer: WireWriter.Mark
        /// After the authority section: rolling back here drops only additional data.
        public var afterAuthority: WireWriter.Mark
        public var answerCount: UInt16
        public var authorityCount: UInt16
        public var additionalCount: UInt16

        /// For encoders layered on this one (the DNSSEC signer), which write sections themselves.
        public init(
            afterQuestion: WireWriter.Mark, afterAnswer: WireWriter.Mark, afterAuthority: WireWriter.Mark,
            answerCount: UInt16, authorityCount: UInt16, additionalCount: UInt16
        ) {
            self.afterQuestion = afterQuestion
            self.afterAnswer = afterAnswer
            self.afterAuthority = afterAuthority
            self.answerCount = answerCount
            self.authorityCount = authorityCount
            self.additionalCount = additionalCount
        }
    }

    /// Cuts a written response back to its header and question and sets TC: what a UDP response
    /// that does not fit becomes (RFC 2181 §9). The server appends OPT afterwards if it has one.
    public static func truncate(_ writer: inout WireWriter, to layout: ResponseLayout) {
        writer.rollback(to: layout.afterQuestion)
        let flags = UInt16(writer.bytes[2]) << 8 | UInt16(writer.bytes[3])
        writer.patchUInt16(flags | Header.tcBit, at: 2)
        writer.patchUInt16(0, at: 6)
        writer.patchUInt16(0, at: 8)
        writer.patchUInt16(0, at: 10)
    }

    /// CLASS IN and TYPE CNAME as numbers: `RRClass.in` and `RRType.cname` are read through an
    /// accessor call from outside DNSWire, once per record here.
    static let classIN: UInt16 = 1
    static let typeCNAME: UInt16 = 5

    /// The header flags bits copied from the query: opcode, RD and CD.
    static let echoedFlags: UInt16 = 0x7800 | Header.rdBit | Header.cdBit

    /// Resets `writer` and writes the header (all counts zero but the question's) and the question
    /// as received; returns the mark after it. `encode` starts with this; the DNSSEC layer calls it
    /// and then writes the sections itself with `write(_:_:_:into:)`, interleaving signatures.
    public mutating func beginResponse(
        _ answer: Answer, for query: Query, packet: UnsafeRawBufferPointer, into writer: inout WireWriter
    ) -> WireWriter.Mark {
        writer.reset()
        lastOwnerAt = -1
        var flags = Header.qrBit | query.flags & AnswerEncoder.echoedFlags | answer.rcode.rawValue & 0xF
        if answer.authoritative { flags |= Header.aaBit }
        Header(id: query.id, flags: flags, questionCount: 1).serialize(into: &writer)
        let nameEnd = query.questionEnd - 4
        writer.writeName(wire: UnsafeRawBufferPointer(rebasing: packet[Header.size..<nameEnd]), compress: false)
        writer.writeBytes(UnsafeRawBufferPointer(rebasing: packet[nameEnd..<query.questionEnd]))
        return writer.mark()
    }

    /// Resets `writer` and writes the whole response: header (the query's ID, opcode, RD and CD;
    /// QR; AA and RCODE from `answer`), the question as received in `packet`, then the sections.
    /// `query` must have been decoded from `packet`.
    @discardableResult
    public mutating func encode(
        _ answer: Answer, for query: Query, packet: UnsafeRawBufferPointer, into writer: inout WireWriter
    ) -> ResponseLayout {
        let afterQuestion = beginResponse(answer, for: query, packet: packet, into: &writer)
        var counts: (UInt16, UInt16, UInt16) = (0, 0, 0)
        if let zone = answer.zone {
            for item in answer.answer { counts.0 += write(item, answer, zone, into: &writer) }
            let afterAnswer = writer.mark()
            for item in answer.authority { counts.1 += write(item, answer, zone, into: &writer) }
            let afterAuthority = writer.mark()
            for item in answer.additional { counts.2 += write(item, answer, zone, into: &writer) }
            writer.patchUInt16(counts.0, at: 6)
            writer.patchUInt16(counts.1, at: 8)
            writer.patchUInt16(counts.2, at: 10)
            return ResponseLayout(
                afterQuestion: afterQuestion, afterAnswer: afterAnswer, afterAuthority: afterAuthority,
                answerCount: counts.0, authorityCount: counts.1, additionalCount: counts.2)
        }
        return ResponseLayout(
            afterQuestion: afterQuestion, afterAnswer: afterQuestion, afterAuthority: afterQuestion,
            answerCount: 0, authorityCount: 0, additionalCount: 0)
    }

    /// Writes the records of one answer RRset; returns how many. Public for the DNSSEC layer, which
    /// writes each RRset's signatures right after it.
    ///
    /// A record is written in at most two appends: its owner (a lookup in the compression table
    /// only for the RRset's first record, and only when the owner differs from the last RRset's),
    /// then TYPE, CLASS, TTL and the pre-encoded RDLENGTH and RDATA together; later records are one
    /// append each, owner pointer included.
    public mutating func write(
        _ item: AnswerRRset, _ answer: Answer, _ zone: Zone, into writer: inout WireWriter
    ) -> UInt16 {
        switch item.content {
        case .synthesizedCNAME(let target):
            writeOwner(item.owner, answer, zone, into: &writer)
            let lengthAt = writer.writeRecordHeader(
                type: AnswerEncoder.typeCNAME, class: AnswerEncoder.classIN, ttl: item.ttl)
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
                    let lengthAt = writer.writeRecordHeader(type: type, class: AnswerEncoder.classIN, ttl: item.ttl)
                    AnswerEncoder.writeCompressed(&records[index], into: &writer)
                    writer.patchUInt16(UInt16(writer.count - lengthAt - 2), at: lengthAt)
                }
            }
        } else {
            set.wire.withUnsafeBytes { wire in
                var offset = 0
                while offset < wire.count {
                    let end = offset + 2 + (Int(wire[offset]) << 8 | Int(wire[offset + 1]))
                    let data = UnsafeRawBufferPointer(rebasing: wire[offset..<end])
                    writeRecord(item, type: type, data, answer, zone, into: &writer)
                    offset = end
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
                ownerAt: lastOwnerAt, type: type, class: AnswerEncoder.classIN, ttl: item.ttl,
                lengthAndData: lengthAndData)
        } else {
            writeOwner(item.owner, answer, zone, into: &writer)
            writer.writeRecordBody(
                type: type, class: AnswerEncoder.classIN, ttl: item.ttl, lengthAndData: lengthAndData)
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
                AnswerEncoder.writeName(of: &nodes[node], into: &writer)
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
