/// A whole DNS message as values: for tests, tools and anything off the hot path.
///
/// The server's query path does not build one of these; it uses `Query` (decode) and the zone's
/// pre-encoded answers (encode), which allocate nothing.
public struct Message: Hashable, Sendable {
    public var header: Header
    public var questions: [Question]
    public var answers: [ResourceRecord]
    public var authority: [ResourceRecord]
    /// The additional section without the OPT record, which is in `edns`.
    public var additional: [ResourceRecord]
    public var edns: EDNS?

    public init(
        header: Header = Header(), questions: [Question] = [], answers: [ResourceRecord] = [],
        authority: [ResourceRecord] = [], additional: [ResourceRecord] = [], edns: EDNS? = nil
    ) {
        self.header = header
        self.questions = questions
        self.answers = answers
        self.authority = authority
        self.additional = additional
        self.edns = edns
    }

    /// The 12-bit response code: the header's four bits and OPT's eight.
    public var rcode: RCode {
        get { RCode(UInt16(edns?.extendedRCode ?? 0) << 4 | UInt16(header.rcodeLow)) }
        set {
            header.rcodeLow = UInt8(newValue.rawValue & 0xF)
            if newValue.rawValue > 0xF || edns != nil {
                if edns == nil { edns = EDNS() }
                edns!.extendedRCode = UInt8(newValue.rawValue >> 4)
            }
        }
    }
}

extension Message {
    /// Decodes a whole message. Every count is honoured exactly: data missing for a counted record
    /// or bytes left over after the last one are errors.
    public init(decoding bytes: [UInt8]) throws(WireError) {
        self = try withWireReader(bytes) { (reader) throws(WireError) in try Message(decoding: &reader) }
    }

    public init(decoding reader: inout WireReader) throws(WireError) {
        header = try Header(decoding: &reader)
        questions = []
        for _ in 0..<header.questionCount { questions.append(try Question(decoding: &reader)) }
        var edns: EDNS? = nil
        answers = try Message.decodeSection(&reader, count: header.answerCount, allowOPT: false, edns: &edns)
        authority = try Message.decodeSection(&reader, count: header.authorityCount, allowOPT: false, edns: &edns)
        additional = try Message.decodeSection(&reader, count: header.additionalCount, allowOPT: true, edns: &edns)
        self.edns = edns
        guard reader.isAtEnd else { throw .trailingData(at: reader.offset) }
    }

    private static func decodeSection(
        _ reader: inout WireReader, count: UInt16, allowOPT: Bool, edns: inout EDNS?
    ) throws(WireError) -> [ResourceRecord] {
        var records: [ResourceRecord] = []
        for _ in 0..<count {
            let start = reader.offset
            // Peek at the type to take OPT out (RFC 6891 §6.1.1: one, in additional, owner root).
            var peek = reader
            let owner = try peek.readName()
            let type = RRType(try peek.readUInt16())
            if type == .opt {
                guard allowOPT, edns == nil, owner.isRoot else { throw .badOPT(at: start) }
                edns = try EDNS(decodingAfterType: &peek)
                reader = peek
                continue
            }
            records.append(try ResourceRecord(decoding: &reader))
        }
        return records
    }

    /// Encodes the message. When it does not fit in `limit` bytes, it is cut back to the header and
    /// question (and OPT), with TC set — what Knot and NSD send. Returns whether it fit.
    @discardableResult
    public func encode(into writer: inout WireWriter, limit: Int = 65535) -> Bool {
        writer.reset()
        var header = self.header
        header.questionCount = UInt16(questions.count)
        header.answerCount = UInt16(answers.count)
        header.authorityCount = UInt16(authority.count)
        header.additionalCount = UInt16(additional.count + (edns == nil ? 0 : 1))
        header.serialize(into: &writer)
        questions.withUnsafeBufferPointer { questions in
            for index in questions.indices { questions[index].serialize(into: &writer) }
        }
        let afterQuestion = writer.mark()
        var owner = PreviousOwner()
        Message.serialize(answers, into: &writer, owner: &owner)
        Message.serialize(authority, into: &writer, owner: &owner)
        Message.serialize(additional, into: &writer, owner: &owner)
        edns?.serialize(into: &writer)
        guard writer.count > limit else { return true }
        writer.rollback(to: afterQuestion)
        edns?.serialize(into: &writer)
        header.answerCount = 0
        header.authorityCount = 0
        header.additionalCount = edns == nil ? 0 : 1
        header.truncated = true
        writer.patchUInt16(header.flags, at: 2)
        for (index, count) in [header.answerCount, header.authorityCount, header.additionalCount].enumerated() {
            writer.patchUInt16(count, at: 6 + 2 * index)
        }
        return false
    }

