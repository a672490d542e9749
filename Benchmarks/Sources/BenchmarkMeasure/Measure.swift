import Benchmark
import CodecWorkloads

/// Times `workload.run` over the benchmark's scaled iterations, setup (done by the workload's
/// initializer) excluded. The workload is `inout`: a copy would share its buffers with the
/// original, and the first write inside the measurement would copy them (an allocation per sample).
public func measure<W: Workload>(_ benchmark: Benchmark, _ workload: inout W) {
    let iterations = benchmark.scaledIterations.count
    benchmark.startMeasurement()
    workload.run(iterations)
    benchmark.stopMeasurement()
    blackHole(workload.result)
}

extension Benchmark.Configuration {
    /// What every Sigil benchmark measures and how strictly: 1000 operations per measured iteration
    /// (`--scale` shows them per operation), no allocation tolerated at all (the hot paths must not
    /// allocate, so a single malloc fails `thresholds check`), and wide time tolerances, because the
    /// shared machine's load moves wall clock far more than a real regression would.
    public static var sigil: Benchmark.Configuration {
        .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal],
            scalingFactor: .kilo,
            maxDuration: .seconds(3),
            maxIterations: 100_000,
            thresholds: [
                .mallocCountTotal: .init(absolute: BenchmarkThresholds.Absolute.strict),
                .wallClock: .init(relative: [.p50: 25.0, .p75: 35.0]),
                .throughput: .init(relative: [.p50: 25.0, .p75: 35.0]),
            ]
        )
    }
}
