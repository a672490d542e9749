import Benchmark
import BenchmarkMeasure
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
/// answers the way the server does, with `ResponseEncoder` over a `Zone` whose RRSIG and NSEC3 RDATA
/// are pre-encoded, and give the same bytes.
///
/// Allocation thresholds are absolute and strict: the decode and encode benchmarks must not
/// allocate at all, and `swift package benchmark thresholds check` fails as soon as one does
/// (see `Thresholds/`). Time is compared only between baselines, with a tolerance for a shared
/// machine's noise.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .sigil

    Benchmark("Query.decode") { benchmark in
        var workload = try QueryDecodeWorkload()
        measure(benchmark, &workload)
    }

    // The query the decoder works hardest on (Tests/fixtures/make_hostile_queries.py); the
    // 20x-a-normal-query bound itself is DecodeCostTests, which `make test` runs.
    Benchmark("Query.decodeCostliest") { benchmark in
        var workload = try QueryDecodeWorkload.costliest()
        measure(benchmark, &workload)
    }

    Benchmark("Encode.positiveSigned") { benchmark in
        var workload = try MessageEncodeWorkload(packet: Packets.positive)
        measure(benchmark, &workload)
    }

    Benchmark("Encode.nxdomainSigned") { benchmark in
        var workload = try MessageEncodeWorkload(packet: Packets.nxdomain)
        measure(benchmark, &workload)
    }

    Benchmark("ServerEncode.positiveSigned") { benchmark in
        var workload = try ServerEncodeWorkload(packet: Packets.positive)
        measure(benchmark, &workload)
    }

    Benchmark("ServerEncode.nxdomainSigned") { benchmark in
        var workload = try ServerEncodeWorkload(packet: Packets.nxdomain)
        measure(benchmark, &workload)
    }

    Benchmark("DNSName.parse") { benchmark in
        var workload = try NameParseWorkload()
        measure(benchmark, &workload)
    }

    Benchmark("DNSName.canonicalCompare") { benchmark in
        var workload = try CanonicalCompareWorkload()
        measure(benchmark, &workload)
    }
}