    /// The last owner written and where its name is (never a pointer), or -1: a record with the
    /// same owner (the next of its RRset, its RRSIG) is written with a pointer there, found by
    /// comparing bytes instead of looking each label up in the compression table. It is where the
    /// table would point anyway: the first occurrence of that name.
    ///
    /// The name is held by address, not copied: the message's arrays outlive the encode, and a copy
    /// would cost a retain and a release per owner.
    struct PreviousOwner {
        var name: UnsafeMutablePointer<DNSName>? = nil
        var at = -1
    }

    /// Writes a section's records through its buffer, each owner as a pointer to the previous
    /// owner when they are the same.
    ///
    /// Each record is handed on `inout` through a mutable pointer that is never written through.
    /// Read through an `UnsafePointer` (or a subscript, or a `Span`), a record had to be copied
    /// before use: nothing told the optimizer that the memory would not change while it was
    /// borrowed, so it retained the owner and every array of the `RData` payload (an outlined copy
    /// of the enum) and released them after, about a third of an NXDOMAIN's instructions. An
    /// `inout` access is exclusive, which is the proof it needs to borrow in place.
    static func serialize(_ records: [ResourceRecord], into writer: inout WireWriter, owner: inout PreviousOwner) {
        records.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let records = UnsafeMutablePointer(mutating: base)
            for index in 0..<buffer.count {
                serialize(&records[index], at: records + index, into: &writer, owner: &owner)
            }
        }
    }

    /// Writes one record of `serialize(_:into:owner:)`; `address` is where `record` is.
    private static func serialize(
        _ record: inout ResourceRecord, at address: UnsafeMutablePointer<ResourceRecord>,
        into writer: inout WireWriter, owner: inout PreviousOwner
    ) {
        if owner.at >= 0, let previous = owner.name, sameBytes(&record.name, &previous.pointee) {
            writer.writeUInt16(0xC000 | UInt16(truncatingIfNeeded: owner.at))
        } else {
            let start = writer.count
            writer.writeName(record.name, compress: true)
            owner.name = address.pointer(to: \.name)
            owner.at = writer.bytes.withUnsafeBufferPointer { bytes in
                // The root is shorter than a pointer to it: never pointed at.
                if bytes[start] == 0 { return -1 }
                let at = bytes[start] & 0xC0 == 0xC0 ? Int(bytes[start] & 0x3F) << 8 | Int(bytes[start + 1]) : start
                return at < 0x4000 ? at : -1
            }
        }
        ResourceRecord.serializeAfterOwner(&record, into: &writer, form: .compressed)
    }

    /// Whether two names have the same bytes, case included; `inout` to compare them in place.
    /// Eight bytes at a time: an RRSIG's owner is its RRset's, and NSEC3 owners are 40-odd bytes,
    /// which `Array.==` compares one element per iteration.
    private static func sameBytes(_ name: inout DNSName, _ other: inout DNSName) -> Bool {
        name.wire.withUnsafeBytes { left in
            other.wire.withUnsafeBytes { right in
                let count = left.count
                guard count == right.count else { return false }
                // Its own loop rather than `equalWordPrefix`: through the helper this path measured
                // 24 (positive) to 191 (NXDOMAIN) more instructions per `Message.encode` (callgrind).
                var k = 0
                while k + 8 <= count {
                    guard
                        left.loadUnaligned(fromByteOffset: k, as: UInt64.self)
                            == right.loadUnaligned(fromByteOffset: k, as: UInt64.self)
                    else { return false }
                    k += 8
                }
                while k < count {
                    guard left[k] == right[k] else { return false }
                    k += 1
                }
                return true
            }
        }
    }

    /// The message encoded into a new buffer.
    public func encoded(limit: Int = 65535) -> [UInt8] {
        var writer = WireWriter(capacity: 512)
        encode(into: &writer, limit: limit)
        return writer.bytes
    }
}
