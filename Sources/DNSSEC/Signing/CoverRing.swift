/// A worker's last few narrow-mode NSEC3 records that cover a next closer name, with their
/// signatures, kept out of the signer's shared `SignatureCache`.
///
/// Why: in `nsec3-narrow` mode the record covering a next closer name (hash − 1 … hash + 1) is
/// unique to the queried name, so for traffic of new names (the cold path: random subdomains,
/// NXDOMAIN floods) storing it in the shared cache is wasted work: a stripe lock, a dictionary
/// insert that grows the table, and memory that pushes out entries that do get reused (the
/// closest encloser's and the wildcard's records). A handful of recent ones per worker still
/// answers a retransmitted query without signing again.
///
/// The slots are allocated once; an entry is only served for the signer that made it and while
/// it is fresh. Being per worker, two workers that miss on the same name each sign it: the
/// shared cache's "concurrent misses sign once" is for records that are reused.
package struct CoverRing {
    static let capacity = 8

    private var keys: [NarrowKey]
    private var entries: [SignatureEntry?]
    private var next = 0
    /// The signer the entries belong to; a different one (a reloaded zone, another zone) empties
    /// the ring.
    private var owner: ZoneSigner?

    package init() {
        keys = [NarrowKey](
            repeating: NarrowKey(owner: NSEC3Hash(high: 0, middle: 0, low: 0), node: -1),
            count: Self.capacity)
        entries = [SignatureEntry?](repeating: nil, count: Self.capacity)
    }

    /// The ring's fresh signatures of `key` of `signer`, without signing.
    package func cached(_ key: NarrowKey, _ signer: ZoneSigner, now: Int64) -> SignatureEntry? {
        guard owner === signer else { return nil }
        for slot in 0..<Self.capacity where keys[slot] == key {
            if let entry = entries[slot], entry.isFresh(at: now) { return entry }
        }
        return nil
    }

    /// Signs the cover record `key` of `signer` now, after `cached` missed, and keeps it in place
    /// of the oldest. Nil if signing failed.
    package mutating func make(_ key: NarrowKey, _ signer: ZoneSigner, now: Int64) -> SignatureEntry? {
        if owner !== signer {
            for slot in 0..<Self.capacity { entries[slot] = nil }
            owner = signer
        }
        guard let entry = signer.makeEntry(narrow: key, now: now) else { return nil }
        keys[next] = key
        entries[next] = entry
        next = (next + 1) % Self.capacity
        return entry
    }
}
