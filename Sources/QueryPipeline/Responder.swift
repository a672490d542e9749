import DNSSEC
import DNSWire
import DNSZone

/// The query pipeline: one query message in, one response message out, with no sockets.
///
/// The plan, as in Knot's nameserver: decode → protocol checks → the stages' `admit` → answer
/// (DNSZone) → encode, signed when the client set DO and the zone has a signer (DNSSEC's records
/// and proofs written by the same section loop as the plain ones) → fit to size → OPT → the
/// stages' `finish`. See `QueryStage` for where cookies, rate limits, TSIG and transfers plug in.
///
/// Each transport thread owns one responder, and the responder owns everything a query needs —
/// the decoded `Query`, the `Answer`, the `ResponseEncoder`, a 64 KiB `WireWriter` — so once
/// warmed up a query allocates nothing: the response is built in the writer and copied into the
/// transport's buffer. Signed answers too, once the zone's signature cache holds the RRSIGs.
///
/// What is answered how (as Knot and NSD do):
/// - shorter than a header, or QR set: dropped, never answered (no reflection of responses);
/// - opcode other than QUERY (NOTIFY and UPDATE too; there are no secondaries): NOTIMP;
/// - malformed: FORMERR with the query's id and opcode, the question only if it decoded, and OPT
///   if the query's OPT could be read;
/// - EDNS version above 0: BADVERS (extended rcode 16) with an OPT of version 0;
/// - a class other than IN, or a name outside every zone: REFUSED; AXFR/IXFR: REFUSED;
/// - otherwise the zone's answer. Responses carry the query's id, question (in its own case), RD
///   and CD; QR always, AA when authoritative, RA never.
///
/// Sizes: over UDP the limit is the client's EDNS size (512 without EDNS, never less than 512,
/// never more than the transport's buffer); over TCP it is 65535. A response over the limit first
/// loses additional RRsets — each that does not fit is left out, without TC, as Knot does with
/// additional data, except glue in a referral (RFC 9471 §3) — and if it is still too big it is
/// cut back to the question with TC set. Our OPT (payload size 1232, the DO bit echoed) is
/// appended last and always fits.
public struct Responder<Stages: QueryStage> {
    /// The UDP payload size we advertise (the DNS Flag Day 2020 value).
    public static var advertisedUDPSize: UInt16 { 1232 }
    /// The bytes of our OPT record without options: root owner, type, class, TTL, RDLENGTH.
    static var optSize: Int { 11 }

    let store: ZoneStore
    var zones: ServingZones
    var generation: UInt64 = 0
    var query = Query()
    var answer = Answer()
    var encoder = ResponseEncoder()
    var writer = WireWriter(capacity: 65535)
    public var stages: Stages

    public init(store: ZoneStore, stages: Stages) {
        self.store = store
        self.zones = .empty
        self.stages = stages
    }

    /// Writes the response to the message `packet` into `response` and returns its length, or nil
    /// to send nothing. `response.count` is the most the transport can carry.
    public mutating func respond(
        to packet: UnsafeRawBufferPointer, context: QueryContext, into response: UnsafeMutableRawBufferPointer
    ) -> Int? {
        guard packet.count >= Header.size, packet[2] & 0x80 == 0 else { return nil }
        if store.generation != generation { (zones, generation) = store.snapshot() }

        let opcode = Opcode(rawValue: packet[2] >> 3 & 0xF)
        // Decode even a non-QUERY message, to learn its question and OPT for the error response.
        query.questionEnd = Header.size
        var malformed = false
        // Typed, so a malformed query does not box its error in an existential (an allocation).
        do throws(WireError) {
            try query.decode(packet)
        } catch {
            malformed = true
        }
        if opcode != .query {
            writeError(.notImp, packet: packet, context: context)
        } else if malformed {
            writeError(.formErr, packet: packet, context: context)
        } else if query.hasEDNS && query.ednsVersion > 0 {
            writeError(.badVers, packet: packet, context: context)
        } else if query.qclass != .in || query.type == .axfr || query.type == .ixfr {
            writeError(.refused, packet: packet, context: context)
        } else {
            switch stages.admit(query, packet: packet, context: context) {
            case .proceed:
                writeAnswer(
                    packet: packet, limit: sizeLimit(context.transport, capacity: response.count), context: context)
            case .respond(let rcode):
                writeError(rcode, packet: packet, context: context)
            case .drop:
                return nil
            }
        }
        guard stages.finish(&writer, query: query, answer: answer, context: context) == .send,
            writer.count <= response.count
        else { return nil }
        writer.bytes.withUnsafeBytes { response.copyMemory(from: $0) }
        return writer.count
    }

    /// The largest response for this query: see the type's documentation.
    func sizeLimit(_ transport: TransportKind, capacity: Int) -> Int {
        switch transport {
        case .tcp:
            return min(65535, capacity)
        case .udp:
            let asked = query.hasEDNS ? max(512, Int(query.udpPayloadSize)) : 512
            return min(asked, capacity)
        }
    }

