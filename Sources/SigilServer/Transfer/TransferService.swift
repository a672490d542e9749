import DNSSEC
import DNSWire
import DNSZone
import Logging
import NIOCore
import QueryPipeline
import Synchronization
import TSIG
import ZoneJournal
import ZoneTransfer

/// Zone transfers, NOTIFY and TSIG for the served zones, shared by every transport thread.
///
/// Reads the zones from the catalog's ``ZoneStore`` and each zone's `transfer:` list from the
/// catalog's loaded configuration, so a SIGHUP reload changes both; the TSIG keys are replaced by
/// ``updateKeys(_:)`` on each (re)load. Nothing here is on the UDP query path.
///
/// Seams for what builds on it (package access): ``authenticate(_:_:now:)`` verifies a request's TSIG
/// and gives the signer for its answers; ``servedZone(_:)`` finds a zone with its signer and config;
/// ``stream(for:context:)`` is where IXFR is told apart from AXFR (today IXFR gets the whole zone in
/// AXFR form, RFC 1995 §4) and ``respond(to:context:into:)`` where other opcodes (UPDATE) are
/// answered; `TransferResponseStream` signs each message of any `AXFRStream`-like source; the
/// `NotifyService` notices every new serial by itself.
public final class TransferService: Sendable {
    let catalog: ZoneCatalog
    let logger: Logger
    private let keyring: Mutex<TSIGKeyring>

    public init(catalog: ZoneCatalog, keyring: TSIGKeyring, logger: Logger) {
        self.catalog = catalog
        self.keyring = Mutex(keyring)
        self.logger = logger
    }

    /// The TSIG keys, as of the last (re)load.
    package var keys: TSIGKeyring { keyring.withLock { $0 } }

    public func updateKeys(_ keys: TSIGKeyring) { keyring.withLock { $0 = keys } }

    /// A served zone by exact origin: its zone, signer and configuration.
    package func servedZone(_ name: DNSName) -> (zone: Zone, signer: ZoneSigner?, config: ZoneConfig)? {
        let (zones, _) = catalog.store.snapshot()
        let lower = name.lowercased()
        for (index, zone) in zones.zoneSet.zones.enumerated() where zone.origin.lowercased() == lower {
            guard let loaded = catalog.serving.first(where: { $0.config.origin.lowercased() == lower }) else {
                return nil
            }
            return (zone, zones.signer(ofZone: index), loaded.config)
        }
        return nil
    }

    // MARK: - Requests

    /// What a request's TSIG (if any) decided.
    package enum Authentication {
        case unsigned
        case verified(TSIGSigner)
        /// The answer is this error response; nothing else is done.
        case failed([UInt8])
    }

    package func authenticate(_ message: UnsafeRawBufferPointer, _ query: Query, now: UInt64) -> Authentication {
        guard let range = query.tsig else { return .unsigned }
        switch TSIG.verify(message: message, range: range, keyring: keys, now: now) {
        case .verified(let signer): return .verified(signer)
        case .rejected(let error, let record, let signer):
            logger.info("TSIG \(error) from key \(record.keyName.text)")
            return .failed(
                TSIG.errorResponse(
                    to: message, questionEnd: query.questionEnd, error: error, record: record, signer: signer, now: now
                ))
        case .malformed:
            return .failed(Self.plainResponse(to: message, questionEnd: query.questionEnd, rcode: .formErr))
        }
    }

    /// A response with only the question (copied), `rcode` and AA as given; signed if `signer`.
    package static func plainResponse(
        to message: UnsafeRawBufferPointer, questionEnd: Int, rcode: RCode, authoritative: Bool = false,
        signer: TSIGSigner? = nil, now: UInt64 = 0
    ) -> [UInt8] {
        var writer = WireWriter(capacity: 512)
        writer.writeUInt16(UInt16(message[0]) << 8 | UInt16(message[1]))
        let echoed = (UInt16(message[2]) << 8 | UInt16(message[3])) & 0x7910  // opcode, RD, CD
        writer.writeUInt16(0x8000 | echoed | (authoritative ? 0x0400 : 0) | (rcode.rawValue & 0xF))
        writer.writeUInt16(questionEnd > 12 ? 1 : 0)
        writer.writeUInt16(0)
        writer.writeUInt16(0)
        writer.writeUInt16(0)
        writer.writeBytes(UnsafeRawBufferPointer(rebasing: message[12..<questionEnd]))
        if var signer { try? signer.sign(&writer, now: now) }
        return writer.bytes
    }

