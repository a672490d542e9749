import DNSWire
import DNSZone
import Dispatch
import Foundation

/// What a zone transfer needs from the signer: every RRset's signatures and the full NSEC3 chain,
/// without filling the query-time cache (a transfer touches every RRset once; caching them all
/// would keep a second copy of the zone's signatures for as long as the signer lives).
extension ZoneSigner {
    /// The full NSEC3 chain to transfer: the signer's own, or, for an `nsec3-narrow` zone (which
    /// has none: it makes white lies per query), one built now. Secondaries cannot make white lies,
    /// so they get and serve the full chain: their denial is walkable.
    package func transferChain() throws(SignerError) -> NSEC3Chain {
        if let chain { return chain }
        return try NSEC3Chain.build(zone: zone, bitmaps: bitmaps, hashes: nodeHashes)
    }

    /// What the cache has for a transfer's RRset or chain record, looked up without signing.
    package enum TransferLookup {
        /// The RRset is not signed (NS at a delegation, glue).
        case unsigned
        case cached(SignatureEntry)
        /// Not cached (or stale): `transferSignatures` makes them.
        case missing
    }

    /// The cache's fresh signatures of `Zone.rrsets[index]`, if any: a lock and a load, so a
    /// transfer looks here first and signs (on every core) only what is missing.
    package func cachedTransferSignatures(rrset index: Int, now: Int64) -> TransferLookup {
        guard signed[index] else { return .unsigned }
        return cache.peek(slot: index, now: now).map { .cached($0) } ?? .missing
    }

    /// The cache's fresh signatures of chain record `position`, as `cachedTransferSignatures(rrset:now:)`.
    package func cachedTransferSignatures(chainEntry position: Int, now: Int64) -> TransferLookup {
        // Only a signer with a chain of its own caches chain records (after the RRsets).
        guard chain != nil else { return .missing }
        return cache.peek(slot: zone.rrsets.count + position, now: now).map { .cached($0) } ?? .missing
    }

    /// What a batch signs: an RRset of the zone, or a record of a transfer chain.
    package enum TransferItem: Sendable {
        case rrset(Int)
        case chainEntry(Int)
    }

    /// The signatures of `items`, made on every core at once: the cache's where fresh with more than
    /// `minimumLeft` seconds left, otherwise made now and not stored. Nil for an unsigned RRset or
    /// a failed signature. `chain` is the one from `transferChain()`.
    package func transferSignatures(
        _ items: [TransferItem], chain: NSEC3Chain?, now: Int64, minimumLeft: Int64 = 0
    ) -> [SignatureEntry?] {
        @Sendable func sign(_ item: TransferItem) -> SignatureEntry? {
            switch item {
            case .rrset(let index):
                guard signed[index] else { return nil }
                if let cached = cache.peek(slot: index, now: now), cached.expiration - now > minimumLeft {
                    return cached
                }
                return makeEntry(rrset: index, now: now)
            case .chainEntry(let position):
                guard let chain else { return nil }
                // With a chain of its own, the signer's cache numbers chain records after the RRsets.
                if self.chain != nil, let cached = cache.peek(slot: zone.rrsets.count + position, now: now),
                    cached.expiration - now > minimumLeft
                {
                    return cached
                }
                return makeEntry(chainEntry: position, chain, now: now)
            }
        }
        var made = [SignatureEntry?](repeating: nil, count: items.count)
        guard items.count > 1 else {
            if let item = items.first { made[0] = sign(item) }
            return made
        }
        let workers = min(Self.signingThreads, items.count)
        made.withUnsafeMutableBufferPointer { buffer in
            // Each worker writes only its own indices.
            let out = Slots(base: buffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var index = worker
                while index < items.count {
                    out[index] = sign(items[index])
                    index += workers
                }
            }
        }
        return made
    }

    /// Threads that sign a batch.
    static let signingThreads = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// A batch's signatures, written by several threads at distinct indices.
    struct Slots: @unchecked Sendable {
        let base: UnsafeMutablePointer<SignatureEntry?>
        subscript(index: Int) -> SignatureEntry? {
            get { base[index] }
            nonmutating set { base[index] = newValue }
        }
    }

    /// Writes record `position` of `chain` (owner compressed against the origin).
    package func writeTransferChainRecord(_ position: Int, of chain: NSEC3Chain, into writer: inout WireWriter) {
        writeChainRecord(position, chain, into: &writer)
    }

    /// The owner name (uncompressed wire) of record `position` of `chain`.
    package func transferChainOwner(_ position: Int, of chain: NSEC3Chain) -> [UInt8] {
        NSEC3Chain.ownerWire(chain.hashes[position], origin: zone.origin)
    }
}

extension NSEC3Chain {
    /// The number of records.
    package var count: Int { hashes.count }
}

extension SignatureCache {
    /// The entry for `slot` if present and fresh; never signs or stores.
    func peek(slot: Int, now: Int64) -> SignatureEntry? {
        let stripe = stripes[slot & stripeMask]
        guard let entry = stripe.slots.withLock({ $0[slot >> stripeShift] }), entry.isFresh(at: now) else { return nil }
        return entry
    }
}
