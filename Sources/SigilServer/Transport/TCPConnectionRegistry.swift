import QueryPipeline
import Synchronization

/// A client's address cut to its prefix (IPv4 /32 and IPv6 /64 by default): the unit the per-client TCP
/// connection limit counts, since one IPv6 host usually owns a whole /64.
struct TCPClientKey: Hashable, Sendable {
    let family: IPAddress.Family
    let high: UInt64
    let low: UInt64

    init(_ address: IPAddress, ipv4Prefix: Int, ipv6Prefix: Int) {
        self.family = address.family
        // Big-endian numbers from the network-order bytes, so that a prefix is the top bits.
        var high: UInt64 = 0
        var low: UInt64 = 0
        address.withUnsafeBytes { bytes in
            for (index, byte) in bytes.enumerated() {
                if index < 8 {
                    high |= UInt64(byte) << (56 - 8 * index)
                } else {
                    low |= UInt64(byte) << (120 - 8 * index)
                }
            }
        }
        let bits = address.family == .v4 ? ipv4Prefix : ipv6Prefix
        self.high = high & Self.mask(bits)
        self.low = low & Self.mask(bits - 64)
    }

    /// The top `bits` bits of a 64-bit word set (all of them for 64 or more, none for 0 or fewer).
    private static func mask(_ bits: Int) -> UInt64 {
        if bits <= 0 { return 0 }
        if bits >= 64 { return .max }
        return ~(UInt64.max >> UInt64(bits))
    }
}

/// What one connection tells the registry about itself, written by its event loop and read by whichever
/// loop is looking for a connection to evict.
final class TCPConnectionActivity: Sendable {
    /// Since when (monotonic nanoseconds) the connection is idle: no partial or unanswered message read and
    /// no answer waiting to be written. -1 while it is not idle.
    let idleSince = Atomic<Int64>(-1)
    /// Since when answers have been waiting for a client that does not read them (output blocked), or -1.
    let blockedSince = Atomic<Int64>(-1)

    init() {}

    func markIdle(at now: Int64) { self.idleSince.store(now, ordering: .relaxed) }
    func markBusy() { self.idleSince.store(-1, ordering: .relaxed) }
    func markBlocked(at now: Int64?) { self.blockedSince.store(now ?? -1, ordering: .relaxed) }
}

/// Admission of TCP connections (RFC 7766 §6.2.2 and §6.2.3): at most `maxConnections` in all and
/// `maxPerClient` per client prefix. At either limit the oldest idle connection in the way (any
/// client's for the global limit, the same client's for the per-client one) is evicted in favour of the
/// new one; failing that, the one whose client has left answers unread the longest. The new one is
/// refused only if every connection in the way is in the middle of a message: a client that merely
/// holds connections open, or pipelines without reading, cannot lock others out. Pure bookkeeping; the
/// server closes what it is told to evict.
struct TCPConnectionRegistry {
    struct Limits: Sendable {
        var maxConnections: Int = 1000
        var maxPerClient: Int = 100
        var ipv4Prefix: Int = 32
        var ipv6Prefix: Int = 64
    }

    enum Admission: Equatable {
        case admitted
        /// Admitted in place of this connection, which the caller must close (it is already forgotten).
        case admittedEvicting(UInt64)
        case refused
    }

    private struct Entry {
        let client: TCPClientKey
        let activity: TCPConnectionActivity
    }

    let limits: Limits
    private var entries: [UInt64: Entry] = [:]
    private var perClient: [TCPClientKey: Int] = [:]

    init(limits: Limits) {
        self.limits = limits
        self.entries.reserveCapacity(limits.maxConnections)
    }

    var count: Int { self.entries.count }

    /// More than half of the slots in use: idle connections then get the shorter, busy idle timeout.
    var isBusy: Bool { self.entries.count * 2 > self.limits.maxConnections }

    func connections(of address: IPAddress) -> Int { self.perClient[self.key(address)] ?? 0 }

    private func key(_ address: IPAddress) -> TCPClientKey {
        TCPClientKey(address, ipv4Prefix: self.limits.ipv4Prefix, ipv6Prefix: self.limits.ipv6Prefix)
    }

    mutating func admit(id: UInt64, client address: IPAddress, activity: TCPConnectionActivity) -> Admission {
        let client = self.key(address)
        var victim: UInt64? = nil
        if (self.perClient[client] ?? 0) >= self.limits.maxPerClient {
            guard let oldest = self.oldestIdle(of: client) else { return .refused }
            victim = oldest
        } else if self.entries.count >= self.limits.maxConnections {
            guard let oldest = self.oldestIdle(of: nil) else { return .refused }
            victim = oldest
        }
        if let victim { self.remove(id: victim) }
        self.entries[id] = Entry(client: client, activity: activity)
        self.perClient[client, default: 0] += 1
        return victim.map { .admittedEvicting($0) } ?? .admitted
    }

    /// Forgets a connection; a no-op for one already evicted.
    mutating func remove(id: UInt64) {
        guard let entry = self.entries.removeValue(forKey: id) else { return }
        let left = (self.perClient[entry.client] ?? 1) - 1
        self.perClient[entry.client] = left > 0 ? left : nil
    }

    /// A linear scan, done only when a limit is reached (at most `maxConnections` entries).
    private func oldestIdle(of client: TCPClientKey?) -> UInt64? {
        var idle: (id: UInt64, since: Int64)? = nil
        var blocked: (id: UInt64, since: Int64)? = nil
        for (id, entry) in self.entries where client == nil || entry.client == client {
            let since = entry.activity.idleSince.load(ordering: .relaxed)
            if since >= 0 && (idle == nil || since < idle!.since) { idle = (id, since) }
            let stuck = entry.activity.blockedSince.load(ordering: .relaxed)
            if stuck >= 0 && (blocked == nil || stuck < blocked!.since) { blocked = (id, stuck) }
        }
        return idle?.id ?? blocked?.id
    }
}
