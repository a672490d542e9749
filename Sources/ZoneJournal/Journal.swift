import DNSWire
import Synchronization

/// How much history a zone's journal keeps (`journal:` in the configuration). When an append
/// takes it past either bound, the oldest versions are dropped; a secondary older than what is
/// left gets an AXFR.
public struct JournalLimits: Sendable, Hashable {
    public var maxBytes: Int
    public var maxEntries: Int

    public init(maxBytes: Int = 10 << 20, maxEntries: Int = 1000) {
        self.maxBytes = maxBytes
        self.maxEntries = maxEntries
    }
}

/// One zone's journal: the differences between its successive versions, on disk and in memory.
///
/// Each difference is one record of a ``RecordFile`` (CRC-32C, `fsync`ed before `append` returns),
/// so the history survives a restart and a crash loses at most a torn last record. Only a
/// contiguous chain is kept: a difference that does not start at the previous one's serial ends
/// the history before it.
public final class Journal: Sendable {
    public let limits: JournalLimits
    let file: RecordFile
    private let state: Mutex<[Entry]>

    struct Entry: Sendable {
        let diff: ZoneDiff
        let size: Int
    }

    /// Opens (or creates on the first append) the journal at `path`. Records that do not decode,
    /// and any before a break in the serial chain, are dropped.
    public init(path: String, limits: JournalLimits = JournalLimits()) throws(RecordFile.IOFailure) {
        self.limits = limits
        file = RecordFile(path: path)
        var entries: [Entry] = []
        for payload in try file.load().records {
            guard let diff = try? ZoneDiff(encoded: payload) else { continue }
            if let last = entries.last, last.diff.toSerial != diff.fromSerial { entries.removeAll() }
            entries.append(Entry(diff: diff, size: payload.count + 8))
        }
        state = Mutex(entries)
    }

    /// The serial the newest difference leads to, or nil for an empty journal.
    public var lastSerial: UInt32? { state.withLock { $0.last?.diff.toSerial } }
    /// The serial the oldest difference starts from.
    public var firstSerial: UInt32? { state.withLock { $0.first?.diff.fromSerial } }
    /// How many differences are held.
    public var count: Int { state.withLock { $0.count } }
    /// Every difference held, oldest first.
    public var diffs: [ZoneDiff] { state.withLock { $0.map(\.diff) } }

    /// Records `diff` durably. A difference that does not follow the last one starts a new
    /// history (the old one is dropped: it cannot lead a secondary to this version). Then the
    /// oldest versions are dropped until the journal is within its limits.
    public func append(_ diff: ZoneDiff) throws(RecordFile.IOFailure) {
        let payload = diff.encoded()
        let entry = Entry(diff: diff, size: payload.count + 8)
        try state.withLock { (entries) throws(RecordFile.IOFailure) in
            // A difference larger than the whole journal may be is not kept (a key rollover
            // re-signs everything): secondaries behind it take an AXFR, and memory stays bounded.
            if entry.size > limits.maxBytes {
                entries.removeAll()
                try file.replace(with: [])
                return
            }
            if let last = entries.last, last.diff.toSerial != diff.fromSerial {
                entries = [entry]
                try file.replace(with: [payload])
                return
            }
            try file.append([payload])
            entries.append(entry)
            var total = entries.reduce(0) { $0 + $1.size }
            var dropped = 0
            while entries.count - dropped > 1
                && (entries.count - dropped > limits.maxEntries || total > limits.maxBytes)
            {
                total -= entries[dropped].size
                dropped += 1
            }
            guard dropped > 0 else { return }
            entries.removeFirst(dropped)
            try file.replace(with: entries.map { $0.diff.encoded() })
        }
    }

    /// Drops the newest difference.
    func removeLast() throws(RecordFile.IOFailure) {
        try state.withLock { (entries) throws(RecordFile.IOFailure) in
            guard !entries.isEmpty else { return }
            entries.removeLast()
            try file.replace(with: entries.map { $0.diff.encoded() })
        }
    }

    /// Forgets every difference (the zone's history restarts, e.g. after its image was lost).
    public func clear() throws(RecordFile.IOFailure) {
        try state.withLock { (entries) throws(RecordFile.IOFailure) in
            entries.removeAll()
            try file.replace(with: [])
        }
    }

    /// The changes from `serial` to the newest version, condensed into one difference; nil when
    /// the journal does not reach back to `serial` (the secondary then needs an AXFR).
    public func changes(from serial: UInt32) -> ZoneDiff? {
        state.withLock { entries in
            guard let start = entries.firstIndex(where: { $0.diff.fromSerial == serial }) else { return nil }
            return ZoneDiff.condensed(entries[start...].map(\.diff))
        }
    }
}
