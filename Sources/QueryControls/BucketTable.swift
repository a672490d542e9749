import CSodium
import Synchronization

/// A fixed table of token buckets shared by every worker: 65,536 words allocated at start, each
/// updated with one compare-and-swap, so counting a response allocates nothing and takes no
/// lock.
///
/// A word is `tag (32 bits) | second (16) | balance (16, signed)`. The index and tag come from
/// SipHash with a key drawn at start, so a client cannot aim its queries at another's bucket.
/// A bucket refills `rate` tokens a second up to `rate`. A response of another key that lands
/// on a bucket used within the last `window` seconds shares it (both are counted, which errs
/// towards limiting) rather than resetting it: a flood of distinct keys cannot clear the bucket
/// of the response it wants to get through.
final class BucketTable: @unchecked Sendable {
    static let defaultCount = 65_536
    /// A power of two.
    let count: Int
    private let words: UnsafeMutablePointer<Atomic<UInt64>>
    /// The SipHash key for indexes and tags.
    private let key: UnsafeMutablePointer<UInt8>

    init(count: Int = BucketTable.defaultCount) {
        precondition(count > 0 && count & (count - 1) == 0)
        self.count = count
        words = .allocate(capacity: count)
        for index in 0..<count { (words + index).initialize(to: Atomic(0)) }
        key = .allocate(capacity: 16)
        _ = sodium_init()
        randombytes_buf(key, 16)
    }

    deinit {
        words.deinitialize(count: count)
        words.deallocate()
        key.deallocate()
    }

    /// The bucket of `bytes` (a class, a client prefix, a name): its index and tag.
    @inline(__always)
    func locate(_ bytes: UnsafeRawBufferPointer) -> (index: Int, tag: UInt32) {
        var hash: UInt64 = 0
        withUnsafeMutableBytes(of: &hash) { out in
            _ = crypto_shorthash(
                out.baseAddress!.assumingMemoryBound(to: UInt8.self),
                bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count), key)
        }
        return (Int(hash & UInt64(count - 1)), UInt32(truncatingIfNeeded: hash >> 32) | 1)
    }

    /// The balance of a bucket word at second `now`, after refilling; `rate` for a new or
    /// forgotten bucket.
    @inline(__always)
    static func balance(_ word: UInt64, tag: UInt32, now: UInt16, rate: Int32, window: UInt16) -> Int32 {
        let wordTag = UInt32(truncatingIfNeeded: word >> 32)
        let stamp = UInt16(truncatingIfNeeded: word >> 16)
        // A worker that read the clock just before another stamped the next second sees the stamp
        // ahead of it: no time has passed for it, not 65,535 seconds.
        let elapsed = max(0, Int32(Int16(bitPattern: now &- stamp)))
        if word == 0 || (wordTag != tag && elapsed >= Int32(window)) { return rate }
        let balance = Int32(Int16(bitPattern: UInt16(truncatingIfNeeded: word)))
        return min(rate, balance + elapsed * rate)
    }

    /// Whether the bucket has a token now, without taking it.
    func hasToken(index: Int, tag: UInt32, now: UInt16, rate: Int32, window: UInt16) -> Bool {
        let word = words[index].load(ordering: .relaxed)
        return Self.balance(word, tag: tag, now: now, rate: rate, window: window) > 0
    }

    /// Takes `count` tokens; returns false if there were not enough (over the limit). An empty
    /// bucket stays at zero, so a steady flood is answered at `rate` a second.
    func take(_ count: Int32 = 1, index: Int, tag: UInt32, now: UInt16, rate: Int32, window: UInt16) -> Bool {
        var word = words[index].load(ordering: .relaxed)
        while true {
            let balance = Self.balance(word, tag: tag, now: now, rate: rate, window: window)
            let allowed = balance >= count
            let left = allowed ? balance - count : max(0, balance - count)
            let keepTag = UInt32(truncatingIfNeeded: word >> 32)
            let newTag = word == 0 || balance == rate ? tag : keepTag
            // Never move a stamp back (see `balance`).
            let oldStamp = UInt16(truncatingIfNeeded: word >> 16)
            let stamp = word != 0 && Int16(bitPattern: now &- oldStamp) < 0 ? oldStamp : now
            let desired =
                UInt64(newTag) << 32 | UInt64(stamp) << 16 | UInt64(UInt16(bitPattern: Int16(clamping: left)))
            let (exchanged, original) = words[index].compareExchange(
                expected: word, desired: desired, ordering: .relaxed)
            if exchanged { return allowed }
            word = original
        }
    }
}
