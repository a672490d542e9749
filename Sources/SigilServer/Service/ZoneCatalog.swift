import DNSSEC
import DNSWire
import DNSZone
import Logging
import QueryPipeline
import Synchronization
import ZoneJournal

/// Loads the configured zones and publishes them to a ``ZoneStore``, keeping the last good
/// version of each zone: a zone whose file fails to load on reload goes on serving as it was,
/// and its errors are logged. Zones no longer configured are dropped.
public final class ZoneCatalog: Sendable {
    public let store: ZoneStore
    private let served: Mutex<[LoadedZone]>
    let logger: Logger
    /// Generated TLSA records and the certificate files behind them (`ZoneCatalog+TLSA.swift`).
    let tlsa = CatalogTLSA()
    /// The keys directory of the last load, for rebuilds that a certificate change starts.
    private let keysDirectoryInUse = Mutex("keys")
    /// Key rollover state of zones under a policy (`ZoneCatalog+Keys.swift`).
    let keys = CatalogKeys()
    /// Journaled zones' histories and update logs (`ZoneCatalog+Journal.swift`).
    let journals = CatalogJournals()

    public init(store: ZoneStore = ZoneStore(), logger: Logger) {
        self.store = store
        self.served = Mutex([])
        self.logger = logger
    }

    /// The outcome of one ``load(_:)``.
    public struct Report: Sendable {
        /// Zones loaded from their files this time.
        public var loaded: [LoadedZone] = []
        /// Zones whose files failed and whose previous version is still served.
        public var kept: [LoadedZone] = []
        /// Zones that failed with no previous version: not served.
        public var failed: [ZoneConfig] = []
        /// Everything now served.
        public var serving: [LoadedZone] = []
    }

    /// Loads (or reloads) `zones`, logs each zone's errors and warnings, publishes the result.
    /// Slow work (parsing, building, preparing the signer) happens here, off the query path.
    /// Signed zones' keys are read from (or generated in) `keysDirectory` (nil: the last one used).
    /// With `only`, the other zones keep their served version untouched.
    @discardableResult
    public func load(_ zones: [ZoneConfig], keysDirectory: String? = nil, only: Set<DNSName>? = nil) -> Report {
        let keysDirectory = keysDirectoryInUse.withLock { current in
            if let keysDirectory { current = keysDirectory }
            return current
        }
        let previous = served.withLock { $0 }
        var report = Report()
        tlsa.configure(zones)
        keys.keep(Set(zones.filter { $0.dnssec.policy != nil }.map(\.origin)))
        for config in zones {
            if let only, !only.contains(config.origin),
                let old = previous.first(where: { $0.config.origin == config.origin })
            {
                report.serving.append(old)
                continue
            }
            if let loaded = load(config, previous: previous, keysDirectory: keysDirectory) {
                report.loaded.append(loaded)
                report.serving.append(loaded)
                continue
            }
            if let old = previous.first(where: { $0.config.origin == config.origin }) {
                logger.error(
                    "zone \(config.origin.text) not reloaded; still serving serial \(old.serial)",
                    metadata: ["file": "\(config.file)"])
                report.kept.append(old)
                report.serving.append(old)
            } else {
                logger.error("zone \(config.origin.text) not loaded", metadata: ["file": "\(config.file)"])
                report.failed.append(config)
            }
        }
        served.withLock { $0 = report.serving }
        store.publish(ServingZones(report.serving))
        return report
    }

    /// Reads, builds and (if configured) signs one zone; nil, with the errors logged, if any step
    /// fails. Keys come first: a signed zone is built once, its apex DNSSEC records added to the
    /// parsed records together with the generated TLSA ones.
    private func load(
        _ config: ZoneConfig, previous: [LoadedZone], keysDirectory: String, bump: Bool = false
    )
        -> LoadedZone?
    {
        let signing: ZoneSigning?
        do throws(KeyFileError) {
            signing = try self.signing(config, keysDirectory: keysDirectory)
        } catch {
            return nil
        }
        let tlsaPrepare = tlsa.preparation(for: config, served: previous, logger: logger)
        let journal = journals.entry(for: config, logger: logger)
        var fingerprint: DataFingerprint? = nil
        let result = ZoneFileLoad(file: config.file, origin: config.origin) { origin, records in
            var records = tlsaPrepare?(origin, records) ?? records
            if let journal { records = self.replayUpdates(records, origin: origin, entry: journal) }
            let published = signing?.published(records, origin: origin) ?? records
            // A key-set change raises the serial (rollovers); a journaled zone then applies its serial policy.
            let keyed = self.keySerial(published, config, signing, previous: previous, keysDirectory: keysDirectory)
            guard let journal else { return keyed }
            let version = self.withVersionSerial(keyed, config: config, entry: journal, bump: bump)
            fingerprint = version.fingerprint
            return version.records
        }
        for line in result.warnings { logger.warning("\(line)") }
        if let zone = result.zone, let loaded = served(config, zone, signing: signing, keysDirectory: keysDirectory) {
            guard let journal else { return loaded }
            switch publishVersion(loaded, entry: journal, fingerprint: fingerprint) {
            case .published: return loaded
            case .needsNewSerial:
                return bump ? nil : load(config, previous: previous, keysDirectory: keysDirectory, bump: true)
            case .failed: return nil
            }
        }
        for line in result.errors { logger.error("\(line)") }
        return nil
    }

    /// The zones now served.
    public var serving: [LoadedZone] { served.withLock { $0 } }
}
