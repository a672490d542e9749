import DNSSEC
import DNSWire
import DNSZone

typealias TransferLookup = ZoneSigner.TransferLookup

/// The messages of one AXFR response (RFC 5936) of a signed or unsigned zone, made one at a time
/// as the transport asks for them.
///
/// Order: the SOA with its RRSIGs; every other RRset, node by node in canonical order, each
/// followed by its RRSIGs (DNSKEY, CDS and CDNSKEY are apex RRsets like any other); then the full
/// NSEC3 chain, each record with its RRSIGs; the SOA again. Owner names are compressed (an
/// owner's records after its first in a message point to it, an NSEC3 record's RRSIGs to it);
/// RDATA is copied from the zone's pre-encoded form and the signature entries.
///
/// Memory stays flat: the stream holds the zone and signer it was started on (a reload meanwhile
/// serves the new version to new requests while this one finishes), the signatures of one batch
/// of RRsets (references to cache entries), and the message being written. Signatures are taken
/// from the query-time cache when it has them, and otherwise made for this message and dropped
/// after it (`transferSignatures`), so a transfer neither copies the zone nor fills the cache.
/// For an `nsec3-narrow` zone the chain is built for the transfer (hashes and node numbers, 24
/// bytes a name), as secondaries need it.
public struct AXFRStream {
    public let zone: Zone
    let signer: ZoneSigner?
    let chain: NSEC3Chain?
    let now: Int64
    let id: UInt16
    let flags: UInt16
    let question: [UInt8]
    /// The most a message may hold, leaving room for a TSIG record.
    let limit: Int

    enum Phase { case openingSOA, nodes, chain, closingSOA, done }
    var phase = Phase.openingSOA
    /// The next RRset to write, in `zone.rrsets` (canonical node order).
    var rrset = 0
    /// The node that holds `rrset` or comes before it.
    var node = 0
    /// The next chain record.
    var chainPosition = 0
    /// The unit (an RRset or a chain record, with its RRSIGs) being written.
    var unit: Unit? = nil
    /// Units looked up (and signed where the cache had nothing) ahead, and the next one to write.
    var ahead: [Unit] = []
    var aheadIndex = 0
    /// Where this message has the owner of the records being written, for the records after the
    /// first: one lookup in the compression table per owner and message, not per record.
    var owner = OwnerMark()
    public private(set) var messagesWritten = 0
    public private(set) var recordsWritten = 0

    /// The records of one owner that go out together: data records then RRSIGs, each read in turn
    /// from where the zone and the signature entry keep them (RDLENGTH and RDATA), so a unit holds
    /// references and offsets, nothing copied. A chain record has no stored RDATA: it is written
    /// from the chain.
    struct Unit {
        let source: Source
        let type: RRType
        let ttl: UInt32
        /// `RRset.wire` (shared, not copied); empty for a chain record.
        let data: [UInt8]
        var signatures: SignatureEntry?
        /// Records still to write: data records (a chain record is one), then RRSIGs.
        var dataLeft: Int
        var signaturesLeft: Int
        /// Where the next data record and the next RRSIG start in `data` and `signatures.records`.
        var dataOffset = 0
        var signatureOffset = 0

        init(source: Source, type: RRType, ttl: UInt32, data: [UInt8], dataCount: Int, signatures: SignatureEntry?) {
            self.source = source
            self.type = type
            self.ttl = ttl
            self.data = data
            self.dataLeft = dataCount
            self.signatures = signatures
            self.signaturesLeft = Int(signatures?.count ?? 0)
        }

        mutating func sign(_ entry: SignatureEntry?) {
            signatures = entry
            signaturesLeft = Int(entry?.count ?? 0)
        }

        /// Which owner the unit's records have: the node, -1 for the closing SOA, or below for a
        /// chain record.
        var ownerKey: Int {
            switch source {
            case .rrset(_, let node): node
            case .closingSOA: -1
            case .chain(let position): -2 - position
            }
        }
    }

    /// An owner name as written in the current message: `start` and `length` of its bytes there,
    /// and `target`, the offset a pointer to it takes (where its labels are, or where its own
    /// pointer points).
    struct OwnerMark {
        var key = Int.min
        var message = -1
        var start = 0
        var length = 0
        var target = 0
    }

    /// A stream answering the query with this `id`, whose question section is `question` (name,
    /// type and class as the client sent them). `flags` are the query's, for RD and CD to echo.
    public init(
        zone: Zone, signer: ZoneSigner?, id: UInt16, queryFlags: UInt16, question: [UInt8], now: Int64,
        messageLimit: Int = 65535 - 512
    ) throws(SignerError) {
        self.zone = zone
        self.signer = signer
        self.chain = try signer?.transferChain()
        self.id = id
        // QR, AA; RD and CD echoed (RFC 5936 §2.2.1).
        self.flags = 0x8400 | (queryFlags & 0x0110)
        self.question = question
        self.now = now
        self.limit = messageLimit
    }

