import DNSSEC
import DNSWire
import DNSZone
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One transferred zone's versions as its secondaries see them: the image of the served version
/// (`<origin>.image`, on disk only: `SignedImage`) and the journal of differences that led to it
/// (`<origin>.journal`), both in the journal directory. The catalog asks it which serial a new
/// load gets (`serial(for:…)`) and gives it each loaded version (`publish`); IXFR reads the
/// journal and AXFR the image (`transfer`).
///
/// In memory it keeps only the served SOA, the earliest RRSIG expiration and the data fingerprint,
/// whatever the zone's size.
public final class ZoneHistory: Sendable {
    public let origin: DNSName
    public let journal: Journal
    let imagePath: String
    private let summary: Mutex<SignedImage.Summary?>
    /// With no image, the last serial the journal knew: a new history starts above it, so a lost
    /// image never sends the served serial backwards.
    private let floor: UInt32?
    /// Held while a version is written, so versions are written one at a time while readers of
    /// the summary are never kept waiting for one.
    private let writing = Mutex(())

    /// Opens the history in `directory` (created if missing). An image and a journal that do not
    /// meet (the journal's last serial is not the image's) mean the journal cannot be trusted: it
    /// is cleared.
    public init(origin: DNSName, directory: String, limits: JournalLimits) throws(RecordFile.IOFailure) {
        self.origin = origin
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw RecordFile.IOFailure("cannot create the journal directory", directory)
        }
        let base = directory + "/" + (origin.isRoot ? "root" : String(origin.text.dropLast()))
        imagePath = base + ".image"
        journal = try Journal(path: base + ".journal", limits: limits)
        let summary = SignedImage.summary(path: imagePath, now: Int64(time(nil)))
        floor = summary == nil ? journal.lastSerial : nil
        if let last = journal.lastSerial, last != summary?.serial {
            // One difference ahead of the image: a crash between the journal's append and the
            // image's rename. That difference never reached anyone; the rest still holds.
            if let summary, journal.count > 1, journal.diffs.last?.fromSerial == summary.serial {
                try journal.removeLast()
            } else {
                try journal.clear()
            }
        }
        self.summary = Mutex(summary)
    }

    /// The served SOA, if anything was published.
    public var soa: ResourceRecord? { summary.withLock { $0?.soa } }
    public var serial: UInt32? { summary.withLock { $0?.serial } }
    /// The records secondaries hold at the served serial, read from the image (tests and tools).
    public var records: [ResourceRecord] { SignedImage.records(path: imagePath) ?? [] }

    /// The serial a load whose prepared data (zone data with the apex DNSSEC records, no RRSIG or
    /// NSEC3) has `fingerprint` and whose file says `fileSerial` must publish: the served serial
    /// when the data is the same, else the policy's next one (the file's serial when there is no
    /// history). `bump` asks for a new serial even when the data is the same (signatures renewed,
    /// keys changed).
    public func serial(
        for fingerprint: DataFingerprint, fileSerial: UInt32, policy: SerialPolicy, bump: Bool, now: Int64
    ) -> UInt32 {
        summary.withLock { summary -> UInt32 in
            guard let summary else {
                return floor.map { policy.next(served: $0, file: fileSerial, now: now) } ?? fileSerial
            }
            if !bump && summary.fingerprint == fingerprint { return summary.serial }
            return policy.next(served: summary.serial, file: fileSerial, now: now)
        }
    }

    /// What ``publish(zone:signer:fingerprint:keepAbove:)`` did.
    public enum PublishOutcome: Sendable, Equatable {
        /// No version before: this one is the start of the history.
        case first
        /// The same records as the served version.
        case unchanged
        /// A new version, journaled.
        case changed(ZoneDiff)
        /// Other records under the served serial: refused (nothing written); the caller must
        /// give the version a new serial.
        case sameSerial
        /// A new version whose difference is larger than the journal may hold: the journal starts
        /// again from it, and secondaries behind it take an AXFR.
        case rewritten(fromSerial: UInt32, toSerial: UInt32)
    }

    /// Records a loaded version: every record secondaries will transfer (the zone, and with a
    /// signer its RRSIGs and full NSEC3 chain, old signatures reused as ``VersionMaker`` says) is
    /// written to a new image while it is diffed against the old one; the difference goes durably
    /// into the journal, then the new image replaces the old.
    public func publish(
        zone: Zone, signer: ZoneSigner?, fingerprint: DataFingerprint?, keepAbove: Int64
    ) throws(VersionError) -> PublishOutcome {
        try writing.withLock { _ throws(VersionError) -> PublishOutcome in
            let previous = summary.withLock { $0 }
            let now = signer?.clock.now() ?? Int64(time(nil))
            let maker = try VersionMaker(zone: zone, signer: signer, now: now, keepAbove: keepAbove)
            // A legacy image only carries its serial on: the new version starts the history again.
            let old = previous == nil || previous!.legacy ? nil : ImageReader(path: imagePath)
            let builder: VersionBuilder
            do throws(RecordFile.IOFailure) {
                builder = try VersionBuilder(
                    old: old, writing: imagePath, fingerprint: fingerprint, now: now,
                    changeLimit: journal.limits.maxBytes)
            } catch {
                throw .io(error)
            }
            try maker.write(into: builder)
            builder.finishOld()
            do throws(RecordFile.IOFailure) {
                guard let newSOAWire = builder.newSOA, let newSOA = try? ResourceRecord(wire: newSOAWire) else {
                    builder.discard()
                    throw RecordFile.IOFailure("the version has no SOA", imagePath)
                }
                let next = SignedImage.Summary(
                    soa: newSOA, earliestExpiration: builder.expirations.earliest, fingerprint: fingerprint)
                guard let previous, old != nil, !builder.oldDamaged else {
                    // The start of a history (or a restart of it, the old image being unreadable).
                    if previous != nil { try journal.clear() }
                    try builder.commit()
                    summary.withLock { $0 = next }
                    return .first
                }
                if !builder.oversized && builder.deleted.isEmpty && builder.added.isEmpty && previous.soa == newSOA {
                    if previous.fingerprint == fingerprint {
                        builder.discard()
                    } else {
                        try builder.commit()
                        summary.withLock { $0 = next }
                    }
                    return .unchanged
                }
                if previous.serial == next.serial {
                    builder.discard()
                    return .sameSerial
                }
                if builder.oversized {
                    // More changed than the journal may hold: secondaries take an AXFR.
                    try journal.clear()
                    try builder.commit()
                    summary.withLock { $0 = next }
                    return .rewritten(fromSerial: previous.serial, toSerial: next.serial)
                }
                let diff = ZoneDiff(
                    oldSOA: previous.soa, newSOA: newSOA, deleted: try Self.decode(builder.deleted),
                    added: try Self.decode(builder.added))
                try journal.append(diff)
                try builder.commit()
                summary.withLock { $0 = next }
                return .changed(diff)
            } catch {
                builder.discard()
                throw .io(error)
            }
        }
    }

    private static func decode(_ payloads: [[UInt8]]) throws(RecordFile.IOFailure) -> [ResourceRecord] {
        var records: [ResourceRecord] = []
        records.reserveCapacity(payloads.count)
        for payload in payloads {
            guard let record = try? ResourceRecord(wire: payload) else {
                throw RecordFile.IOFailure("a record of the version does not decode", "")
            }
            records.append(record)
        }
        return records
    }

    /// An AXFR of the served version, read from the image; nil when there is none.
    public func transfer(id: UInt16, queryFlags: UInt16, question: [UInt8], messageLimit: Int) -> ImageTransfer? {
        // A new image is renamed into place whole, so the file opened is one whole version, kept
        // readable by the open descriptor however many versions follow during the transfer.
        summary.withLock { summary -> ImageTransfer? in
            guard summary != nil, let reader = ImageReader(path: imagePath) else { return nil }
            return ImageTransfer(
                reader: reader, origin: origin, id: id, queryFlags: queryFlags, question: question,
                messageLimit: messageLimit)
        }
    }

    /// When the served version must be re-signed so no secondary ever holds an RRSIG with less
    /// than a quarter of `validity` left: the earliest expiration, less a quarter and a sixteenth
    /// (the latest the signer's own refresh could start). Nil when nothing is signed.
    public func resignDue(validity: UInt32) -> Int64? {
        summary.withLock { $0?.earliestExpiration }.map { $0 - Self.renewalMargin(validity: validity) }
    }

    /// Signatures with no more than this left are renewed at the next version.
    public static func renewalMargin(validity: UInt32) -> Int64 { Int64(validity) / 4 + Int64(validity) / 16 + 1 }
}
