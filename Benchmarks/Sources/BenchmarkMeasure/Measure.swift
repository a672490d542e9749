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
