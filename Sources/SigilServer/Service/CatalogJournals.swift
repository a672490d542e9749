import DNSWire
import DynamicUpdate
import Logging
import Synchronization
import ZoneJournal

/// The journaled zones' histories and update logs, opened on first use from the journal
/// directory and kept for the catalog's lifetime (a reload must not reopen what it is appending to).
final class CatalogJournals: Sendable {
    /// One zone's files: its versions (image and journal) and its accepted updates.
    final class Entry: Sendable {
        let history: ZoneHistory
        let updates: UpdateLog

        init(history: ZoneHistory, updates: UpdateLog) {
            self.history = history
            self.updates = updates
        }
    }

    private let directory = Mutex("journal")
    private let entries = Mutex<[DNSName: Entry]>([:])

    func configure(directory path: String) { directory.withLock { $0 = path } }

    /// The zone's entry, opened now if it is journaled and not open yet; nil (with the error
    /// logged) if its files cannot be opened, or if the zone is not journaled.
    func entry(for config: ZoneConfig, logger: Logger) -> Entry? {
        guard config.isJournaled else { return nil }
        let origin = config.origin.lowercased()
        let path = directory.withLock { $0 }
        return entries.withLock { entries -> Entry? in
            if let entry = entries[origin] { return entry }
            do throws(RecordFile.IOFailure) {
                let history = try ZoneHistory(origin: origin, directory: path, limits: config.journalSettings.limits)
                let name = origin.isRoot ? "root" : String(origin.text.dropLast())
                let updates = try UpdateLog(path: "\(path)/\(name).updates")
                let entry = Entry(history: history, updates: updates)
                entries[origin] = entry
                return entry
            } catch {
                logger.error("zone \(origin.text): journal not opened: \(error)")
                return nil
            }
        }
    }

    /// The open entry of a zone, if any.
    func entry(origin: DNSName) -> Entry? { entries.withLock { $0[origin.lowercased()] } }

    /// Every open entry.
    var all: [DNSName: Entry] { entries.withLock { $0 } }
}
