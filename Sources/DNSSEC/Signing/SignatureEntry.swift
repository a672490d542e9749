/// The RRSIGs of one RRset (one per signing key), ready to append to a response: each record's
/// RDLENGTH followed by its RDATA, back to back, as `RRset.wire` holds data records.
///
/// Immutable and shared: a cache hit hands out a reference, and a refresh replaces the whole entry.
package final class SignatureEntry: Sendable {
    package let records: [UInt8]
    package let count: UInt16
    /// From this time on the entry is re-signed before use; always before `expiration`.
    let refreshAt: Int64
    package let expiration: Int64

    init(records: [UInt8], count: UInt16, refreshAt: Int64, expiration: Int64) {
        self.records = records
        self.count = count
        self.refreshAt = refreshAt
        self.expiration = expiration
    }

    /// What the entry costs the cache's memory budget: its bytes and an allowance for the object
    /// and the slot.
    var cost: Int { records.count + 64 }

    /// Whether the entry may be served at `now`.
    @inline(__always) func isFresh(at now: Int64) -> Bool { now < refreshAt }
}
