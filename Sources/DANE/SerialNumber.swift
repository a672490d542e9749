/// SOA serial arithmetic (RFC 1982): serials live on a 32-bit circle, so "newer" means "less than
/// half the circle ahead", and incrementing wraps from 4294967295 to 0.
public enum SerialNumber {
    /// Whether `a` is newer than `b` (RFC 1982 §3.2). Serials exactly half the circle apart are
    /// incomparable; that counts as "not newer".
    public static func isNewer(_ a: UInt32, than b: UInt32) -> Bool {
        a != b && (a &- b) < (1 << 31)
    }

    /// The serial to publish when the zone content changes.
    ///
    /// Sigil bumps the served serial by one rather than using a date-based `YYYYMMDDnn` scheme: one
    /// is the smallest step secondaries are guaranteed to see as newer (RFC 1982 §3.1 allows any
    /// increment below 2^31), it never runs out within a day, and it keeps working whatever scheme
    /// the zone file's author uses. If the zone file itself now carries a newer serial (its author
    /// edited it), that one wins so the file and the served zone agree again.
    ///
    /// - Parameters:
    ///   - served: the serial currently served.
    ///   - loaded: the serial in the freshly loaded zone file.
    public static func next(served: UInt32, loaded: UInt32) -> UInt32 {
        isNewer(loaded, than: served) ? loaded : served &+ 1
    }
}