    public var isFinished: Bool { phase == .done && aheadIndex == ahead.count && unit == nil }

    /// Writes the next message into `writer` (reset first). False when the transfer is complete.
    public mutating func next(into writer: inout WireWriter) -> Bool {
        guard !isFinished else { return false }
        writer.startMessage(id: id, flags: flags, question: messagesWritten == 0 ? question : nil)
        var answers = 0
        while !isFinished {
            // Taken out while written, so that writing a record neither copies nor retains it.
            guard var current = unit.take() ?? makeUnit() else { continue }
            if !write(&current, into: &writer, answers: &answers) {
                unit = current
                break
            }
        }
        finish(&writer, answers: answers)
        return true
    }

    private mutating func finish(_ writer: inout WireWriter, answers: Int) {
        writer.patchUInt16(UInt16(answers), at: 6)
        messagesWritten += 1
        recordsWritten += answers
    }

    /// Writes the unit's records while they fit; false when the message is full first (the rest
    /// go in the next one). A record that does not fit is rolled back, unless it is the message's
    /// only one.
    private mutating func write(_ unit: inout Unit, into writer: inout WireWriter, answers: inout Int) -> Bool {
        while unit.dataLeft > 0 {
            let mark = writer.mark()
            let next = writeData(unit, into: &writer)
            if writer.count > limit && answers > 0 {
                writer.rollback(to: mark)
                return false
            }
            unit.dataOffset = next
            unit.dataLeft -= 1
            answers += 1
        }
        guard let signatures = unit.signatures else { return true }
        while unit.signaturesLeft > 0 {
            let mark = writer.mark()
            let next = writeSignature(unit, signatures, into: &writer)
            if writer.count > limit && answers > 0 {
                writer.rollback(to: mark)
                return false
            }
            unit.signatureOffset = next
            unit.signaturesLeft -= 1
            answers += 1
        }
        return true
    }

    /// Writes the unit's next data record; returns where the one after it starts in `unit.data`.
    private mutating func writeData(_ unit: Unit, into writer: inout WireWriter) -> Int {
        if case .chain(let position) = unit.source, let chain, let signer {
            let start = writer.count
            signer.writeTransferChainRecord(position, of: chain, into: &writer)
            remember(owner: unit.ownerKey, at: start, in: writer)
            return 0
        }
        return unit.data.withUnsafeBytes { data in
            let item = Self.item(at: unit.dataOffset, in: data)
            writeRecord(unit, type: unit.type, ttl: unit.ttl, lengthAndData: item, into: &writer)
            return unit.dataOffset + item.count
        }
    }

    /// Writes the unit's next RRSIG; returns where the one after it starts in the entry.
    private mutating func writeSignature(
        _ unit: Unit, _ signatures: SignatureEntry, into writer: inout WireWriter
    )
        -> Int
    {
        signatures.records.withUnsafeBytes { records in
            let item = Self.item(at: unit.signatureOffset, in: records)
            // The RRSIG's TTL is its RRset's (RFC 4034 §3); NSEC3's is the signer's negative TTL,
            // which the RRSIG RDATA's original TTL field holds.
            var ttl = unit.ttl
            if case .chain = unit.source {
                ttl = UInt32(bigEndian: item.loadUnaligned(fromByteOffset: 2 + 4, as: UInt32.self))
            }
            writeRecord(unit, type: .rrsig, ttl: ttl, lengthAndData: item, into: &writer)
            return unit.signatureOffset + item.count
        }
    }

