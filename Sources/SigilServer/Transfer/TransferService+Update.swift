import DNSWire
import DynamicUpdate
import QueryPipeline
import TSIG
import ZoneTransfer

/// RFC 2136 UPDATE: TSIG and the zone's `update:` list decide who may; the catalog applies it.
extension TransferService {
    /// Whether `message` is an UPDATE request (opcode 5, QR clear).
    static func isUpdate(_ message: UnsafeRawBufferPointer) -> Bool {
        message.count >= 12 && message[2] & 0x80 == 0 && (message[2] >> 3) & 0xF == 5
    }

    /// Answers an UPDATE: FORMERR if malformed, the TSIG error if its TSIG fails, NOTAUTH for a zone
    /// not served here, REFUSED if the `update:` list does not allow the address and key, the
    /// prerequisite's RCODE if one fails, else NOERROR once the update is journaled (fsync) and
    /// the new version published.
    func respondToUpdate(_ message: UnsafeRawBufferPointer, context: QueryContext) -> [UInt8]? {
        guard let layout = TSIG.layout(of: message) else { return nil }
        let now = TSIG.currentTime()
        var signer: TSIGSigner? = nil
        if let range = layout.tsig {
            switch TSIG.verify(message: message, range: range, keyring: keys, now: now) {
            case .verified(let verified): signer = verified
            case .rejected(let error, let record, let errorSigner):
                logger.info("UPDATE: TSIG \(error) from key \(record.keyName.text) (\(context.peer))")
                return TSIG.errorResponse(
                    to: message, questionEnd: layout.questionEnd, error: error, record: record, signer: errorSigner,
                    now: now)
            case .malformed:
                return Self.plainResponse(to: message, questionEnd: layout.questionEnd, rcode: .formErr)
            }
        }
        func answer(_ rcode: RCode) -> [UInt8] {
            Self.plainResponse(to: message, questionEnd: layout.questionEnd, rcode: rcode, signer: signer, now: now)
        }
        let update: UpdateMessage
        do {
            update = try UpdateMessage(decoding: Array(message))
        } catch {
            logger.info("UPDATE from \(context.peer): \(error.rcode): \(error)")
            return answer(error.rcode)
        }
        guard let served = servedZone(update.zone) else { return answer(UpdateRCode.notAuth) }
        guard served.config.journalSettings.update.allows(context.peer.address, key: signer?.key.name) else {
            logger.info("UPDATE of \(update.zone.text) from \(context.peer) refused: not allowed (address or key)")
            return answer(.refused)
        }
        let rcode = catalog.applyUpdate(update, config: served.config)
        logger.info("UPDATE of \(update.zone.text) from \(context.peer): \(rcode)")
        return answer(rcode)
    }
}
