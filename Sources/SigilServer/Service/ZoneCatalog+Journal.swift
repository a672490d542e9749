import CSigilLinux
import DNSSEC
import DNSWire
import DNSZone
import DynamicUpdate
import ZoneJournal

#if canImport(Glibc)
import Glibc
#endif

/// Versions of journaled zones. A load is: the zone file, then the update log replayed on top
/// (so an update survives restarts and SIGHUPs, and wins over the file where both touch the same
/// records), then the serial (the served one if the data is unchanged, else the next under the
/// zone's `serial:` policy), then the build; the signer takes over the previous version's
/// signatures where the data did not change, and the signed result is diffed against the
/// previous version into the journal. NOTIFY follows from the new serial.
extension ZoneCatalog {
    /// The records of a journaled zone as its file and its update log make them.
    func replayUpdates(_ records: [ResourceRecord], origin: DNSName, entry: CatalogJournals.Entry) -> [ResourceRecord] {
        let operations = entry.updates.operations
        guard !operations.isEmpty else { return records }
        return UpdateOperation.apply(operations, to: records, origin: origin)
    }

    /// `published` (the zone's records with its apex DNSSEC records) with the SOA serial this
    /// version gets, and the fingerprint of its data that goes into the image.
    func withVersionSerial(
        _ published: [ResourceRecord], config: ZoneConfig, entry: CatalogJournals.Entry, bump: Bool
    ) -> (records: [ResourceRecord], fingerprint: DataFingerprint) {
        let fingerprint = DataFingerprint(published)
        let fileSerial =
            published.first { $0.type == .soa }.map { record -> UInt32 in
                if case .soa(let soa) = record.data { return soa.serial }
                return 0
            } ?? 0
        let serial = entry.history.serial(
            for: fingerprint, fileSerial: fileSerial, policy: config.journalSettings.serial, bump: bump,
            now: Int64(time(nil)))
        let records = published.map { record in
            guard case .soa(var soa) = record.data, soa.serial != serial else { return record }
            soa.serial = serial
            var record = record
            record.data = .soa(soa)
            return record
        }
        return (records, fingerprint)
    }

    enum VersionOutcome {
        case published
        /// The data is the same but the signed zone is not (signatures renewed, keys changed):
        /// load again with a new serial.
        case needsNewSerial
        case failed
    }

    /// Records the loaded version in the zone's history (journal and image, durably). Freed
    /// memory goes back to the system afterwards: writing a large zone's version passes through
    /// many small allocations that would otherwise stay in the allocator's arenas.
    func publishVersion(
        _ loaded: LoadedZone, entry: CatalogJournals.Entry, fingerprint: DataFingerprint?
    ) -> VersionOutcome {
        defer { _ = CSigilLinux_release_free_memory() }
        let keepAbove = ZoneHistory.renewalMargin(validity: loaded.signer?.configuration.validity ?? 0)
        do throws(VersionError) {
            switch try entry.history.publish(
                zone: loaded.zone, signer: loaded.signer, fingerprint: fingerprint, keepAbove: keepAbove)
            {
            case .first, .unchanged: return .published
            case .changed(let diff):
                logger.info(
                    "zone \(loaded.config.origin.text): serial \(diff.fromSerial) → \(diff.toSerial) journaled (\(diff.deleted.count) deleted, \(diff.added.count) added)"
                )
                return .published
            case .rewritten(let from, let to):
                logger.info(
                    "zone \(loaded.config.origin.text): serial \(from) → \(to) changed more than the journal holds; secondaries will AXFR"
                )
                return .published
            case .sameSerial: return .needsNewSerial
            }
        } catch {
            logger.error("zone \(loaded.config.origin.text): version not journaled: \(error)")
            return .failed
        }
    }
}

extension ZoneCatalog {
    /// Where journals live; set before each (re)load from `journal-directory`.
    public func setJournalDirectory(_ path: String) { journals.configure(directory: path) }

    /// Applies an UPDATE to a journaled zone, serialized with reloads: the prerequisites are
    /// checked against the served version, the operations logged (fsync), and the zone loaded again
    /// (file + every logged update). If that version fails to build, the update is taken back.
    func applyUpdate(_ update: UpdateMessage, config: ZoneConfig) -> RCode {
        tlsa.serialized { () -> RCode in
            guard let entry = journals.entry(for: config, logger: logger) else { return .refused }
            // The served version's data: the zone answers come from (apex DNSSEC records included).
            let served = serving.first { $0.config.origin == config.origin }?.zone.records ?? []
            do throws(UpdateFailure) {
                try update.checkPrerequisites(served)
            } catch {
                return error.rcode
            }
            guard !update.operations.isEmpty else { return .noError }
            do {
                try entry.updates.append(update.operations)
            } catch {
                logger.error("zone \(config.origin.text): update not logged: \(error)")
                return .servFail
            }
            let report = load(tlsa.zoneConfigs, only: [config.origin])
            if report.loaded.contains(where: { $0.config.origin == config.origin }) { return .noError }
            try? entry.updates.removeLast()
            _ = load(tlsa.zoneConfigs, only: [config.origin])
            return .servFail
        }
    }
}