    /// The length-prefixed item (RDLENGTH and RDATA) at `offset`.
    @inline(__always)
    private static func item(at offset: Int, in bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + 2 + length])
    }

    /// Writes one record of the unit's owner. The owner's first record in a message writes the
    /// name (compressed as any name); the records after it point to it, in one append, or, where
    /// a pointer cannot reach (past 0x4000), repeat the bytes it was written as — what compressing
    /// the name again would give, without the table lookups.
    private mutating func writeRecord(
        _ unit: Unit, type: RRType, ttl: UInt32, lengthAndData: UnsafeRawBufferPointer, into writer: inout WireWriter
    ) {
        let key = unit.ownerKey
        if owner.key == key && owner.message == messagesWritten {
            if owner.target < 0x4000 {
                writer.writeRecord(
                    ownerAt: owner.target, type: type.rawValue, class: RRClass.in.rawValue, ttl: ttl,
                    lengthAndData: lengthAndData)
                return
            }
            let (start, length) = (owner.start, owner.length)
            withUnsafeTemporaryAllocation(byteCount: length, alignment: 1) { name in
                writer.bytes.withUnsafeBytes {
                    name.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[start..<start + length]))
                }
                writer.writeBytes(UnsafeRawBufferPointer(name))
            }
        } else {
            let start = writer.count
            switch unit.source {
            case .rrset(_, let node): writer.writeName(wire: zone.nodes[node].name.wire, compress: true)
            case .closingSOA: writer.writeName(wire: zone.origin.wire, compress: true)
            case .chain(let position): writer.writeName(wire: signer!.transferChainOwner(position, of: chain!))
            }
            remember(owner: key, at: start, in: writer)
        }
        writer.writeRecordBody(
            type: type.rawValue, class: RRClass.in.rawValue, ttl: ttl, lengthAndData: lengthAndData)
    }

    /// Notes the owner name just written at `start` as the one the next records of `key` refer to.
    private mutating func remember(owner key: Int, at start: Int, in writer: WireWriter) {
        writer.bytes.withUnsafeBytes { bytes in
            var end = start
            while bytes[end] != 0 && bytes[end] < 0xC0 { end += 1 + Int(bytes[end]) }
            end += bytes[end] == 0 ? 1 : 2
            let pointed = bytes[start] >= 0xC0
            owner = OwnerMark(
                key: key, message: messagesWritten, start: start, length: end - start,
                target: pointed ? Int(bytes[start] & 0x3F) << 8 | Int(bytes[start + 1]) : start)
        }
    }

    /// What a unit is made from: an RRset (at its node), a chain record, or the closing SOA.
    enum Source: Sendable {
        case rrset(Int, node: Int)
        case chain(Int)
        case closingSOA
    }

    /// The next unit, from those made ahead; nil once the transfer has no more.
    private mutating func makeUnit() -> Unit? {
        if aheadIndex == ahead.count { fillAhead() }
        guard aheadIndex < ahead.count else { return nil }
        defer { aheadIndex += 1 }
        return ahead[aheadIndex]
    }

    /// Makes the next `batch` units with their signatures. Each is looked up in the signer's cache
    /// here first (a lock and a load: not worth waking other threads for); only those missing are
    /// signed, on every core at once when there are several: signing is what a transfer of a zone
    /// not signed ahead spends its time on (tens of microseconds a signature).
    private mutating func fillAhead() {
        ahead.removeAll(keepingCapacity: true)
        aheadIndex = 0
        var missing: [Int] = []
        while ahead.count < Self.batch && phase != .done {
            guard let source = nextSource() else { continue }
            var lookup = TransferLookup.unsigned
            if let signer {
                switch source {
                case .rrset(let set, _): lookup = signer.cachedTransferSignatures(rrset: set, now: now)
                case .chain(let position): lookup = signer.cachedTransferSignatures(chainEntry: position, now: now)
                case .closingSOA: break
                }
            }
            var signatures: SignatureEntry? = nil
            switch lookup {
            case .unsigned: break
            case .cached(let entry): signatures = entry
            case .missing: missing.append(ahead.count)
            }
            ahead.append(unit(source, signatures: signatures))
        }
        guard !missing.isEmpty, let signer else { return }
        // The closing SOA is never missing (it goes out unsigned), so `items` lines up with `missing`.
        let items = missing.compactMap { index -> ZoneSigner.TransferItem? in
            switch ahead[index].source {
            case .rrset(let set, _): .rrset(set)
            case .chain(let position): .chainEntry(position)
            case .closingSOA: nil
            }
        }
        let made = signer.transferSignatures(items, chain: chain, now: now)
        for (index, entry) in zip(missing, made) { ahead[index].sign(entry) }
    }

    /// Units per batch: enough to keep every core busy signing, few enough that memory stays flat.
    static let batch = 256

    /// The next source, advancing the phase; nil when a phase ends or an RRset is skipped.
    private mutating func nextSource() -> Source? {
        switch phase {
        case .openingSOA:
            phase = .nodes
            return .rrset(zone.soa, node: Zone.apex)
        case .nodes:
            guard rrset < zone.rrsets.count else {
                phase = chain == nil ? .closingSOA : .chain
                return nil
            }
            let index = rrset
            rrset += 1
            while index >= zone.nodes[node].rrsets.upperBound { node += 1 }
            return index == zone.soa ? nil : .rrset(index, node: node)
        case .chain:
            guard let chain, chainPosition < chain.count else {
                phase = .closingSOA
                return nil
            }
            chainPosition += 1
            return .chain(chainPosition - 1)
        case .closingSOA:
            phase = .done
            return .closingSOA
        case .done:
            return nil
        }
    }

    private func unit(_ source: Source, signatures: SignatureEntry?) -> Unit {
        switch source {
        case .rrset(let index, _):
            let set = zone.rrsets[index]
            return Unit(
                source: source, type: set.type, ttl: set.ttl, data: set.wire, dataCount: set.count,
                signatures: signatures)
        case .chain:
            return Unit(source: source, type: .nsec3, ttl: 0, data: [], dataCount: 1, signatures: signatures)
        case .closingSOA:
            let set = zone.rrsets[zone.soa]
            return Unit(source: source, type: .soa, ttl: set.ttl, data: set.wire, dataCount: set.count, signatures: nil)
        }
    }
}
