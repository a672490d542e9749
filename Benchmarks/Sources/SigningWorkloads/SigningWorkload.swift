/// The operations the signing benchmarks time. Like the codec workloads, each does its setup in
/// `init` (keys, zone, signer, a warm cache where the benchmark is about hits) and repeats one
/// operation `run(_:)` times, so the benchmark measures that operation alone.
public protocol SigningWorkload {
    /// Runs the operation `iterations` times.
    mutating func run(_ iterations: Int)
    /// A value derived from the last run, for `blackHole`.
    var result: Int { get }
}
