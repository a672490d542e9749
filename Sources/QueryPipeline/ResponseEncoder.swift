import DNSSEC
import DNSWire
import DNSZone

/// Writes an `Answer` as the response to a decoded `Query`: plain, or signed when given the
/// zone's signer. One section loop for both; allocates nothing once warmed up.
///
/// The header echoes the query's ID, opcode, RD and CD; the question is copied from the query
/// packet, so the client's case comes back as sent (0x20-randomizing resolvers are satisfied),
/// and is written as a compression target, so every owner equal to the query name becomes a
/// pointer to it. `RecordWriter` writes the zone's records. With a signer, `DNSSECWriter` adds
/// each authoritative RRset's RRSIGs right after it and, after the authority section, the NSEC3
/// proofs or DS that each answer step needs (`DNSSECWriter+Proofs`): DNSSEC is a layer over plain
/// answering, and the proofs live apart from it. The three read the zone's and the signer's data
/// through `package` members of DNSZone and DNSSEC.
///
/// Size: answer and authority are written whole. Additional RRsets are optional data (RFC 2181
/// §9): one that would take the response past `room` is rolled back to the mark before it, and
/// the next is tried. If answer and authority alone do not fit, the caller cuts the response to
/// the question with `truncate` (a proof or RRSIG cannot be dropped on its own, RFC 4035
/// §3.1.1). The server appends OPT afterwards (patching ARCOUNT at offset 10).
public struct ResponseEncoder {
    var records: RecordWriter
    var dnssec: DNSSECWriter

    public init() {
        records = RecordWriter()
        dnssec = DNSSECWriter()
    }

    /// Where the sections of a written response start and end, and how many records each has.
    public struct ResponseLayout: Sendable {
        /// Right after the question: roll back here (with TC set and counts zeroed) to truncate.
        public var afterQuestion: WireWriter.Mark
        public var answerCount: UInt16
        public var authorityCount: UInt16
        public var additionalCount: UInt16
        /// Additional RRsets left out because they did not fit.
        public var additionalDropped: Int
    }

    /// The header flags bits copied from the query: opcode, RD and CD.
    static let echoedFlags: UInt16 = 0x7800 | Header.rdBit | Header.cdBit

    /// Resets `writer` and writes the response: header, the question as received in `packet`,
    /// then the sections, signed by `signer` if given (the caller passes it only for a DO query
    /// answered from that signer's zone). `query` must have been decoded from `packet`.
    @discardableResult
    public mutating func encode(
        _ answer: Answer, for query: Query, packet: UnsafeRawBufferPointer, signer: ZoneSigner? = nil,
        room: Int = .max, into writer: inout WireWriter
    ) -> ResponseLayout {
        writer.reset()
        records.reset()
        var flags = Header.qrBit | query.flags & ResponseEncoder.echoedFlags | answer.rcode.rawValue & 0xF
        if answer.authoritative { flags |= Header.aaBit }
        Header(id: query.id, flags: flags, questionCount: 1).serialize(into: &writer)
        let nameEnd = query.questionEnd - 4
        writer.writeName(wire: UnsafeRawBufferPointer(rebasing: packet[Header.size..<nameEnd]), compress: false)
        writer.writeBytes(UnsafeRawBufferPointer(rebasing: packet[nameEnd..<query.questionEnd]))
        let afterQuestion = writer.mark()
        guard let zone = answer.zone else {
            return ResponseLayout(
                afterQuestion: afterQuestion, answerCount: 0, authorityCount: 0, additionalCount: 0,
                additionalDropped: 0)
        }
        guard let signer else {
            return writeSections(answer, zone, room, afterQuestion, Unsigned(), into: &writer)
        }
        assert(signer.zone === zone, "a signer signs only its own zone")
        return writeSections(
            answer, zone, room, afterQuestion, Signed(signer: signer, now: signer.clock.now()), into: &writer)
    }

