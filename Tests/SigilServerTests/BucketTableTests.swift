import Testing

@testable import QueryControls

/// The rate limit's shared buckets, where workers race on one word per bucket.
@Suite struct BucketTableTests {
    /// A bucket word: tag, stamp (seconds), balance.
    static func word(tag: UInt32, stamp: UInt16, balance: Int16) -> UInt64 {
        UInt64(tag) << 32 | UInt64(stamp) << 16 | UInt64(UInt16(bitPattern: balance))
    }

    /// A worker that read the clock a second before another worker stamped the bucket sees the
    /// stamp ahead of its clock: that is no time passed, not 65,535 seconds and a full bucket.
    @Test func aStampAheadOfTheClockRefillsNothing() {
        let empty = Self.word(tag: 7, stamp: 100, balance: 0)
        #expect(BucketTable.balance(empty, tag: 7, now: 99, rate: 20, window: 15) == 0)
        #expect(BucketTable.balance(empty, tag: 7, now: 101, rate: 20, window: 15) == 20)
        // Another client's bucket is not taken over either.
        #expect(BucketTable.balance(empty, tag: 9, now: 99, rate: 20, window: 15) == 0)
    }

    @Test func aLateWorkerDoesNotMoveTheStampBack() {
        let table = BucketTable(count: 4)
        let (index, tag) = [UInt8]([1, 2, 3, 4]).withUnsafeBytes { table.locate($0) }
        #expect(table.take(index: index, tag: tag, now: 100, rate: 1, window: 15))
        #expect(!table.take(index: index, tag: tag, now: 99, rate: 1, window: 15), "no refill for a late clock")
        #expect(!table.hasToken(index: index, tag: tag, now: 100, rate: 1, window: 15), "stamp still 100")
        #expect(table.hasToken(index: index, tag: tag, now: 101, rate: 1, window: 15))
    }
}
