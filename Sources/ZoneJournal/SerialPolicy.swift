#if canImport(Glibc)
import Glibc
#endif

/// How a zone's SOA serial moves when Sigil makes a new version (`serial:` in the configuration).
/// Whatever the policy, the new serial is newer than the served one (RFC 1982), or secondaries
/// would ignore the version; and a zone file whose own serial is newer wins.
public enum SerialPolicy: String, Sendable, CaseIterable {
    /// The served serial plus one.
    case increment
    /// The zone file's serial; plus one only when the file's is not newer (an update, a re-sign).
    case keep
    /// Seconds since 1970, or plus one if that is not newer.
    case unixtime
    /// YYYYMMDDnn (UTC), or plus one if that is not newer.
    case dateserial

    /// The serial of a new version, given the one served (nil: none yet), the zone file's, and the
    /// time.
    public func next(served: UInt32?, file: UInt32, now: Int64) -> UInt32 {
        guard let served else { return file }
        let proposal: UInt32
        switch self {
        case .increment, .keep: proposal = served &+ 1
        case .unixtime: proposal = UInt32(truncatingIfNeeded: now)
        case .dateserial: proposal = Self.dateSerial(now)
        }
        var serial = Self.isNewer(proposal, than: served) ? proposal : served &+ 1
        if Self.isNewer(file, than: serial) { serial = file }
        return serial
    }

    static func dateSerial(_ now: Int64) -> UInt32 {
        var time = time_t(now)
        var parts = tm()
        gmtime_r(&time, &parts)
        let date = UInt32(parts.tm_year + 1900) * 10_000 + UInt32(parts.tm_mon + 1) * 100 + UInt32(parts.tm_mday)
        return date &* 100
    }

    static func isNewer(_ a: UInt32, than b: UInt32) -> Bool { a != b && (a &- b) < (1 << 31) }
}
