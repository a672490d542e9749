import DNSWire

#if canImport(Glibc)
import Glibc
#endif

/// TSIG (RFC 8945): verifying a signed request, and signing messages — single responses, every
/// message of a multi-message transfer (each MAC chained to the one before), and our own requests
/// (NOTIFY). Pure computation over message bytes: the transport and the ACLs are the caller's.
public enum TSIG {
    /// The fudge Sigil signs with and BIND, Knot and NSD default to: five minutes of clock skew.
    public static let defaultFudge: UInt16 = 300

    /// What verifying a request's TSIG decided.
    public enum Verdict: Sendable {
        /// Good MAC, time within fudge: answer, signing each response message with `signer`.
        case verified(TSIGSigner)
        /// Answer NOTAUTH with this error (RFC 8945 §5.2). For BADTIME the response is signed with
        /// `signer` (and carries the server's time); for BADKEY and BADSIG it is not (`signer` nil).
        case rejected(TSIGError, record: TSIGRecord, signer: TSIGSigner?)
        /// A MAC longer than the algorithm's, or a record that does not parse: FORMERR.
        case malformed
    }

    /// Verifies the TSIG record at `range` of `message` (as `Query.decode` found it). `now` is
    /// seconds since the epoch.
    public static func verify(
        message: UnsafeRawBufferPointer, range: Range<Int>, keyring: TSIGKeyring, now: UInt64
    ) -> Verdict {
        guard let record = try? TSIGRecord(message: message, range: range) else { return .malformed }
        return verify(message: message, record: record, keyring: keyring, now: now, priorMAC: nil)
    }

    /// Verifies `record` of `message`; `priorMAC` is the request's MAC when `message` is a response
    /// to a request we signed (RFC 8945 §4.3.3).
    public static func verify(
        message: UnsafeRawBufferPointer, record: TSIGRecord, keyring: TSIGKeyring, now: UInt64, priorMAC: [UInt8]?
    ) -> Verdict {
        guard let key = keyring.key(named: record.keyName), let algorithm = TSIGAlgorithm(wire: record.algorithmWire),
            algorithm == key.algorithm
        else { return .rejected(.badKey, record: record, signer: nil) }
        // Truncation (RFC 8945 §5.2.2.1): longer than the HMAC is malformed; shorter than the
        // larger of 10 octets and half the HMAC is not accepted; in between, the prefix must match.
        guard record.mac.count <= algorithm.macLength else { return .malformed }
        guard record.mac.count >= algorithm.shortestMAC else { return .rejected(.badSig, record: record, signer: nil) }
        let variables = Variables(
            keyName: record.keyName, algorithm: algorithm, timeSigned: record.timeSigned, fudge: record.fudge,
            error: record.error, otherData: record.otherData)
        guard
            let expected = try? computeMAC(
                key: key, priorMAC: priorMAC, message: UnsafeRawBufferPointer(rebasing: message[..<record.start]),
                originalID: record.originalID, removedRecords: 1, variables: variables, timersOnly: false)
        else { return .rejected(.badSig, record: record, signer: nil) }
        guard constantTimeEqual(Array(expected[..<record.mac.count]), record.mac) else {
            return .rejected(.badSig, record: record, signer: nil)
        }
        let signer = TSIGSigner(key: key, priorMAC: record.mac, macLength: record.mac.count)
        // Time after the MAC (RFC 8945 §5.2.3), so an unauthenticated sender learns nothing of our clock.
        let skew = now > record.timeSigned ? now - record.timeSigned : record.timeSigned - now
        guard skew <= UInt64(record.fudge) else {
            var signer = signer
            signer.requestTimeSigned = record.timeSigned
            return .rejected(.badTime, record: record, signer: signer)
        }
        return .verified(signer)
    }

    /// The TSIG variables of RFC 8945 §4.3.3 (all but name and algorithm are the "timers" and after).
    struct Variables {
        var keyName: DNSName
        var algorithm: TSIGAlgorithm
        var timeSigned: UInt64
        var fudge: UInt16
        var error: TSIGError
        var otherData: [UInt8]
    }

