import DNSWire
import DNSZone
import DynamicUpdate
import QueryPipeline
import TSIG
import ZoneJournal

/// IXFR (RFC 1995) from the zone's journal, and UPDATE (RFC 2136).
extension TransferService {
    /// The messages of an IXFR answer over TCP, or nil to answer with an AXFR (the zone has no
    /// journal, or it does not reach back to the secondary's serial).
    func ixfrStream(
        _ message: UnsafeRawBufferPointer, questionEnd: Int, origin: DNSName, servedSerial: UInt32,
        signer: TSIGSigner?
    ) -> (any ResponseStream)? {
        guard let records = ixfrRecords(message, origin: origin, servedSerial: servedSerial) else { return nil }
        let question = Array(UnsafeRawBufferPointer(rebasing: message[12..<questionEnd]))
        let id = UInt16(message[0]) << 8 | UInt16(message[1])
        let groups = IXFRAnswer.messages(records, overhead: 12 + question.count + 512)
        var signer = signer
        var out: [[UInt8]] = []
        for (index, group) in groups.enumerated() {
            guard
                var writer = Self.transferMessage(
                    id: id, question: index == 0 ? question : nil, records: group, limit: 65535 - 512)
            else { return nil }
            if signer != nil { try? signer!.sign(&writer, now: TSIG.currentTime()) }
            out.append(writer.bytes)
        }
        logger.info("IXFR of \(origin.text) from serial \(Self.clientSerial(message) ?? 0): \(records.count) records")
        return MessagesStream(out)
    }

    /// An IXFR over UDP (RFC 1995 §2): the whole answer if it fits in `response`, else the one
    /// SOA, which tells the secondary to retry over TCP. Nil: not an IXFR this service answers.
    func respondToIXFROverUDP(
        _ message: UnsafeRawBufferPointer, context: QueryContext, into response: UnsafeMutableRawBufferPointer
    ) -> Int? {
        // Checked first without allocating: REFUSED answers to floods of out-of-zone names pass here.
        guard Self.isTransferRequest(message) else { return nil }
        var query = Query()
        guard (try? query.decode(message)) != nil, query.type == .ixfr, query.opcode == .query else { return nil }
        let now = TSIG.currentTime()
        var signer: TSIGSigner? = nil
        var keyName: DNSName? = nil
        switch authenticate(message, query, now: now) {
        case .failed(let answer): return copy(answer, into: response)
        case .verified(let verified):
            signer = verified
            keyName = verified.key.name
        case .unsigned: break
        }
        guard let served = servedZone(query.questionName),
            served.config.transfer.allows(context.peer.address, key: keyName)
        else { return nil }
        let question = Array(UnsafeRawBufferPointer(rebasing: message[12..<query.questionEnd]))
        // The client's size as the pipeline reads it: 512 without EDNS, never less than 512.
        let asked = query.hasEDNS ? max(512, Int(query.udpPayloadSize)) : 512
        let limit = min(response.count, asked) - (signer == nil ? 0 : 256)
        let soa = catalog.journals.entry(origin: served.zone.origin)?.history.soa
        var records = ixfrRecords(message, origin: served.zone.origin, servedSerial: served.zone.serial) ?? []
        if records.isEmpty, let soa { records = [soa] }
        var writer = Self.transferMessage(id: query.id, question: question, records: records, limit: limit)
        if writer == nil, let soa {
            writer = Self.transferMessage(id: query.id, question: question, records: [soa], limit: limit)
        }
        guard var writer else { return nil }
        if signer != nil { try? signer!.sign(&writer, now: now) }
        return copy(writer.bytes, into: response)
    }

    private func copy(_ bytes: [UInt8], into response: UnsafeMutableRawBufferPointer) -> Int? {
        guard bytes.count <= response.count else { return nil }
        response.copyBytes(from: bytes)
        return bytes.count
    }

    /// The IXFR answer's records, or nil for an AXFR.
    func ixfrRecords(_ message: UnsafeRawBufferPointer, origin: DNSName, servedSerial: UInt32) -> [ResourceRecord]? {
        guard let entry = catalog.journals.entry(origin: origin), let client = Self.clientSerial(message),
            let current = entry.history.soa, entry.history.serial == servedSerial
        else { return nil }
        switch IXFRAnswer.choose(current: current, clientSerial: client, journal: entry.history.journal) {
        case .fullTransfer: return nil
        case .upToDate(let soa): return [soa]
        case .incremental(let records): return records
        }
    }

    /// The serial of the SOA in an IXFR request's authority section.
    static func clientSerial(_ message: UnsafeRawBufferPointer) -> UInt32? {
        guard let decoded = try? Message(decoding: Array(message)),
            let soa = decoded.authority.first(where: { $0.type == .soa }), case .soa(let data) = soa.data
        else { return nil }
        return data.serial
    }

    /// One response message of a transfer: QR and AA, the question if given, `records` in the
    /// answer section, names compressed. Nil if it does not fit in `limit`.
    static func transferMessage(id: UInt16, question: [UInt8]?, records: [ResourceRecord], limit: Int) -> WireWriter? {
        var header = Header(id: id, flags: Header.qrBit | Header.aaBit)
        header.questionCount = question == nil ? 0 : 1
        var message = Message(header: header, answers: records)
        if let question,
            let decoded = try? withWireReader(
                question,
                { (reader) throws(WireError) in
                    try Question(decoding: &reader)
                })
        {
            message.questions = [decoded]
        }
        var writer = WireWriter(capacity: 65535)
        guard message.encode(into: &writer, limit: limit) else { return nil }
        return writer
    }
}

/// A response of messages made in advance (an IXFR's, which the journal bounds).
final class MessagesStream: ResponseStream {
    private var messages: [[UInt8]]
    private var position = 0

    init(_ messages: [[UInt8]]) { self.messages = messages }

    func next(into response: UnsafeMutableRawBufferPointer) -> Int? {
        guard position < messages.count, messages[position].count <= response.count else { return nil }
        let message = messages[position]
        messages[position] = []
        position += 1
        response.copyBytes(from: message)
        return message.count
    }
}
