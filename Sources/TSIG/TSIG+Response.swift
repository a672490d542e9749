import DNSWire

extension TSIG {
    /// Where a message's question section ends and its TSIG record is (the last additional record,
    /// if of type TSIG), found without decoding the records; nil if the message does not parse.
    public static func layout(of message: UnsafeRawBufferPointer) -> (questionEnd: Int, tsig: Range<Int>?)? {
        guard message.count >= 12 else { return nil }
        func count(_ at: Int) -> Int { Int(message[at]) << 8 | Int(message[at + 1]) }
        var reader = WireReader(message, offset: 12)
        do throws(WireError) {
            for _ in 0..<count(4) {
                try reader.skipName()
                try reader.skip(4)
            }
            let questionEnd = reader.offset
            var last: (start: Int, type: UInt16)? = nil
            for _ in 0..<(count(6) + count(8) + count(10)) {
                let start = reader.offset
                try reader.skipName()
                let type = try reader.readUInt16()
                try reader.skip(6)
                try reader.skip(Int(try reader.readUInt16()))
                last = (start, type)
            }
            guard reader.isAtEnd else { return nil }
            let tsig = last.flatMap {
                $0.type == RRType.tsig.rawValue && count(10) > 0 ? $0.start..<reader.offset : nil
            }
            return (questionEnd, tsig)
        } catch {
            return nil
        }
    }

    /// What the TSIG of a response to a request we signed says (RFC 8945 §5.3.2, §5.4: a client
    /// discards an answer to a signed request that is unsigned or whose MAC, chained to the
    /// request's, does not verify, and keeps waiting for a good one).
    public enum ResponseCheck: Equatable, Sendable {
        case verified
        /// The answer carries this TSIG error (unsigned, for BADKEY/BADSIG: it may be forged, so
        /// it is only believed when no good answer comes).
        case refusedOurs(TSIGError)
        /// Not to be trusted: why.
        case unauthenticated(String)
    }

    /// Checks `response` to a request signed by `requestSigner` (after its `sign`).
    public static func check(
        response: UnsafeRawBufferPointer, requestSigner: TSIGSigner, now: UInt64
    ) -> ResponseCheck {
        guard let layout = layout(of: response), let range = layout.tsig else { return .unauthenticated("unsigned") }
        guard let record = try? TSIGRecord(message: response, range: range) else {
            return .unauthenticated("malformed TSIG")
        }
        if record.error != .none && record.error != .badTime { return .refusedOurs(record.error) }
        let verdict = verify(
            message: response, record: record, keyring: TSIGKeyring([requestSigner.key]), now: now,
            priorMAC: requestSigner.priorMAC)
        switch verdict {
        case .verified: return record.error == .none ? .verified : .refusedOurs(record.error)
        // The MAC is good; only the clocks disagree, which does not make the answer a forgery.
        case .rejected(.badTime, _, _): return record.error == .none ? .verified : .refusedOurs(record.error)
        case .rejected(let error, _, _): return .unauthenticated("\(error)")
        case .malformed: return .unauthenticated("malformed TSIG")
        }
    }
}
