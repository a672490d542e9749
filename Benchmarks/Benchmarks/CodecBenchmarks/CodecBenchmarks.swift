import Benchmark
import CodecWorkloads

/// The codec's hot path: what a worker does for every query (decode it, encode the answer) and the
/// name operations zone loading and DNSSEC ordering lean on.
///
/// Each benchmark runs 1000 operations per measured iteration (`scalingFactor: .kilo`), so raw
/// results are per 1000 operations and `--scale` shows them per operation. The packets come from
/// dnspython (`Packets.swift`), the same bytes `anchor/dnspython_bench.py` times. The workloads
/// live in `CodecWorkloads`, shared with `CodecProfile` (instruction counts under callgrind).
///
/// `Encode.*` go through `Message.encode` (the generic encoder); `ServerEncode.*` encode the same
/// answers the way the server does, with `AnswerEncoder` over a `Zone` whose RRSIG and NSEC3 RDATA
/// are pre-encoded, and give the same bytes.
///
/// Allocation thresholds are absolute and strict: the decode and encode benchmarks must not
/// allocate at all, and `swift package benchmark thresholds check` fails as soon as one does
/// (see `Thresholds/`). Time is compared only between baselines, with a tolerance for a shared
/// machine's noise.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
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

    Benchmark("Query.decode") { benchmark in
        try measure(benchmark, QueryDecodeWorkload())
    }

    Benchmark("Encode.positiveSigned") { benchmark in
        try measure(benchmark, MessageEncodeWorkload(packet: Packets.positive))
    }

    Benchmark("Encode.nxdomainSigned") { benchmark in
        try measure(benchmark, MessageEncodeWorkload(packet: Packets.nxdomain))
    }

    Benchmark("ServerEncode.positiveSigned") { benchmark in
        try measure(benchmark, ServerEncodeWorkload(packet: Packets.positive))
    }

    Benchmark("ServerEncode.nxdomainSigned") { benchmark in
        try measure(benchmark, ServerEncodeWorkload(packet: Packets.nxdomain))
    }

    Benchmark("DNSName.parse") { benchmark in
        try measure(benchmark, NameParseWorkload())
    }

    Benchmark("DNSName.canonicalCompare") { benchmark in
        try measure(benchmark, CanonicalCompareWorkload())
    }
}

/// Times `workload.run` over the benchmark's scaled iterations, setup (done by the workload's
/// initializer) excluded.
func measure<W: CodecWorkload>(_ benchmark: Benchmark, _ workload: W) {
    var workload = workload
    let iterations = benchmark.scaledIterations.count
    benchmark.startMeasurement()
    workload.run(iterations)
    benchmark.stopMeasurement()
    blackHole(workload.result)
}
