/// Decides when a burst of change notifications is over.
///
/// A renewal touches a file several times within milliseconds (create a temporary, write, close,
/// rename; or truncate and rewrite in place), and reading between those steps sees a half-written
/// certificate. So a change is reported only once notifications have been quiet for `quiet`, and
/// at the latest `maximumDelay` after the first one, so that a directory that never goes quiet
/// (a busy `/etc/ssl`) cannot postpone a reload forever.
struct ChangeDebouncer {
    typealias Instant = ContinuousClock.Instant

    let quiet: Duration
    let maximumDelay: Duration
    private(set) var first: Instant?
    private(set) var last: Instant?

    init(quiet: Duration, maximumDelay: Duration) {
        self.quiet = quiet
        self.maximumDelay = max(quiet, maximumDelay)
    }

    /// Records a notification at `now`.
    mutating func note(at now: Instant) {
        if first == nil { first = now }
        last = now
    }

    /// When the pending burst should be reported, or nil if nothing is pending.
    var deadline: Instant? {
        guard let first, let last else { return nil }
        return min(last + quiet, first + maximumDelay)
    }

    /// Whether a pending burst should be reported at `now`.
    func isDue(at now: Instant) -> Bool {
        guard let deadline else { return false }
        return now >= deadline
    }

    /// Forgets the pending burst (after reporting it).
    mutating func reset() {
        first = nil
        last = nil
    }
}
