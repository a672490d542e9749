import DNSWire
import DNSZone
import Foundation
import Logging
import QueryPipeline
import ServiceLifecycle
import Synchronization
import TSIG
import ZoneTransfer

#if canImport(Glibc)
import Glibc
#endif

/// Sends NOTIFY (RFC 1996) to each zone's `notify:` targets whenever the zone is served with a new
/// serial, whatever made it (a reload, a certificate change, an update, re-signing): it watches what
/// the catalog serves rather than hooking each source, so a new source needs no change here.
///
/// Each target is told over UDP, signed with its key if it has one, and retried until it answers,
/// waiting 1, 2, 4 and 8 s between tries (§3.6: the primary retransmits with back-off); a newer serial
/// replaces a NOTIFY still being retried. The first serial seen at start-up is notified too, so
/// secondaries that were waiting for their refresh timer catch up at once.
struct NotifyService: Service {
    let catalog: ZoneCatalog
    let transfers: TransferService
    let logger: Logger
    /// How often the catalog is looked at.
    var interval: Duration = .milliseconds(100)

    func run() async throws {
        var notified: [DNSName: UInt32] = [:]
        let sender = NotifySender(transfers: transfers, logger: logger)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            for loaded in catalog.serving where !loaded.config.notify.isEmpty {
                let origin = loaded.config.origin
                guard notified[origin] != loaded.serial else { continue }
                notified[origin] = loaded.serial
                // The zone as served (with the apex DNSSEC records), for the SOA hint.
                guard let served = transfers.servedZone(origin) else { continue }
                for target in loaded.config.notify {
                    sender.send(zone: served.zone, serial: loaded.serial, to: target)
                }
            }
            try? await Task.sleep(for: interval)
        }
    }
}

/// The NOTIFYs in flight, one per zone and target; each runs on its own thread (a blocking UDP
/// socket with a receive timeout), since a target that does not answer is retried for 15 s.
final class NotifySender: Sendable {
    let transfers: TransferService
    let logger: Logger
    /// The newest serial to notify per zone and target: a retry loop for an older one stops.
    private let latest = Mutex<[String: UInt32]>([:])
    /// Waits between tries (RFC 1996 §3.6 leaves the schedule to the primary).
    static let backoff: [Double] = [1, 2, 4, 8]

    init(transfers: TransferService, logger: Logger) {
        self.transfers = transfers
        self.logger = logger
    }

    func send(zone: Zone, serial: UInt32, to target: NotifyTarget) {
        let slot = "\(zone.origin.text) \(target.endpoint)"
        latest.withLock { $0[slot] = serial }
        let thread = Thread { [self] in
            self.deliver(zone: zone, serial: serial, to: target, slot: slot)
        }
        thread.name = "notify"
        thread.start()
    }

    private func deliver(zone: Zone, serial: UInt32, to target: NotifyTarget, slot: String) {
        let key = target.key.flatMap { transfers.keys.key(named: $0) }
        if target.key != nil && key == nil {
            logger.error("NOTIFY to \(target): key \(target.key!.text) is not in tsig-keys")
            return
        }
        for attempt in 0...Self.backoff.count {
            guard latest.withLock({ $0[slot] }) == serial else { return }
            let id = UInt16.random(in: 0...UInt16.max)
            var message = NotifyMessage.request(for: zone, id: id)
            var signer = key.map { TSIGSigner(key: $0) }
            if signer != nil { try? signer!.sign(&message, now: TSIG.currentTime()) }
            let timeout = attempt < Self.backoff.count ? Self.backoff[attempt] : Self.backoff.last!
            // An unsigned TSIG error may be forged: believed only if no good answer comes in time.
            var refused: (RCode, TSIGError)? = nil
            var answer = exchange(message.bytes, id: id, with: target.endpoint, timeout: timeout) { response, rcode in
                guard let signer else { return true }
                switch response.withUnsafeBytes({
                    TSIG.check(response: $0, requestSigner: signer, now: TSIG.currentTime())
                }) {
                case .verified: return true
                case .refusedOurs(let error):
                    refused = (rcode, error)
                    return false
                case .unauthenticated(let why):
                    // RFC 8945 §5.4: such an answer is discarded; a real one may still come.
                    logger.warning("NOTIFY \(zone.origin.text) to \(target): answer discarded, TSIG \(why)")
                    return false
                }
            }
            if answer == nil, let (rcode, error) = refused {
                logger.warning("NOTIFY \(zone.origin.text) to \(target): the secondary refused our TSIG: \(error)")
                answer = rcode
            }
            if let rcode = answer {
                if rcode == .noError {
                    logger.info("NOTIFY \(zone.origin.text) serial \(serial) to \(target): acknowledged")
                } else {
                    logger.warning("NOTIFY \(zone.origin.text) serial \(serial) to \(target): \(rcode)")
                }
                return
            }
        }
        logger.warning("NOTIFY \(zone.origin.text) serial \(serial) to \(target): no answer after 5 tries")
    }

    /// Sends `message` and waits up to `timeout` seconds for its answer's RCODE: the first response
    /// to it that `accept` takes.
    private func exchange(
        _ message: [UInt8], id: UInt16, with endpoint: IPEndpoint, timeout: Double,
        accept: ([UInt8], RCode) -> Bool
    ) -> RCode? {
        let family = endpoint.address.family == .v4 ? AF_INET : AF_INET6
        let fd = socket(family, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        // Connected: the kernel passes on only datagrams from the target.
        let connected: Int32 = endpoint.withSockAddr { address, length in connect(fd, address, length) }
        guard connected == 0 else { return nil }
        let sent = message.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
        guard sent == message.count else { return nil }
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return nil }
            var wait = timeval(tv_sec: Int(left), tv_usec: max(1, Int((left - Double(Int(left))) * 1_000_000)))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
            let received = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if received < 0 && errno == EINTR { continue }
            if received < 0 && errno != EAGAIN && errno != EWOULDBLOCK {
                // Refused (nothing listening yet): the back-off still applies.
                usleep(UInt32(max(0, deadline.timeIntervalSinceNow) * 1_000_000))
                return nil
            }
            guard received > 0 else { return nil }
            let response = Array(buffer[..<received])
            if let rcode = NotifyMessage.rcode(of: response, id: id), accept(response, rcode) { return rcode }
        }
    }
}
