import Synchronization

/// The signatures a `ZoneSigner` has made, so each RRset is signed once per validity period
/// rather than once per query.
///
/// The cache belongs to one signer, which belongs to one version of one zone with one key set: a
/// reloaded zone or a key change makes a new signer and a new, empty cache, so a stale signature
/// can never be served for changed data. Zone RRsets and NSEC3 chain records are numbered slots;
/// narrow-mode records are keyed by owner hash and node.
///
/// Concurrency: slots are spread over stripes, each with a lock for its slots and a second lock
/// held while signing. A hit is one uncontended lock around loading a reference. A miss takes the
/// stripe's signing lock, looks again (another thread may just have signed the same RRset: then
/// its entry is used, so concurrent misses sign once) and signs. Signing under a lock serializes
/// misses that share a stripe, which is rare with many stripes and bounded by the zone size.
///
/// Memory: entries are charged to a budget; above the limit, whole stripes are emptied in turn
/// until the cache is back under three quarters of it.
final class SignatureCache: Sendable {
    final class Stripe: Sendable {
        let slots: Mutex<[SignatureEntry?]>
        let narrow: Mutex<[NarrowKey: SignatureEntry]>
        let signing = Mutex<Void>(())

        init(slotCount: Int) {
            slots = Mutex([SignatureEntry?](repeating: nil, count: slotCount))
            narrow = Mutex([:])
        }
    }

    let stripes: [Stripe]
    let stripeMask: Int
    let stripeShift: Int
    let memoryLimit: Int
    let memoryUsed = Atomic<Int>(0)
    let evictionCursor = Atomic<Int>(0)

    init(slotCount: Int, memoryLimit: Int, stripeBits: Int = 6) {
        let stripeCount = 1 << stripeBits
        stripeMask = stripeCount - 1
        stripeShift = stripeBits
        let perStripe = (slotCount + stripeCount - 1) >> stripeBits
        stripes = (0..<stripeCount).map { _ in Stripe(slotCount: perStripe) }
        self.memoryLimit = memoryLimit
    }

    /// The fresh entry for `slot`, making it with `make` on a miss. Nil only if `make` fails.
    @inline(__always)
    func entry(slot: Int, now: Int64, make: () -> SignatureEntry?) -> SignatureEntry? {
        let stripe = stripes[slot & stripeMask]
        let local = slot >> stripeShift
        if let entry = stripe.slots.withLock({ $0[local] }), entry.isFresh(at: now) { return entry }
        return miss(stripe, local: local, now: now, make: make)
    }

    private func miss(_ stripe: Stripe, local: Int, now: Int64, make: () -> SignatureEntry?) -> SignatureEntry? {
        let (made, delta): (SignatureEntry?, Int) = stripe.signing.withLock { _ in
            if let entry = stripe.slots.withLock({ $0[local] }), entry.isFresh(at: now) { return (entry, 0) }
            guard let entry = make() else { return (nil, 0) }
            let old = stripe.slots.withLock { slots in
                let old = slots[local]
                slots[local] = entry
                return old
            }
            return (entry, entry.cost - (old?.cost ?? 0))
        }
        account(delta)
        return made
    }

    /// The fresh narrow-mode entry for `key`, making it with `make` on a miss.
    func entry(narrow key: NarrowKey, now: Int64, make: () -> SignatureEntry?) -> SignatureEntry? {
        let stripe = stripes[Int(truncatingIfNeeded: key.owner.low) & stripeMask]
        if let entry = stripe.narrow.withLock({ $0[key] }), entry.isFresh(at: now) { return entry }
        let (made, delta): (SignatureEntry?, Int) = stripe.signing.withLock { _ in
            if let entry = stripe.narrow.withLock({ $0[key] }), entry.isFresh(at: now) { return (entry, 0) }
            guard let entry = make() else { return (nil, 0) }
            let old = stripe.narrow.withLock { $0.updateValue(entry, forKey: key) }
            return (entry, entry.cost - (old?.cost ?? 0))
        }
        account(delta)
        return made
    }

    private func account(_ delta: Int) {
        guard delta != 0 else { return }
        let used = memoryUsed.add(delta, ordering: .relaxed).newValue
        if used > memoryLimit { evict() }
    }

    /// Empties stripes, round robin, until the cache is under three quarters of its limit.
    private func evict() {
        let target = memoryLimit / 4 * 3
        for _ in 0..<stripes.count {
            guard memoryUsed.load(ordering: .relaxed) > target else { return }
            let index = evictionCursor.add(1, ordering: .relaxed).oldValue & stripeMask
            let stripe = stripes[index]
            var freed = 0
            stripe.slots.withLock { slots in
                for local in slots.indices {
                    if let entry = slots[local] {
                        freed += entry.cost
                        slots[local] = nil
                    }
                }
            }
            stripe.narrow.withLock { narrow in
                for entry in narrow.values { freed += entry.cost }
                narrow.removeAll()
            }
            memoryUsed.subtract(freed, ordering: .relaxed)
        }
    }

    /// The bytes currently charged to the cache.
    var memoryInUse: Int { memoryUsed.load(ordering: .relaxed) }
}
