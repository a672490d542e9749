import DNSWire
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One transferred zone's versions as its secondaries see them: the image of the served version
/// (`<origin>.image`) and the journal of differences that led to it (`<origin>.journal`), both in
/// the journal directory. The catalog asks it which serial a new load gets (`serial(for:…)`) and
/// tells it what was published (`publish`); IXFR reads from it.
public final class ZoneHistory: Sendable {
    public let origin: DNSName
    public let journal: Journal
    let imagePath: String
    private let image: Mutex<SignedImage?>
    /// The image's earliest RRSIG expiration, kept so the once-a-second re-sign check is cheap.
    private let earliest: Mutex<Int64?>

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
        let image = SignedImage.load(path: imagePath)
        if let last = journal.lastSerial, last != image?.serial { try journal.clear() }
        self.image = Mutex(image)
        earliest = Mutex(image.flatMap { Self.earliestExpiration($0.records) })
    }

    /// The served SOA, if anything was published.
    public var soa: ResourceRecord? { image.withLock { $0?.soa } }
    public var serial: UInt32? { image.withLock { $0?.serial } }
    /// The records secondaries hold at the served serial.
    public var records: [ResourceRecord] { image.withLock { $0?.records ?? [] } }

    /// The serial a load whose prepared records (the zone's data, with the apex DNSSEC records
    /// but no RRSIG or NSEC3) are `prepared` must publish: the served serial when nothing changed,
    /// else the policy's next one (the zone file's serial when there is no history). `bump` asks
    /// for a new serial even when the data is the same (signatures renewed, keys changed).
    public func serial(for prepared: [ResourceRecord], policy: SerialPolicy, bump: Bool, now: Int64) -> UInt32 {
        let fileSerial = prepared.first { $0.type == .soa }.map(ZoneDiff.serial) ?? 0
        return image.withLock { image -> UInt32 in
            guard let image, let served = image.serial else { return fileSerial }
            if !bump && Self.sameData(image.records, prepared) { return served }
            return policy.next(served: served, file: fileSerial, now: now)
        }
    }

    /// What ``publish(_:)`` did.
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
    }

    /// Records a published version (`records`: everything secondaries will transfer): the
    /// difference from the previous one goes durably into the journal, then the image is saved.
    public func publish(_ records: [ResourceRecord]) throws(RecordFile.IOFailure) -> PublishOutcome {
        try image.withLock { (image) throws(RecordFile.IOFailure) -> PublishOutcome in
            let next = SignedImage(records: records)
            guard let previous = image else {
                try next.save(path: imagePath)
                image = next
                earliest.withLock { $0 = Self.earliestExpiration(records) }
                return .first
            }
            guard let diff = ZoneDiff.between(old: previous.records, new: records) else { return .unchanged }
            if diff.deleted.isEmpty && diff.added.isEmpty && diff.oldSOA == diff.newSOA { return .unchanged }
            if diff.fromSerial == diff.toSerial { return .sameSerial }
            try journal.append(diff)
            try next.save(path: imagePath)
            image = next
            earliest.withLock { $0 = Self.earliestExpiration(records) }
            return .changed(diff)
        }
    }

    /// When the served version must be re-signed so no secondary ever holds an RRSIG with less
    /// than a quarter of `validity` left: the earliest expiration, less a quarter and a sixteenth
    /// (the latest the signer's own refresh could start). Nil when nothing is signed.
    public func resignDue(validity: UInt32) -> Int64? {
        earliest.withLock { $0 }.map { $0 - Self.renewalMargin(validity: validity) }
    }

    /// The earliest RRSIG expiration in `records`, as an absolute time near now.
    static func earliestExpiration(_ records: [ResourceRecord]) -> Int64? {
        let now = Int64(time(nil))
        var earliest: Int64? = nil
        for record in records {
            guard case .rrsig(let rrsig) = record.data else { continue }
            let delta = Int64(Int32(bitPattern: rrsig.expiration &- UInt32(truncatingIfNeeded: now)))
            earliest = min(earliest ?? .max, now + delta)
        }
        return earliest
    }

    /// Signatures with no more than this left are renewed at the next version.
    public static func renewalMargin(validity: UInt32) -> Int64 { Int64(validity) / 4 + Int64(validity) / 16 + 1 }

    /// Whether two versions hold the same data, RRSIG and NSEC3 records and the SOA serial aside.
    static func sameData(_ image: [ResourceRecord], _ prepared: [ResourceRecord]) -> Bool {
        func data(_ records: [ResourceRecord]) -> Set<ResourceRecord> {
            var result = Set<ResourceRecord>()
            for var record in records where record.type != .rrsig && record.type != .nsec3 {
                if case .soa(var soa) = record.data {
                    soa.serial = 0
                    record.data = .soa(soa)
                }
                result.insert(record)
            }
            return result
        }
        return data(image) == data(prepared)
    }
}
