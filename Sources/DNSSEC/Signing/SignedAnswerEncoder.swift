import DNSWire
import DNSZone

/// Writes an `Answer` as a response with DNSSEC records for a query with the DO bit: each
/// authoritative RRset followed by its RRSIGs, and in authority the NSEC3 proofs the answer needs
/// (RFC 5155 §7.2), the DS of a signed delegation or the NSEC3 proving there is none.
///
/// A worker keeps one of these (it owns an `AnswerEncoder`, an NSEC3 hasher and small buffers)
/// instead of a plain `AnswerEncoder`. With the cache warm, encoding allocates nothing: signatures
/// are copied from the signer's cache, NSEC3 records from its chain (or, in narrow mode, written
/// from a hash computed on the stack).
public struct SignedAnswerEncoder {
    public var plain: AnswerEncoder
    let hasher: NSEC3Hasher
    /// Owner hashes of the NSEC3 records already in this response, to write each once.
    var written: [NSEC3Hash]
    /// Room for a name being built (a wildcard `*.<closest encloser>`) or copied.
    var scratch: [UInt8]
    /// Narrow-mode next closer covers, signed per query and kept here rather than in the shared
    /// cache (see `CoverRing`).
    var covers: CoverRing

    /// The numbers written per record: `RRType`'s and `RRClass`'s static members are read through
    /// an accessor call from outside DNSWire.
    static let classIN: UInt16 = 1
    static let typeRRSIG: UInt16 = 46
    static let typeNSEC3: UInt16 = 50

    public init() {
        plain = AnswerEncoder()
        hasher = NSEC3Hasher()
        written = []
        written.reserveCapacity(16)
        scratch = []
        scratch.reserveCapacity(DNSName.maxWireLength + 2)
        covers = CoverRing()
    }

    /// Resets `writer` and writes the response. Without the DO bit, without a signer, or for an
    /// answer from another zone than `signer.zone`, this is `AnswerEncoder.encode`.
    ///
    /// The layout's marks let the server truncate: rolling back to `afterAuthority` drops only
    /// additional data (with its RRSIGs); if answer and authority do not fit, the response must be
    /// cut to the question with TC set (`AnswerEncoder.truncate`), since RRSIGs and proofs cannot
    /// be dropped on their own (RFC 4035 §3.1.1).
    @discardableResult
    public mutating func encode(
        _ answer: Answer, for query: Query, packet: UnsafeRawBufferPointer, signer: ZoneSigner?,
        into writer: inout WireWriter
    ) -> AnswerEncoder.ResponseLayout {
        guard query.dnssecOK, let signer, let zone = answer.zone, zone === signer.zone else {
            return plain.encode(answer, for: query, packet: packet, into: &writer)
        }
        let now = signer.clock.now()
        let afterQuestion = plain.beginResponse(answer, for: query, packet: packet, into: &writer)
        var counts: (UInt16, UInt16, UInt16) = (0, 0, 0)
        for item in answer.answer { counts.0 += writeSigned(item, answer, signer, now, into: &writer) }
        let afterAnswer = writer.mark()
        for item in answer.authority { counts.1 += writeSigned(item, answer, signer, now, into: &writer) }
        written.removeAll(keepingCapacity: true)
        for step in answer.steps.indices { counts.1 += writeProofs(step: step, answer, signer, now, into: &writer) }
        let afterAuthority = writer.mark()
        for item in answer.additional { counts.2 += writeSigned(item, answer, signer, now, into: &writer) }
        writer.patchUInt16(counts.0, at: 6)
        writer.patchUInt16(counts.1, at: 8)
        writer.patchUInt16(counts.2, at: 10)
        return AnswerEncoder.ResponseLayout(
            afterQuestion: afterQuestion, afterAnswer: afterAnswer, afterAuthority: afterAuthority,
            answerCount: counts.0, authorityCount: counts.1, additionalCount: counts.2)
    }

    /// Writes one RRset and, if it is signed, its RRSIGs; returns the number of records.
    mutating func writeSigned(
        _ item: AnswerRRset, _ answer: Answer, _ signer: ZoneSigner, _ now: Int64, into writer: inout WireWriter
    ) -> UInt16 {
        let start = writer.count
        var count = plain.write(item, answer, signer.zone, into: &writer)
        // A CNAME synthesized from a DNAME is not signed (RFC 6672 §5.3.1).
        guard case .rrset(let index) = item.content, let entry = signer.signatures(rrset: index, now: now) else {
            return count
        }
        // Where the owner's name is (not a pointer to it), as `plain` remembers it.
        let ownerAt = plain.lastOwnerAt >= 0 ? plain.lastOwnerAt : start
        count += writeRRSIGs(entry, ownerAt: ownerAt, ttl: item.ttl, into: &writer)
        return count
    }

    /// Writes the RRSIG records of `entry`, each owned by the name written at `ownerAt` (a
    /// compression pointer to it), with `ttl`.
    mutating func writeRRSIGs(
        _ entry: SignatureEntry, ownerAt: Int, ttl: UInt32, into writer: inout WireWriter
    ) -> UInt16 {
        entry.records.withUnsafeBytes { records in
            var offset = 0
            while offset < records.count {
                let end = offset + 2 + (Int(records[offset]) << 8 | Int(records[offset + 1]))
                let data = UnsafeRawBufferPointer(rebasing: records[offset..<end])
                if ownerAt < 0x4000 {
                    // One append: owner pointer, TYPE, CLASS, TTL, RDLENGTH and the cached RDATA.
                    writer.writeRecord(
                        ownerAt: ownerAt, type: SignedAnswerEncoder.typeRRSIG, class: SignedAnswerEncoder.classIN,
                        ttl: ttl,
                        lengthAndData: data)
                } else {
                    copyName(at: ownerAt, from: writer.bytes)
                    writer.writeName(wire: scratch, compress: true)
                    writer.writeRecordBody(
                        type: SignedAnswerEncoder.typeRRSIG, class: SignedAnswerEncoder.classIN, ttl: ttl,
                        lengthAndData: data)
                }
                offset = end
            }
        }
        return entry.count
    }

    /// Expands the (possibly compressed) name at `offset` of a message into `scratch`.
    mutating func copyName(at offset: Int, from message: [UInt8]) {
        scratch.removeAll(keepingCapacity: true)
        var cursor = offset
        while true {
            let length = message[cursor]
            if length & 0xC0 == 0xC0 {
                cursor = Int(length & 0x3F) << 8 | Int(message[cursor + 1])
                continue
            }
            scratch.append(length)
            if length == 0 { return }
            scratch.append(contentsOf: message[(cursor + 1)...(cursor + Int(length))])
            cursor += 1 + Int(length)
        }
    }
}