    /// The section loop, written once and specialised for plain and signed answers, so that a
    /// plain answer pays nothing for DNSSEC.
    @inline(__always)
    mutating func writeSections<S: Signing>(
        _ answer: Answer, _ zone: Zone, _ room: Int, _ afterQuestion: WireWriter.Mark, _ signing: S,
        into writer: inout WireWriter
    ) -> ResponseLayout {
        var layout = ResponseLayout(
            afterQuestion: afterQuestion, answerCount: 0, authorityCount: 0, additionalCount: 0, additionalDropped: 0)
        for item in answer.answer { layout.answerCount += write(item, answer, zone, signing, into: &writer) }
        for item in answer.authority { layout.authorityCount += write(item, answer, zone, signing, into: &writer) }
        layout.authorityCount += signing.writeProofs(answer, records: &records, dnssec: &dnssec, into: &writer)
        if writer.count > room {
            // Answer and authority do not fit: the caller truncates, additional data is moot.
            layout.additionalDropped = answer.additional.count
        } else {
            for item in answer.additional {
                let mark = writer.mark()
                let before = writer.count
                let count = write(item, answer, zone, signing, into: &writer)
                if writer.count > room {
                    writer.rollback(to: mark)
                    records.rolledBack(to: before)
                    layout.additionalDropped += 1
                } else {
                    layout.additionalCount += count
                }
            }
        }
        writer.patchUInt16(layout.answerCount, at: 6)
        writer.patchUInt16(layout.authorityCount, at: 8)
        writer.patchUInt16(layout.additionalCount, at: 10)
        return layout
    }

    /// Writes one RRset and, when signing, its RRSIGs; returns the number of records.
    @inline(__always)
    mutating func write<S: Signing>(
        _ item: AnswerRRset, _ answer: Answer, _ zone: Zone, _ signing: S, into writer: inout WireWriter
    ) -> UInt16 {
        let start = writer.count
        let count = records.write(item, answer, zone, into: &writer)
        return count + signing.writeRRSIGs(of: item, writtenAt: start, records: records, dnssec: &dnssec, into: &writer)
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
}

/// What the section loop adds for DNSSEC: nothing, or the signer's RRSIGs and proofs.
protocol Signing {
    func writeRRSIGs(
        of item: AnswerRRset, writtenAt start: Int, records: RecordWriter, dnssec: inout DNSSECWriter,
        into writer: inout WireWriter
    ) -> UInt16
    func writeProofs(
        _ answer: Answer, records: inout RecordWriter, dnssec: inout DNSSECWriter, into writer: inout WireWriter
    ) -> UInt16
}

/// A plain answer.
struct Unsigned: Signing {
    @inline(__always)
    func writeRRSIGs(
        of item: AnswerRRset, writtenAt start: Int, records: RecordWriter, dnssec: inout DNSSECWriter,
        into writer: inout WireWriter
    ) -> UInt16 { 0 }

    @inline(__always)
    func writeProofs(
        _ answer: Answer, records: inout RecordWriter, dnssec: inout DNSSECWriter, into writer: inout WireWriter
    ) -> UInt16 { 0 }
}

/// An answer signed by the zone's signer, at one instant.
struct Signed: Signing {
    let signer: ZoneSigner
    let now: Int64

    @inline(__always)
    func writeRRSIGs(
        of item: AnswerRRset, writtenAt start: Int, records: RecordWriter, dnssec: inout DNSSECWriter,
        into writer: inout WireWriter
    ) -> UInt16 {
        dnssec.writeRRSIGs(of: item, writtenAt: start, by: records, signer, now, into: &writer)
    }

    func writeProofs(
        _ answer: Answer, records: inout RecordWriter, dnssec: inout DNSSECWriter, into writer: inout WireWriter
    ) -> UInt16 {
        dnssec.reset()
        var count: UInt16 = 0
        for step in answer.steps.indices {
            count += dnssec.writeProofs(step: step, answer, signer, now, records: &records, into: &writer)
        }
        return count
    }
}
