import DNSSEC
import DNSWire
import DNSZone
import Dispatch
import Foundation

/// The messages of one AXFR response (RFC 5936) of a signed or unsigned zone, made one at a time
/// as the transport asks for them.
///
/// Order: the SOA with its RRSIGs; every other RRset, node by node in canonical order, each
/// followed by its RRSIGs (DNSKEY, CDS and CDNSKEY are apex RRsets like any other); then the full
/// NSEC3 chain, each record with its RRSIGs; the SOA again. Owner names are compressed; RDATA is
/// copied from the zone's pre-encoded form.
///
/// Memory stays flat: the stream holds the zone and signer it was started on (a reload meanwhile
/// serves the new version to new requests while this one finishes), one RRset's signatures at a
/// time, and the message being written. Signatures are taken from the query-time cache when it has
/// them, and otherwise made for this message and dropped after it (`transferSignatures`), so a
/// transfer neither copies the zone nor fills the cache. For an `nsec3-narrow` zone the chain is
/// built for the transfer (hashes and node numbers, 24 bytes a name), as secondaries need it.
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
    /// The unit (an RRset or a chain record, with its RRSIGs) being written, and how many of its
    /// records are out.
    var unit: Unit? = nil
    /// Units made (and signed) ahead, and the next one to write.
    var ahead: [Unit] = []
    var aheadIndex = 0
    public private(set) var messagesWritten = 0
    public private(set) var recordsWritten = 0

    /// The records of one owner that go out together: data records then RRSIGs. A chain record has
    /// no stored RDATA: it is written from the chain (`chainPosition`).
    struct Unit {
        var owner: [UInt8]
        var type: RRType
        var ttl: UInt32
        var data: [UInt8]
        var dataItems: [Range<Int>]
        var signatures: SignatureEntry?
        var signatureItems: [Range<Int>]
        var chainRecord: Int?
        var next = 0

        var count: Int { (chainRecord == nil ? dataItems.count : 1) + signatureItems.count }
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
        writer.reset()
        writer.writeUInt16(id)
        writer.writeUInt16(flags)
        let first = messagesWritten == 0
        writer.writeUInt16(first ? 1 : 0)
        writer.writeUInt16(0)
        writer.writeUInt16(0)
        writer.writeUInt16(0)
        if first { writer.writeBytes(question) }
        var answers = 0
        while !isFinished {
            if unit == nil {
                unit = makeUnit()
                if unit == nil { continue }
            }
            while unit!.next < unit!.count {
                let mark = writer.mark()
                write(record: unit!.next, of: unit!, into: &writer)
                if writer.count > limit && answers > 0 {
                    writer.rollback(to: mark)
                    finish(&writer, answers: answers)
                    return true
                }
                unit!.next += 1
                answers += 1
            }
            unit = nil
        }
        finish(&writer, answers: answers)
        return true
    }

    private mutating func finish(_ writer: inout WireWriter, answers: Int) {
        writer.patchUInt16(UInt16(answers), at: 6)
        messagesWritten += 1
        recordsWritten += answers
    }

    /// The signatures of a batch, written by several threads at distinct indices.
    struct Slots: @unchecked Sendable {
        let base: UnsafeMutablePointer<SignatureEntry?>
        subscript(index: Int) -> SignatureEntry? {
            get { base[index] }
            nonmutating set { base[index] = newValue }
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

    /// Makes the next `batch` units, signing them on every core at once: signing is what a signed
    /// zone's transfer spends its time on (one signature per RRset and per NSEC3 record, each
    /// tens of microseconds), and the units are independent.
    private mutating func fillAhead() {
        ahead.removeAll(keepingCapacity: true)
        aheadIndex = 0
        var sources: [Source] = []
        sources.reserveCapacity(Self.batch)
        while sources.count < Self.batch && phase != .done {
            if let source = nextSource() { sources.append(source) }
        }
        guard !sources.isEmpty else { return }
        var signatures = [SignatureEntry?](repeating: nil, count: sources.count)
        if let signer {
            let workers = min(Self.signingThreads, sources.count)
            let now = self.now
            let chain = self.chain
            let batch = sources
            signatures.withUnsafeMutableBufferPointer { buffer in
                // Each worker writes only its own indices.
                let out = Slots(base: buffer.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    var index = worker
                    while index < batch.count {
                        switch batch[index] {
                        case .rrset(let set, _): out[index] = signer.transferSignatures(rrset: set, now: now)
                        case .chain(let position):
                            out[index] = chain.flatMap {
                                signer.transferSignatures(chainEntry: position, of: $0, now: now)
                            }
                        case .closingSOA: break
                        }
                        index += workers
                    }
                }
            }
        }
        for (source, signature) in zip(sources, signatures) { ahead.append(unit(source, signatures: signature)) }
    }

    /// Units signed per batch: enough to keep every core busy, few enough that memory stays flat.
    static let batch = 256
    /// Threads that sign a batch.
    static let signingThreads = max(1, ProcessInfo.processInfo.activeProcessorCount)

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
        let items = signatures.map { Array(LengthPrefixedItems($0.records)) } ?? []
        switch source {
        case .rrset(let index, let node):
            let set = zone.rrsets[index]
            return Unit(
                owner: zone.nodes[node].name.wire, type: set.type, ttl: set.ttl, data: set.wire,
                dataItems: Array(LengthPrefixedItems(set.wire)), signatures: signatures, signatureItems: items,
                chainRecord: nil)
        case .chain(let position):
            return Unit(
                owner: signer!.transferChainOwner(position, of: chain!), type: .nsec3, ttl: 0, data: [], dataItems: [],
                signatures: signatures, signatureItems: items, chainRecord: position)
        case .closingSOA:
            let set = zone.rrsets[zone.soa]
            return Unit(
                owner: zone.origin.wire, type: .soa, ttl: set.ttl, data: set.wire,
                dataItems: Array(LengthPrefixedItems(set.wire)), signatures: nil, signatureItems: [], chainRecord: nil)
        }
    }

    private func write(record position: Int, of unit: Unit, into writer: inout WireWriter) {
        let dataCount = unit.chainRecord == nil ? unit.dataItems.count : 1
        if position < dataCount {
            if let chainRecord = unit.chainRecord, let chain, let signer {
                signer.writeTransferChainRecord(chainRecord, of: chain, into: &writer)
                return
            }
            writer.writeName(wire: unit.owner, compress: true)
            writer.writeUInt16(unit.type.rawValue)
            writer.writeUInt16(RRClass.in.rawValue)
            writer.writeUInt32(unit.ttl)
            writer.writeBytes(unit.data[unit.dataItems[position]])
            return
        }
        guard let signatures = unit.signatures else { return }
        writer.writeName(wire: unit.owner, compress: true)
        writer.writeUInt16(RRType.rrsig.rawValue)
        writer.writeUInt16(RRClass.in.rawValue)
        // The RRSIG's TTL is its RRset's (RFC 4034 §3); NSEC3's is the signer's negative TTL, which
        // the RRSIG RDATA's original TTL field holds.
        let ttl: UInt32
        if unit.chainRecord != nil {
            let rdata = signatures.records
            let at = unit.signatureItems[position - dataCount].lowerBound + 2 + 4
            ttl =
                UInt32(rdata[at]) << 24 | UInt32(rdata[at + 1]) << 16 | UInt32(rdata[at + 2]) << 8
                | UInt32(rdata[at + 3])
        } else {
            ttl = unit.ttl
        }
        writer.writeUInt32(ttl)
        writer.writeBytes(signatures.records[unit.signatureItems[position - dataCount]])
    }
}
