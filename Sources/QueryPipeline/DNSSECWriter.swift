import DNSSEC
import DNSWire
import DNSZone

/// The DNSSEC records of a response to a query with the DO bit: each authoritative RRset's
/// RRSIGs, and the proofs of how each answer step was resolved (`DNSSECWriter+Proofs`).
///
/// `ResponseEncoder` owns one per worker and calls it between the plain
/// records it writes: `writeRRSIGs` right after an RRset, `writeProofs` after the authority
/// section. With the cache warm this allocates nothing: signatures are copied from the signer's
/// cache, NSEC3 records from its chain (or, in narrow mode, written from a hash computed on the
/// stack).
struct DNSSECWriter {
    let hasher: NSEC3Hasher
    /// Owner hashes of the NSEC3 records already in this response, to write each once.
    var written: [NSEC3Hash]
    /// Room for a name being built (a wildcard `*.<closest encloser>`) or copied.
    var scratch: [UInt8]
    /// Narrow-mode next closer covers, signed per query and kept here rather than in the shared
    /// cache (see `CoverRing`).
    var covers: CoverRing
    /// Whether this response may make signatures no cache holds (the stages' signing budget).
    var freshAllowed = true
    /// Fresh signatures made for this response, and whether one was needed but not allowed (the
    /// response is then cut to TC=1).
    var freshSigned = 0
    var freshRefused = false

    /// The numbers written per record: `RRType`'s and `RRClass`'s static members are read through
    /// an accessor call from outside DNSWire.
    static let classIN: UInt16 = 1
    static let typeRRSIG: UInt16 = 46
    static let typeNSEC3: UInt16 = 50

    init() {
        hasher = NSEC3Hasher()
        written = []
        written.reserveCapacity(16)
        scratch = []
        scratch.reserveCapacity(DNSName.maxWireLength + 2)
        covers = CoverRing()
    }

    /// Starts a response: no NSEC3 record written yet.
    mutating func reset() { written.removeAll(keepingCapacity: true) }

    /// Writes the RRSIGs of the RRset `item` that `records` has just written (starting at
    /// `start`), if it is signed; returns how many. A CNAME synthesized from a DNAME is not
    /// signed (RFC 6672 §5.3.1).
    mutating func writeRRSIGs(
        of item: AnswerRRset, writtenAt start: Int, by records: RecordWriter, _ signer: ZoneSigner, _ now: Int64,
        into writer: inout WireWriter
    ) -> UInt16 {
        guard case .rrset(let index) = item.content, let entry = signer.signatures(rrset: index, now: now) else {
            return 0
        }
        // Where the owner's name is (not a pointer to it), as the record writer remembers it.
        let ownerAt = records.lastOwnerAt >= 0 ? records.lastOwnerAt : start
        return writeRRSIGs(entry, ownerAt: ownerAt, ttl: item.ttl, into: &writer)
    }

    /// Writes one RRset and its RRSIGs; returns the number of records. For the DS of a signed
    /// delegation, which is a proof.
    mutating func writeSigned(
        _ item: AnswerRRset, _ answer: Answer, _ signer: ZoneSigner, _ now: Int64, records: inout RecordWriter,
        into writer: inout WireWriter
    ) -> UInt16 {
        let start = writer.count
        let count = records.write(item, answer, signer.zone, into: &writer)
        return count + writeRRSIGs(of: item, writtenAt: start, by: records, signer, now, into: &writer)
    }

    /// Writes the RRSIG records of `entry`, each owned by the name written at `ownerAt` (a
    /// compression pointer to it), with `ttl`.
    mutating func writeRRSIGs(
        _ entry: SignatureEntry, ownerAt: Int, ttl: UInt32, into writer: inout WireWriter
    ) -> UInt16 {
        entry.records.withUnsafeBytes { records in
            for record in LengthPrefixedItems(records) {
                let data = UnsafeRawBufferPointer(rebasing: records[record])
                if ownerAt < 0x4000 {
                    // One append: owner pointer, TYPE, CLASS, TTL, RDLENGTH and the cached RDATA.
                    writer.writeRecord(
                        ownerAt: ownerAt, type: DNSSECWriter.typeRRSIG, class: DNSSECWriter.classIN, ttl: ttl,
                        lengthAndData: data)
                } else {
                    copyName(at: ownerAt, from: writer.bytes)
                    writer.writeName(wire: scratch, compress: true)
                    writer.writeRecordBody(
                        type: DNSSECWriter.typeRRSIG, class: DNSSECWriter.classIN, ttl: ttl, lengthAndData: data)
                }
            }
        }
        return entry.count
    }

    /// Expands the name at `offset` of the response being written into `scratch`, with the
    /// decoder's one name loop (a name this encoder wrote always reads back).
    mutating func copyName(at offset: Int, from message: [UInt8]) {
        scratch.removeAll(keepingCapacity: true)
        message.withUnsafeBytes { bytes in
            var reader = WireReader(bytes, offset: offset)
            do throws(WireError) {
                try reader.readName(into: &scratch, lowercase: false)
            } catch {
                preconditionFailure("the response's own name at \(offset) does not read back: \(error)")
            }
        }
    }
}
