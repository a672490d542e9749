import DNSWire

/// Writes a new version of a zone's image while diffing it against the old one, both walked once
/// in transfer order (`SignedImage`): the maker asks for the old records of each owner before it
/// makes that owner's new ones (`take`, which is where old signatures can be reused), then hands
/// the new records over (`emit`). Old owners passed over are deleted whole; within an owner the
/// records are compared byte for byte. Memory: one owner's records of each version, the changes,
/// and a write buffer.
final class VersionBuilder {
    /// An owner's place in transfer order.
    struct Key {
        var phase: Int
        var owner: DNSName

        static func compare(_ left: Key, _ right: Key) -> Int {
            if left.phase != right.phase { return left.phase < right.phase ? -1 : 1 }
            return DNSName.canonicalCompare(left.owner, right.owner)
        }
    }

    /// The old image, if there is one.
    private let old: ImageReader?
    /// The old image's next record, read ahead, with its key.
    private var lookahead: (key: Key, payload: [UInt8])?
    private let writer: RecordFile.Writer
    private(set) var deleted: [[UInt8]] = []
    private(set) var added: [[UInt8]] = []
    private(set) var newSOA: [UInt8]? = nil
    private(set) var expirations: Expirations
    /// Set when the old image turned out damaged or short: its history cannot be trusted.
    private(set) var oldDamaged = false
    /// The phase of the last record written, and how many were written.
    private var phase = -1
    private var written = 0
    /// The most the changes may hold, in bytes: past it they are dropped (`oversized`), as the
    /// journal would not keep them anyway, so a version that changes everything (new keys) does
    /// not hold two copies of the zone's records while it is written.
    private let changeLimit: Int
    private var changeBytes = 0
    private(set) var oversized = false

    init(
        old: ImageReader?, writing path: String, fingerprint: DataFingerprint?, now: Int64, changeLimit: Int
    ) throws(RecordFile.IOFailure) {
        self.old = old
        self.changeLimit = changeLimit
        expirations = Expirations(now: now)
        writer = try RecordFile.Writer(replacing: path)
        try writer.append(SignedImage.header(fingerprint))
        advance()
    }

    private func advance() {
        lookahead = nil
        guard let old else { return }
        guard let payload = old.next() else {
            if !old.complete { oldDamaged = true }
            return
        }
        guard let record = WireRecord(payload), let owner = try? DNSName(wire: payload[..<record.ownerLength]) else {
            oldDamaged = true
            return
        }
        lookahead = (Key(phase: old.phase, owner: owner), Array(payload))
    }

    /// The old version's records at `key`. Records of owners before it that no new owner took are
    /// deleted.
    func take(_ key: Key) -> [[UInt8]] {
        var taken: [[UInt8]] = []
        while let (oldKey, payload) = lookahead {
            let order = Key.compare(oldKey, key)
            if order > 0 { break }
            if order < 0 {
                if !Self.isSOA(payload) { note(payload, deleted: true) }
            } else {
                taken.append(payload)
            }
            advance()
        }
        return taken
    }

    /// Writes the new records of one owner, in `phase` (`old`: what `take` gave for it), and notes
    /// the changes.
    func emit(_ records: [[UInt8]], phase: Int, old: [[UInt8]]) throws(RecordFile.IOFailure) {
        if phase != self.phase {
            try writer.append(SignedImage.phaseMarker(phase))
            self.phase = phase
        }
        written += records.count
        for payload in records {
            try writer.append(payload)
            payload.withUnsafeBytes { bytes in
                if let record = WireRecord(bytes) { expirations.note(record, in: bytes) }
            }
            if Self.isSOA(payload) { newSOA = payload }
        }
        // The usual case: an owner with the same records in the same order, compared without
        // hashing them.
        if old == records { return }
        if old.isEmpty {
            for payload in records where !Self.isSOA(payload) { note(payload, deleted: false) }
            return
        }
        let oldSet = Set(old)
        let newSet = Set(records)
        // The SOA is not a deletion or an addition: a difference names the old and new SOA apart.
        for payload in old where !newSet.contains(payload) && !Self.isSOA(payload) { note(payload, deleted: true) }
        for payload in records where !oldSet.contains(payload) && !Self.isSOA(payload) {
            note(payload, deleted: false)
        }
    }

    /// Keeps a change, unless the changes have outgrown `changeLimit`.
    private func note(_ payload: [UInt8], deleted isDeletion: Bool) {
        guard !oversized else { return }
        changeBytes += payload.count + 4
        if changeBytes > changeLimit {
            oversized = true
            deleted = []
            added = []
            return
        }
        if isDeletion { deleted.append(payload) } else { added.append(payload) }
    }

    /// Takes the rest of the old version as deleted.
    func finishOld() {
        while let (_, payload) = lookahead {
            if !Self.isSOA(payload) { note(payload, deleted: true) }
            advance()
        }
    }

    func commit() throws(RecordFile.IOFailure) {
        try writer.append(SignedImage.endMarker(records: written))
        try writer.commit()
    }
    func discard() { writer.discard() }

    static func isSOA(_ payload: [UInt8]) -> Bool {
        payload.withUnsafeBytes { WireRecord($0)?.type == RRType.soa.rawValue }
    }
}
