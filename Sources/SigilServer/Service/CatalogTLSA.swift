import DANE
import DNSWire
import Logging
import Synchronization

/// The zone catalog's DANE state: per zone, the ``TLSAPublisher`` that keeps the last good
/// records of each `tlsa:` entry, and what was last built, so that a rebuild only bumps the serial
/// when the zone's content actually changed; plus the certificate watcher to restart when the
/// set of configured certificate files changes.
final class CatalogTLSA: Sendable {
    private struct ZoneState {
        var publisher: TLSAPublisher
        /// The records last handed to `Zone.build`, serial as in the zone file.
        var lastRecords: [ResourceRecord]? = nil
        /// The serial those records were given.
        var lastSerial: UInt32? = nil
    }

    private let zones = Mutex<[DNSName: ZoneState]>([:])
    private let configs = Mutex<[ZoneConfig]>([])
    private let watching = Mutex<(watcher: CertificateWatcher?, files: [String])>((nil, []))
    /// Held for a whole reload, so a SIGHUP and a certificate change never interleave.
    private let reloading = Mutex(())

    init() {}

    /// Runs `body` with reloads excluded.
    func serialized<Result: Sendable>(_ body: () -> Result) -> Result {
        reloading.withLock { _ in body() }
    }

    /// Takes the configuration about to be loaded; forgets zones no longer configured with
    /// `tlsa:`, and stops the watcher if it watches other files than the ones now configured (its
    /// service then starts a new one).
    func configure(_ zones: [ZoneConfig]) {
        configs.withLock { $0 = zones }
        let keep = Set(zones.filter { !$0.tlsa.isEmpty }.map(\.origin))
        self.zones.withLock { state in state = state.filter { keep.contains($0.key) } }
        let files = self.files
        let stale = watching.withLock { current -> CertificateWatcher? in
            guard current.files != files else { return nil }
            defer { current.watcher = nil }
            return current.watcher
        }
        stale?.stop()
    }

    /// The zones as last configured.
    var zoneConfigs: [ZoneConfig] { configs.withLock { $0 } }

    /// Every configured certificate file, once each, in configuration order.
    var files: [String] {
        var seen: Set<String> = []
        return zoneConfigs.flatMap(\.tlsa).flatMap(\.certificates).filter { seen.insert($0).inserted }
    }

    /// The zones with a `tlsa:` entry reading one of `paths`.
    func origins(affectedBy paths: Set<String>) -> Set<DNSName> {
        Set(zoneConfigs.filter { $0.tlsa.contains { !paths.isDisjoint(with: $0.certificates) } }.map(\.origin))
    }

    /// Registers the watcher of `files`; stops it at once if the configuration moved on meanwhile.
    func adopt(_ watcher: CertificateWatcher, files: [String]) {
        let current = self.files
        let accepted = watching.withLock { state -> Bool in
            guard files == current else { return false }
            state = (watcher, files)
            return true
        }
        if !accepted { watcher.stop() }
    }

    /// The step between parsing `config`'s zone file and building the zone: nil for a zone with no
    /// `tlsa:` entries (its records go to the build untouched).
    func preparation(
        for config: ZoneConfig, served: [LoadedZone], logger: Logger
    ) -> ((DNSName, [ResourceRecord]) -> [ResourceRecord])? {
        guard !config.tlsa.isEmpty else { return nil }
        let servedSerial = served.first { $0.config.origin == config.origin }?.serial
        return { origin, records in
            self.prepare(records, origin: origin, config: config, servedSerial: servedSerial, logger: logger)
        }
    }

    /// Regenerates the zone's TLSA records, puts them in place of the zone file's at the same
    /// owners, and picks the serial: the served one if nothing changed since it was built, else
    /// one newer than both the served serial and the file's (`SerialNumber.next`).
    private func prepare(
        _ records: [ResourceRecord], origin: DNSName, config: ZoneConfig, servedSerial: UInt32?, logger: Logger
    ) -> [ResourceRecord] {
        let zoneName = origin.text
        let specs = Self.specs(config, logger: logger)
        // The generated records take the SOA's TTL, the zone's own idea of how long data may be cached.
        let ttl = records.first { $0.type == .soa && $0.name == origin }?.ttl ?? TLSASpec.defaultTTL
        return zones.withLock { all -> [ResourceRecord] in
            var state = all[origin] ?? ZoneState(publisher: TLSAPublisher(origin: origin, specs: specs, ttl: ttl))
            let firstTime = state.lastRecords == nil
            if state.publisher.specs != specs || state.publisher.ttl != ttl {
                state.publisher = TLSAPublisher(origin: origin, specs: specs, ttl: ttl)
            }
            let reload = state.publisher.reload()
            for error in reload.errors {
                let consequence =
                    firstTime
                    ? "no TLSA records made from it; the zone file's TLSA records there (if any) are served"
                    : "keeping the TLSA records made from it before"
                logger.error("zone \(zoneName): \(error); \(consequence)")
            }
            let outcome = TLSAZoneAugmenter.augment(records, origin: origin, generated: state.publisher.records)
            for line in outcome.warnings { logger.warning("zone \(zoneName): \(line)") }
            guard let fileSerial = TLSAZoneAugmenter.serial(of: outcome.records, origin: origin) else {
                all[origin] = state
                return outcome.records
            }
            var serial = fileSerial
            if let servedSerial {
                serial =
                    outcome.records == state.lastRecords && state.lastSerial == servedSerial
                    ? servedSerial : SerialNumber.next(served: servedSerial, loaded: fileSerial)
            }
            state.lastRecords = outcome.records
            state.lastSerial = serial
            all[origin] = state
            return TLSAZoneAugmenter.settingSerial(outcome.records, origin: origin, to: serial) ?? outcome.records
        }
    }

    /// The `tlsa:` entries as specs; an entry with parameters Sigil cannot make is logged and left out.
    static func specs(_ config: ZoneConfig, logger: Logger) -> [TLSASpec] {
        config.tlsa.compactMap { entry -> TLSASpec? in
            do {
                let parameters = try entry.records.map { (record) throws(DANEError) in
                    try AssociationParameters(
                        usage: record.usage, selector: record.selector, matchingType: record.matchingType)
                }
                return TLSASpec(
                    service: TLSAService(host: entry.host, port: entry.port, proto: entry.proto),
                    certificates: entry.certificates, parameters: parameters)
            } catch {
                logger.error("zone \(config.origin.text): tlsa entry for \(entry.host): \(error); left out")
                return nil
            }
        }
    }
}
