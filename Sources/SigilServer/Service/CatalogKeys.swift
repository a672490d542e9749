import DNSSEC
import DNSWire
import KeyManager
import Synchronization

/// The zone catalog's key-management state: per zone under a rollover policy, which keys the
/// last good load used, when its next key event is due, and which keys wait for the parent's DS.
final class CatalogKeys: Sendable {
    struct ZoneState: Sendable {
        /// Keys live at the last good load: one that vanishes from the directory before its
        /// Delete time is an error, not a quiet change of key set.
        var known: [PlannedKey] = []
        var nextEvent: Int64? = nil
        var waitingForDS: [StoredKey] = []
        var parentServers: [String] = []
        var pollInterval: Int64 = 60
        var lastPoll: Int64 = 0
        /// The parent was seen with the DS; the next load records it (with the DS TTL seen).
        var dsSeen: (seen: Bool, ttl: Int64?) = (false, nil)
    }

    let zones = Mutex<[DNSName: ZoneState]>([:])
    /// Bumped on every load of a managed zone, so the timer re-reads the schedule.
    let generation = Atomic<Int>(0)

    init() {}

    func update(_ origin: DNSName, _ body: (inout ZoneState) -> Void) {
        zones.withLock { all in
            var state = all[origin] ?? ZoneState()
            body(&state)
            all[origin] = state
        }
        generation.add(1, ordering: .relaxed)
    }

    func state(_ origin: DNSName) -> ZoneState? { zones.withLock { $0[origin] } }

    /// Forgets zones no longer managed.
    func keep(_ origins: Set<DNSName>) {
        zones.withLock { all in all = all.filter { origins.contains($0.key) } }
    }
}
