import DNSWire

/// One operation a benchmark times. A workload does its setup in its initializer and repeats the
/// operation `run(_:)` times, so the measurement holds that operation alone. Shared by the codec
/// and the signing benchmarks, and by `CodecProfile`.
public protocol Workload {
    /// Runs the operation `iterations` times.
    mutating func run(_ iterations: Int)
    /// A value derived from the last run, for `blackHole`.
    var result: Int { get }
}

extension Query {
    /// `packet` decoded into a new `Query`, for a workload's setup.
    public static func decoded(from packet: [UInt8]) throws -> Query {
        var query = Query()
        // A typed-throws closure here crashes the 6.3.1 optimizer (PerfInliner); decode untyped.
        let failure = packet.withUnsafeBytes { bytes -> WireError? in
            do throws(WireError) {
                try query.decode(bytes)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
        return query
    }
}
