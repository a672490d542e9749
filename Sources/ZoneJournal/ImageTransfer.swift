import DNSWire

/// The messages of an AXFR response (RFC 5936) read from a zone's image: exactly the version the
/// journal's differences lead to, signatures included, so a secondary that takes this AXFR can
/// follow with IXFRs. Each record is copied from the file with its owner name compressed; memory
/// is the reader's buffer and the message, whatever the zone's size.
public struct ImageTransfer {
    private let reader: ImageReader
    public let origin: DNSName
    let id: UInt16
    let flags: UInt16
    let question: [UInt8]
    /// The most a message may hold, leaving room for a TSIG record.
    let limit: Int
    /// The SOA, sent first and again last.
    let soa: [UInt8]
    /// The record read but not yet written (it did not fit in the last message).
    private var held: UnsafeRawBufferPointer? = nil
    /// The last owner written in this message and where it is: the records of an owner come
    /// together, so most owners are one pointer to the previous record's, without a table lookup.
    private var lastOwner: [UInt8] = []
    private var lastOwnerAt = -1
    private var state = State.opening
    public private(set) var messagesWritten = 0
    public private(set) var recordsWritten = 0
    /// Set when the image turned out damaged or short mid-transfer: the transfer is cut off before
    /// its closing SOA, so the secondary discards it.
    public private(set) var failed = false
    /// The serial of the version being sent.
    public let serial: UInt32

    enum State { case opening, records, closing, done }

    init?(
        reader: ImageReader, origin: DNSName, id: UInt16, queryFlags: UInt16, question: [UInt8],
        messageLimit: Int
    ) {
        guard let first = reader.next(), let record = WireRecord(first), record.type == RRType.soa.rawValue else {
            return nil
        }
        self.reader = reader
        self.origin = origin
        self.id = id
        // QR, AA; RD and CD echoed (RFC 5936 §2.2.1).
        flags = 0x8400 | (queryFlags & 0x0110)
        self.question = question
        limit = messageLimit
        soa = Array(first)
        guard let record = try? ResourceRecord(wire: soa) else { return nil }
        serial = ZoneDiff.serial(record)
    }

    public var isFinished: Bool { state == .done }

    /// Writes the next message into `writer` (reset first). False when the transfer is complete.
    public mutating func next(into writer: inout WireWriter) -> Bool {
        guard state != .done else { return false }
        writer.startMessage(id: id, flags: flags, question: messagesWritten == 0 ? question : nil)
        lastOwnerAt = -1
        var answers = 0
        while state != .done {
            let placed: Placement
            switch state {
            case .opening, .closing:
                let soa = self.soa
                placed = soa.withUnsafeBytes { place($0, into: &writer, answers: answers) }
            case .records:
                guard let record = held ?? reader.next() else {
                    failed = !reader.complete
                    state = failed ? .done : .closing
                    continue
                }
                placed = place(record, into: &writer, answers: answers)
                // The reader's buffer keeps a record that did not fit until the next read.
                held = placed == .full ? record : nil
            case .done:
                placed = .malformed
            }
            switch placed {
            case .malformed:
                state = .done
            case .full:
                finish(&writer, answers: answers)
                return true
            case .written:
                answers += 1
                if state == .opening { state = .records } else if state == .closing { state = .done }
            }
        }
        finish(&writer, answers: answers)
        return true
    }

    enum Placement { case written, full, malformed }

    /// Writes one uncompressed record with its owner compressed, unless the message would pass
    /// `limit` with it (a message always takes its first record).
    private mutating func place(
        _ record: UnsafeRawBufferPointer, into writer: inout WireWriter, answers: Int
    ) -> Placement {
        guard let fields = WireRecord(record) else { return .malformed }
        let mark = writer.mark()
        let owner = UnsafeRawBufferPointer(rebasing: record[..<fields.ownerLength])
        if lastOwnerAt >= 0 && owner.elementsEqual(lastOwner) {
            writer.writeUInt16(0xC000 | UInt16(lastOwnerAt))
        } else {
            let at = writer.count
            writer.writeName(wire: owner, compress: true)
            // Where the name's first label is: here, or where a whole-name pointer leads.
            let first = writer.bytes[at]
            let target = first >= 0xC0 ? Int(first & 0x3F) << 8 | Int(writer.bytes[at + 1]) : at
            lastOwnerAt = target < 0x4000 ? target : -1
            lastOwner.removeAll(keepingCapacity: true)
            lastOwner.append(contentsOf: owner)
        }
        writer.writeBytes(UnsafeRawBufferPointer(rebasing: record[fields.ownerLength...]))
        if writer.count > limit && answers > 0 {
            writer.rollback(to: mark)
            return .full
        }
        return .written
    }

    private mutating func finish(_ writer: inout WireWriter, answers: Int) {
        writer.patchUInt16(UInt16(answers), at: 6)
        messagesWritten += 1
        recordsWritten += answers
    }
}