    /// The header (TC set, counts but the question's zeroed) and question of `answer`, signed.
    static func truncatedAnswer(
        _ answer: UnsafeMutableRawBufferPointer, questionEnd: Int, signer: TSIGSigner, now: UInt64
    ) -> [UInt8] {
        var signer = signer
        var writer = WireWriter(capacity: 512)
        writer.writeUInt16(UInt16(answer[0]) << 8 | UInt16(answer[1]))
        writer.writeUInt16((UInt16(answer[2]) << 8 | UInt16(answer[3])) | 0x0200)
        writer.writeUInt16(questionEnd > 12 ? 1 : 0)
        writer.writeUInt16(0)
        writer.writeUInt16(0)
        writer.writeUInt16(0)
        writer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(answer)[12..<questionEnd]))
        try? signer.sign(&writer, now: now)
        return writer.bytes
    }

    /// Signs the pipeline's answer (`length` bytes of `answer`) to a query carrying a TSIG record at
    /// `tsig`, or replaces it with the TSIG error answer; nil drops it (it no longer fits).
    func signAnswer(
        to message: UnsafeRawBufferPointer, tsig: Range<Int>, questionEnd: Int,
        answer: UnsafeMutableRawBufferPointer, length: Int, limit: Int
    ) -> Int? {
        let now = TSIG.currentTime()
        var bytes: [UInt8]
        switch TSIG.verify(message: message, range: tsig, keyring: keys, now: now) {
        case .verified(let verified):
            var signer = verified
            var writer = WireWriter(capacity: length + 256)
            writer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(answer)[..<length]))
            do {
                try signer.sign(&writer, now: now)
            } catch {
                return nil
            }
            bytes = writer.bytes
            if bytes.count > limit {
                // The TSIG record pushed the answer past the client's size: send the header and
                // question with TC, signed, so the client retries over TCP (RFC 8945 §5.3).
                bytes = Self.truncatedAnswer(answer, questionEnd: questionEnd, signer: verified, now: now)
            }
        case .rejected(let error, let record, let signer):
            logger.info("TSIG \(error) from key \(record.keyName.text)")
            bytes = TSIG.errorResponse(
                to: message, questionEnd: questionEnd, error: error, record: record, signer: signer, now: now)
        case .malformed:
            bytes = Self.plainResponse(to: message, questionEnd: questionEnd, rcode: .formErr)
        }
        guard bytes.count <= answer.count else { return nil }
        answer.copyBytes(from: bytes)
        return bytes.count
    }

    /// Answers a non-QUERY message (NOTIFY), or nil to let the query pipeline answer it.
    func respond(
        to message: UnsafeRawBufferPointer, context: QueryContext, into response: UnsafeMutableRawBufferPointer
    ) -> Int? {
        if Self.isUpdate(message) {
            guard let bytes = respondToUpdate(message, context: context), bytes.count <= response.count else {
                return nil
            }
            response.copyBytes(from: bytes)
            return bytes.count
        }
        var query = Query()
        guard (try? query.decode(message)) != nil, query.opcode == .notify else { return nil }
        let bytes = respondToNotify(message, query, context: context)
        guard bytes.count <= response.count else { return nil }
        response.copyBytes(from: bytes)
        return bytes.count
    }

    /// A NOTIFY to a primary (RFC 1996 §3.7): Sigil serves its zones from files, so it has nothing to
    /// fetch; it acknowledges for a zone it serves (NOERROR, AA) and refuses others (NOTAUTH).
    func respondToNotify(_ message: UnsafeRawBufferPointer, _ query: Query, context: QueryContext) -> [UInt8] {
        let now = TSIG.currentTime()
        var signer: TSIGSigner? = nil
        switch authenticate(message, query, now: now) {
        case .failed(let answer): return answer
        case .verified(let verified): signer = verified
        case .unsigned: break
        }
        let known = query.type == .soa && servedZone(query.questionName) != nil
        logger.debug("NOTIFY for \(query.questionName.text) from \(context.peer)")
        return Self.plainResponse(
            to: message, questionEnd: query.questionEnd, rcode: known ? .noError : .notAuth, authoritative: known,
            signer: signer, now: now)
    }

    /// The response stream for an AXFR or IXFR request over TCP; nil for anything else (answered by
    /// the query pipeline).
    func stream(for message: UnsafeRawBufferPointer, context: QueryContext) -> (any ResponseStream)? {
        guard Self.isTransferRequest(message) else { return nil }
        var query = Query()
        guard (try? query.decode(message)) != nil, query.opcode == .query else { return nil }
        let now = TSIG.currentTime()
        var signer: TSIGSigner? = nil
        var keyName: DNSName? = nil
        switch authenticate(message, query, now: now) {
        case .failed(let answer): return SingleMessageStream(answer)
        case .verified(let verified):
            signer = verified
            keyName = verified.key.name
        case .unsigned: break
        }
        func refuse(_ rcode: RCode, _ why: String) -> any ResponseStream {
            logger.info("\(query.type) of \(query.questionName.text) from \(context.peer) refused: \(why)")
            return SingleMessageStream(
                Self.plainResponse(
                    to: message, questionEnd: query.questionEnd, rcode: rcode, signer: signer, now: now))
        }
        guard query.qclass == .in else { return refuse(.refused, "class") }
        guard let served = servedZone(query.questionName) else {
            return refuse(.notAuth, "not a zone served here")
        }
        guard served.config.transfer.allows(context.peer.address, key: keyName) else {
            return refuse(.refused, keyName == nil ? "not allowed without a key" : "not allowed (address or key)")
        }
        if query.type == .ixfr,
            let ixfr = ixfrStream(
                message, questionEnd: query.questionEnd, origin: served.zone.origin, servedSerial: served.zone.serial,
                signer: signer)
        {
            return ixfr
        }
        let question = Array(UnsafeRawBufferPointer(rebasing: message[12..<query.questionEnd]))
        let who = "\(context.peer)\(keyName.map { " key \($0.text)" } ?? "")"
        // A journaled zone is sent from its image: the version, signatures included, that later
        // IXFRs start from.
        if served.config.isJournaled, let history = catalog.journals.entry(origin: served.zone.origin)?.history,
            let image = history.transfer(
                id: query.id, queryFlags: query.flags, question: question, messageLimit: 65535 - 512),
            image.serial == served.zone.serial
        {
            logger.info("\(query.type) of \(served.zone.origin.text) to \(who) from the journal's image")
            return TransferResponseStream(axfr: image, signer: signer, logger: logger, peer: context.peer)
        }
        do {
            let axfr = try AXFRStream(
                zone: served.zone, signer: served.signer, id: query.id, queryFlags: query.flags, question: question,
                now: Int64(now))
            logger.info(
                "\(query.type) of \(served.zone.origin.text) to \(context.peer)\(keyName.map { " key \($0.text)" } ?? "")"
            )
            return TransferResponseStream(axfr: axfr, signer: signer, logger: logger, peer: context.peer)
        } catch {
            logger.error("\(query.type) of \(served.zone.origin.text) failed: \(error)")
            return refuse(.servFail, "\(error)")
        }
    }

    /// Whether the question's type is AXFR or IXFR: read without decoding the whole message, as
    /// every TCP query passes here.
    static func isTransferRequest(_ message: UnsafeRawBufferPointer) -> Bool {
        guard message.count > 12, message[2] & 0xF8 == 0 else { return false }
        var offset = 12
        while offset < message.count, message[offset] != 0 {
            guard message[offset] < 64 else { return false }
            offset += 1 + Int(message[offset])
        }
        guard offset + 2 < message.count else { return false }
        let type = UInt16(message[offset + 1]) << 8 | UInt16(message[offset + 2])
        return type == RRType.axfr.rawValue || type == RRType.ixfr.rawValue
    }
}

