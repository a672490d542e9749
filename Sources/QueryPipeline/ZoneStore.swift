import Synchronization

/// The zones currently served, shared by every transport thread.
///
/// Readers are the per-query path, so reading must be cheap: each ``Responder`` caches a
/// ``ServingZones`` and compares a generation counter with one atomic load per query; only when
/// it changed does it take the lock to copy the new value (a few retains, no allocation). A
/// reload builds the new zones off the query path and swaps them in with ``publish(_:)``.
public final class ZoneStore: Sendable {
    private let current: Mutex<ServingZones>
    private let counter: Atomic<UInt64>

    public init(_ zones: ServingZones = .empty) {
        self.current = Mutex(zones)
        self.counter = Atomic(1)
    }

    /// Bumped by every ``publish(_:)``; starts at 1, so a reader's 0 means "never read".
    public var generation: UInt64 { counter.load(ordering: .acquiring) }

    /// The zones and the generation they belong to.
    public func snapshot() -> (zones: ServingZones, generation: UInt64) {
        current.withLock { ($0, counter.load(ordering: .relaxed)) }
    }

    /// Replaces the served zones; each worker picks them up on its next query.
    public func publish(_ zones: ServingZones) {
        current.withLock {
            $0 = zones
            counter.add(1, ordering: .releasing)
        }
    }
}