    /// The MAC over: the prior MAC (with its length) if any, the message with its header's ID set to
    /// `originalID` and ARCOUNT reduced by `removedRecords`, then the TSIG variables (or only the
    /// timers, for the second and later messages of a transfer).
    static func computeMAC(
        key: TSIGKey, priorMAC: [UInt8]?, message: UnsafeRawBufferPointer, originalID: UInt16, removedRecords: UInt16,
        variables: Variables, timersOnly: Bool
    ) throws(TSIGFailure) -> [UInt8] {
        guard message.count >= 12 else { throw TSIGFailure("message shorter than a header") }
        let hmac = try HMAC(key.algorithm, secret: key.secret)
        if let priorMAC {
            hmac.update(UInt16(priorMAC.count))
            hmac.update(priorMAC)
        }
        hmac.update(originalID)
        hmac.update(UnsafeRawBufferPointer(rebasing: message[2..<10]))
        let additional = UInt16(message[10]) << 8 | UInt16(message[11])
        hmac.update(additional &- removedRecords)
        hmac.update(UnsafeRawBufferPointer(rebasing: message[12...]))
        var tail: [UInt8] = []
        if !timersOnly {
            tail += variables.keyName.lowercased().wire
            tail += [0, 255, 0, 0, 0, 0]  // CLASS ANY, TTL 0
            tail += variables.algorithm.nameWire
        }
        tail += time48(variables.timeSigned)
        tail += [UInt8(variables.fudge >> 8), UInt8(variables.fudge & 0xFF)]
        if !timersOnly {
            tail += [UInt8(variables.error.rawValue >> 8), UInt8(variables.error.rawValue & 0xFF)]
            tail += [UInt8(variables.otherData.count >> 8), UInt8(variables.otherData.count & 0xFF)]
            tail += variables.otherData
        }
        hmac.update(tail)
        return hmac.finish()
    }

    static func time48(_ time: UInt64) -> [UInt8] {
        (0..<6).map { UInt8(truncatingIfNeeded: time >> (8 * (5 - $0))) }
    }

    static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}

/// Signs the messages of one exchange with one key (RFC 8945 §4.3, §5.3): a request we send, the
/// response to a verified request, or each message of a multi-message response, whose MACs chain
/// (each covers the one before; the second and later cover only the timers of the variables).
public struct TSIGSigner: Sendable {
    public let key: TSIGKey
    /// The MAC the next message's MAC covers first: the request's for a response, the previous
    /// message's within a transfer; nil for a request.
    public private(set) var priorMAC: [UInt8]?
    /// The MAC length to send: the request's, if it truncated its own (RFC 8945 §5.3.1).
    let macLength: Int
    /// Set for a BADTIME answer: the time signed it repeats (the server's own goes in other data).
    var requestTimeSigned: UInt64? = nil
    /// How many messages this signer has signed.
    public private(set) var messagesSigned = 0

    /// A signer for a request we send with `key`.
    public init(key: TSIGKey) {
        self.key = key
        self.priorMAC = nil
        self.macLength = key.algorithm.macLength
    }

    /// A signer for a request we send with `key`, its MAC truncated to `length` bytes (RFC 8945
    /// §5.2.2.1: a receiver accepts no fewer than the larger of 10 bytes and half the HMAC).
    public init(key: TSIGKey, truncatedTo length: Int) {
        self.key = key
        self.priorMAC = nil
        self.macLength = min(length, key.algorithm.macLength)
    }

    init(key: TSIGKey, priorMAC: [UInt8], macLength: Int) {
        self.key = key
        self.priorMAC = priorMAC
        self.macLength = macLength
    }

    /// Appends a TSIG record to the message in `writer` (which must not hold one) and counts it in
    /// ARCOUNT. `now` is seconds since the epoch.
    public mutating func sign(_ writer: inout WireWriter, now: UInt64, error: TSIGError = .none) throws(TSIGFailure) {
        let id = UInt16(writer.bytes[0]) << 8 | UInt16(writer.bytes[1])
        var variables = TSIG.Variables(
            keyName: key.name, algorithm: key.algorithm, timeSigned: now, fudge: TSIG.defaultFudge, error: error,
            otherData: [])
        if error == .badTime, let requestTime = requestTimeSigned {
            variables.timeSigned = requestTime
            variables.otherData = TSIG.time48(now)
        }
        let prior = priorMAC
        let timersOnly = messagesSigned > 0
        let result = writer.bytes.withUnsafeBytes { message in
            Result { () throws(TSIGFailure) in
                try TSIG.computeMAC(
                    key: key, priorMAC: prior, message: message, originalID: id, removedRecords: 0,
                    variables: variables, timersOnly: timersOnly)
            }
        }
        var mac = try result.get()
        if macLength < mac.count { mac.removeLast(mac.count - macLength) }
        TSIGSigner.append(record: variables, mac: mac, originalID: id, to: &writer)
        priorMAC = mac
        messagesSigned += 1
    }