/// What makes an AXFR's messages: the zone and its signer (`AXFRStream`) or a journaled zone's
/// image (`ImageTransfer`).
protocol TransferMessages {
    var origin: DNSName { get }
    /// Set when the source failed mid-transfer: the transfer is cut off.
    var failed: Bool { get }
    var messagesWritten: Int { get }
    var recordsWritten: Int { get }
    mutating func next(into writer: inout WireWriter) -> Bool
}

extension AXFRStream: TransferMessages {
    var origin: DNSName { zone.origin }
    var failed: Bool { false }
}

extension ImageTransfer: TransferMessages {}

/// An AXFR's messages, each signed when the request was (RFC 8945 §5.3.1: every message, each MAC
/// covering the previous one).
final class TransferResponseStream<Messages: TransferMessages>: ResponseStream {
    private var axfr: Messages
    private var signer: TSIGSigner?
    private var writer = WireWriter(capacity: 65535)
    private let logger: Logger
    private let peer: IPEndpoint

    init(axfr: Messages, signer: TSIGSigner?, logger: Logger, peer: IPEndpoint) {
        self.axfr = axfr
        self.signer = signer
        self.logger = logger
        self.peer = peer
    }

    func next(into response: UnsafeMutableRawBufferPointer) -> Int? {
        guard makeNext(), writer.count <= response.count else { return nil }
        writer.bytes.withUnsafeBytes { response.copyBytes(from: $0) }
        return writer.count
    }

    /// The message framed straight from the writer: one copy of each message on its way to the socket.
    func nextFramed(allocator: ByteBufferAllocator, scratch: UnsafeMutableRawBufferPointer) -> ByteBuffer? {
        guard makeNext(), writer.count <= 65535 else { return nil }
        return writer.bytes.withUnsafeBytes { ByteBuffer.framed($0, allocator: allocator) }
    }

    /// Writes the next message, signed, into `writer`; false when there is none.
    private func makeNext() -> Bool {
        guard axfr.next(into: &writer), !axfr.failed else {
            if axfr.failed {
                logger.error("AXFR of \(axfr.origin.text) to \(peer) cut off: the journal's image is damaged")
                return false
            }
            logger.info(
                "AXFR of \(axfr.origin.text) to \(peer) done: \(axfr.messagesWritten) messages, \(axfr.recordsWritten) records"
            )
            return false
        }
        if signer != nil {
            do {
                try signer!.sign(&writer, now: TSIG.currentTime())
            } catch {
                logger.error("TSIG signing failed: \(error)")
                return false
            }
        }
        return true
    }
}