    /// Answers from the zones, fits the response to `limit`, appends OPT.
    mutating func writeAnswer(packet: UnsafeRawBufferPointer, limit: Int, context: QueryContext) {
        zones.zoneSet.answer(name: query.name, type: query.type, into: &answer)
        let room = limit - (query.hasEDNS ? Self.optSize + stages.optionsRoom : 0)
        // DNSSEC: the zone's signer, by the index of the zone that answered.
        let signer = query.dnssecOK ? zones.signer(ofZone: answer.zoneIndex) : nil
        if signer != nil {
            encoder.dnssec.freshAllowed = stages.permitsFreshSignatures(query: query, context: context)
            encoder.dnssec.freshSigned = 0
            encoder.dnssec.freshRefused = false
        }
        let layout = encoder.encode(answer, for: query, packet: packet, signer: signer, room: room, into: &writer)
        if signer != nil, encoder.dnssec.freshSigned > 0 {
            stages.spentFreshSignatures(encoder.dnssec.freshSigned, query: query, context: context)
        }
        if writer.count > room || (signer != nil && encoder.dnssec.freshRefused) {
            ResponseEncoder.truncate(&writer, to: layout)
        } else if layout.additionalDropped > 0, case .referral = answer.kind, !answer.authoritative {
            // Glue is not optional in a referral (RFC 9471 §3): with some left out, TC tells the
            // resolver to retry over TCP. Knot does the same.
            writer.bytes[2] |= UInt8(Header.tcBit >> 8)
        }
        appendOPT(rcode: answer.rcode, context: context)
    }

    /// A response without answer data: header, the question if it decoded, OPT if the query had
    /// a readable one. BADVERS goes in OPT's extended rcode.
    /// The answer is emptied, so the stages' `finish` sees none; an answered query's is reset by
    /// the answer logic itself.
    mutating func writeError(_ rcode: RCode, packet: UnsafeRawBufferPointer, context: QueryContext) {
        answer.reset()
        // For the stages' `finish`: a rate limiter's slip rewrites OPT, whose extended RCODE
        // (BADVERS) must survive.
        answer.rcode = rcode
        writer.reset()
        let queryFlags = UInt16(packet[2]) << 8 | UInt16(packet[3])
        let flags = Header.qrBit | queryFlags & ResponseEncoder.echoedFlags | rcode.rawValue & 0xF
        let hasQuestion = query.questionEnd > Header.size
        writer.writeBytes(UnsafeRawBufferPointer(rebasing: packet[0..<2]))
        writer.writeUInt16(flags)
        writer.writeUInt16(hasQuestion ? 1 : 0)
        writer.writeUInt16(0)
        writer.writeUInt16(0)
        writer.writeUInt16(0)
        if hasQuestion {
            writer.writeBytes(UnsafeRawBufferPointer(rebasing: packet[Header.size..<query.questionEnd]))
        }
        appendOPT(rcode: rcode, context: context)
    }

    /// Appends our OPT record if the query had one, with the stages' options, and counts it in
    /// ARCOUNT.
    mutating func appendOPT(rcode: RCode, context: QueryContext) {
        guard query.hasEDNS else { return }
        let lengthAt = ResponseEncoder.appendOPT(to: &writer, query: query, rcode: rcode)
        let options = stages.writeOptions(for: query, context: context, into: &writer)
        if options > 0 { writer.patchUInt16(UInt16(options), at: lengthAt) }
    }
}

extension ResponseEncoder {
    /// Appends an OPT record answering `query`'s (our UDP size, DO echoed, the extended bits of
    /// `rcode`, no options) and counts it in ARCOUNT. Returns where its RDLENGTH is, for options
    /// written right after it.
    public static func appendOPT(to writer: inout WireWriter, query: Query, rcode: RCode) -> Int {
        // Root owner, TYPE 41, CLASS (payload size), TTL (extended RCODE, version 0, DO), RDLENGTH:
        // one append.
        let extendedRCode = UInt8(truncatingIfNeeded: rcode.rawValue >> 4)
        let flags: UInt16 = query.dnssecOK ? 0x8000 : 0
        writer.writeRaw(count: 11) { out in
            out.storeBytes(of: 0, as: UInt8.self)
            out.storeBytes(of: UInt16(41).bigEndian, toByteOffset: 1, as: UInt16.self)
            out.storeBytes(of: Responder<NoStages>.advertisedUDPSize.bigEndian, toByteOffset: 3, as: UInt16.self)
            out.storeBytes(of: extendedRCode, toByteOffset: 5, as: UInt8.self)
            out.storeBytes(of: 0, toByteOffset: 6, as: UInt8.self)
            out.storeBytes(of: flags.bigEndian, toByteOffset: 7, as: UInt16.self)
            out.storeBytes(of: 0, toByteOffset: 9, as: UInt16.self)
        }
        let additional = UInt16(writer.bytes[10]) << 8 | UInt16(writer.bytes[11])
        writer.patchUInt16(additional + 1, at: 10)
        return writer.count - 2
    }

    /// Cuts a finished response to its header and question, with TC set and the other counts
    /// zeroed. Names written after it are not compressed against what was cut (only raw records,
    /// such as OPT, may follow).
    public static func truncate(_ writer: inout WireWriter, questionEnd: Int) {
        guard writer.count >= questionEnd else { return }
        writer.bytes.removeSubrange(questionEnd...)
        writer.bytes[2] |= UInt8(Header.tcBit >> 8)
        for offset in 6..<12 { writer.bytes[offset] = 0 }
    }
}

extension Responder where Stages == NoStages {
    /// The plain pipeline, with no stages.
    public init(store: ZoneStore) { self.init(store: store, stages: NoStages()) }
}