    /// Appends an unsigned TSIG record (empty MAC) carrying `error`: the BADKEY and BADSIG answers.
    public static func appendUnsigned(
        error: TSIGError, record: TSIGRecord, now: UInt64, to writer: inout WireWriter
    ) {
        let algorithm = TSIGAlgorithm(wire: record.algorithmWire)
        let variables = TSIG.Variables(
            keyName: record.keyName, algorithm: algorithm ?? .hmacSHA256, timeSigned: now, fudge: record.fudge,
            error: error, otherData: [])
        let id = UInt16(writer.bytes[0]) << 8 | UInt16(writer.bytes[1])
        append(record: variables, mac: [], originalID: id, algorithmWire: record.algorithmWire, to: &writer)
    }

    static func append(
        record: TSIG.Variables, mac: [UInt8], originalID: UInt16, algorithmWire: [UInt8]? = nil,
        to writer: inout WireWriter
    ) {
        writer.writeBytes(record.keyName.lowercased().wire)
        writer.writeUInt16(RRType.tsig.rawValue)
        writer.writeUInt16(255)  // CLASS ANY
        writer.writeUInt32(0)
        let lengthAt = writer.count
        writer.writeUInt16(0)
        writer.writeBytes(algorithmWire ?? record.algorithm.nameWire)
        writer.writeBytes(TSIG.time48(record.timeSigned))
        writer.writeUInt16(record.fudge)
        writer.writeUInt16(UInt16(mac.count))
        writer.writeBytes(mac)
        writer.writeUInt16(originalID)
        writer.writeUInt16(record.error.rawValue)
        writer.writeUInt16(UInt16(record.otherData.count))
        writer.writeBytes(record.otherData)
        writer.patchUInt16(UInt16(writer.count - lengthAt - 2), at: lengthAt)
        let additional = UInt16(writer.bytes[10]) << 8 | UInt16(writer.bytes[11])
        writer.patchUInt16(additional + 1, at: 10)
    }
}

extension TSIG {
    /// The NOTAUTH answer to a request whose TSIG failed (RFC 8945 §5.2): the question echoed, and
    /// a TSIG record carrying the error — unsigned for BADKEY and BADSIG, signed (with the
    /// server's time in other data) for BADTIME.
    public static func errorResponse(
        to query: UnsafeRawBufferPointer, questionEnd: Int, error: TSIGError, record: TSIGRecord,
        signer: TSIGSigner?, now: UInt64
    ) -> [UInt8] {
        var writer = WireWriter(capacity: 512)
        writer.writeUInt16(UInt16(query[0]) << 8 | UInt16(query[1]))
        let opcodeAndRD = (UInt16(query[2]) << 8) & 0x7900
        writer.writeUInt16(0x8000 | opcodeAndRD | RCode.notAuth.rawValue)
        writer.writeUInt16(questionEnd > 12 ? 1 : 0)
        writer.writeUInt16(0)
        writer.writeUInt16(0)
        writer.writeUInt16(0)
        writer.writeBytes(UnsafeRawBufferPointer(rebasing: query[12..<questionEnd]))
        if error == .badTime, var signer {
            if (try? signer.sign(&writer, now: now, error: .badTime)) == nil {
                TSIGSigner.appendUnsigned(error: error, record: record, now: now, to: &writer)
            }
        } else {
            TSIGSigner.appendUnsigned(error: error, record: record, now: now, to: &writer)
        }
        return writer.bytes
    }

    /// Seconds since the epoch, as TSIG's time signed counts them.
    public static func currentTime() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return UInt64(spec.tv_sec)
    }
}
