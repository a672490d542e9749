import DNSSEC
import DNSWire
import DNSZone

/// The query pipeline: decode → answer → encode, with EDNS and truncation, as a
/// ``DatagramHandler``.
///
/// Each transport thread owns one responder, and the responder owns everything a query needs —
/// the decoded `Query`, the `Answer`, the `SignedAnswerEncoder`, a 64 KiB `WireWriter` — so once
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
/// loses additional RRsets — those that do not fit are left out, without TC, as Knot does with
/// additional data — and if it is still too big it is cut back to the question with TC set.
/// With DO, an RRset leaves with its RRSIGs; answer and authority (RRSIGs and NSEC3 proofs
/// included) are never cut apart, since a partial proof cannot validate (RFC 4035 §3.1.1).
/// Our OPT (payload size 1232, the DO bit echoed) is appended last and always fits.
public struct Responder: DatagramHandler {
    /// The UDP payload size we advertise (the DNS Flag Day 2020 value).
    public static let advertisedUDPSize: UInt16 = 1232
    /// The bytes of our OPT record: root owner, type, class, TTL, RDLENGTH 0.
    static let optSize = 11

    let store: ZoneStore
    var zones: ServingZones
    var generation: UInt64 = 0
    var query = Query()
    var answer = Answer()
    /// The additional RRsets of an answer being trimmed to fit.
    var spareAdditional: [AnswerRRset]
    /// Writes plain answers, and signed ones when DO is set and the zone has a signer.
    var encoder = SignedAnswerEncoder()
    var writer = WireWriter(capacity: 65535)

    public init(store: ZoneStore) {
        self.store = store
        self.zones = .empty
        self.spareAdditional = []
        self.spareAdditional.reserveCapacity(64)
    }

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
        let limit = sizeLimit(context.transport, capacity: response.count)
        if opcode != .query {
            writeError(.notImp, packet: packet)
        } else if malformed {
            writeError(.formErr, packet: packet)
        } else if query.hasEDNS && query.ednsVersion > 0 {
            writeError(.badVers, packet: packet)
        } else if query.qclass != .in || query.type == .axfr || query.type == .ixfr {
            writeError(.refused, packet: packet)
        } else {
            writeAnswer(packet: packet, limit: limit)
        }
        guard writer.count <= response.count else { return nil }
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

    /// Answers from the zones, trims to `limit`, appends OPT.
    mutating func writeAnswer(packet: UnsafeRawBufferPointer, limit: Int) {
        zones.zoneSet.answer(name: query.name, type: query.type, into: &answer)
        let room = limit - (query.hasEDNS ? Responder.optSize : 0)
        var layout = encode(packet: packet)
        if writer.count > room && layout.additionalCount > 0 {
            layout = trimAdditional(packet: packet, room: room)
            // Glue is not optional in a referral (RFC 9471 §3): with some left out, TC tells the
            // resolver to retry over TCP. Knot does the same.
            if writer.count <= room, case .referral = answer.kind, !answer.authoritative {
                writer.bytes[2] |= UInt8(Header.tcBit >> 8)
            }
        }
        if writer.count > room {
            AnswerEncoder.truncate(&writer, to: layout)
        }
        appendOPT(rcode: answer.rcode)
    }

    /// Writes the response for `answer`, signed if the zone has a signer and the client set DO.
    mutating func encode(packet: UnsafeRawBufferPointer) -> AnswerEncoder.ResponseLayout {
        // DNSSEC: the per-zone signer is looked up here, and only here (a scan of a few zones
        // by identity, only for DO queries).
        let signer = query.dnssecOK ? zones.signers.signer(for: answer.zone) : nil
        return encoder.encode(answer, for: query, packet: packet, signer: signer, into: &writer)
    }

    /// Keeps the additional RRsets that fit, in order, skipping those that do not (no TC: the
    /// additional section is optional data, RFC 2181 §9). Rare, so it simply re-encodes.
    mutating func trimAdditional(packet: UnsafeRawBufferPointer, room: Int) -> AnswerEncoder.ResponseLayout {
        spareAdditional.removeAll(keepingCapacity: true)
        spareAdditional.append(contentsOf: answer.additional)
        answer.additional.removeAll(keepingCapacity: true)
        var layout = encode(packet: packet)
        guard writer.count <= room else { return layout }
        var lastFits = true
        for item in spareAdditional {
            answer.additional.append(item)
            layout = encode(packet: packet)
            lastFits = writer.count <= room
            if !lastFits { answer.additional.removeLast() }
        }
        if !lastFits { layout = encode(packet: packet) }
        return layout
    }

    /// A response without answer data: header, the question if it decoded, OPT if the query had
    /// a readable one. BADVERS goes in OPT's extended rcode.
    mutating func writeError(_ rcode: RCode, packet: UnsafeRawBufferPointer) {
        writer.reset()
        let queryFlags = UInt16(packet[2]) << 8 | UInt16(packet[3])
        let flags = Header.qrBit | queryFlags & (0x7800 | Header.rdBit | Header.cdBit) | rcode.rawValue & 0xF
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
        appendOPT(rcode: rcode)
    }

    /// Appends our OPT record if the query had one, and counts it in ARCOUNT.
    mutating func appendOPT(rcode: RCode) {
        guard query.hasEDNS else { return }
        // Root owner, TYPE 41, CLASS (payload size), TTL (extended RCODE, version 0, DO), RDLENGTH 0:
        // one append.
        let extendedRCode = UInt8(truncatingIfNeeded: rcode.rawValue >> 4)
        let flags: UInt16 = query.dnssecOK ? 0x8000 : 0
        writer.writeRaw(count: Responder.optSize) { out in
            out.storeBytes(of: 0, as: UInt8.self)
            out.storeBytes(of: UInt16(41).bigEndian, toByteOffset: 1, as: UInt16.self)
            out.storeBytes(of: Responder.advertisedUDPSize.bigEndian, toByteOffset: 3, as: UInt16.self)
            out.storeBytes(of: extendedRCode, toByteOffset: 5, as: UInt8.self)
            out.storeBytes(of: 0, toByteOffset: 6, as: UInt8.self)
            out.storeBytes(of: flags.bigEndian, toByteOffset: 7, as: UInt16.self)
            out.storeBytes(of: 0, toByteOffset: 9, as: UInt16.self)
        }
        let additional = UInt16(writer.bytes[10]) << 8 | UInt16(writer.bytes[11])
        writer.patchUInt16(additional + 1, at: 10)
    }
}

/// Makes one ``Responder`` per transport thread, all reading the same ``ZoneStore``.
public struct ResponderFactory: DatagramHandlerFactory {
    public let store: ZoneStore

    public init(store: ZoneStore) { self.store = store }

    public func makeHandler() -> Responder { Responder(store: store) }
}
