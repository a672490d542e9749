import Benchmark
import BenchmarkMeasure
import DNSSEC
import SigningWorkloads

/// The online signer's own costs: making one signature (each algorithm), the NSEC3 hash a denial
/// proof needs per query, and writing a signed answer from the signature cache.
///
/// As in `CodecBenchmarks`, each measured iteration runs 1000 operations (`scalingFactor: .kilo`).
/// `Sign.*` sign one RRset afresh, the cache bypassed, so their time is what a cache miss adds to
/// an answer; compare with `openssl speed ecdsap256` / `openssl speed ed25519`. The
/// `SignedAnswer.*Hit` benchmarks are the steady state of a warm server and must not allocate:
/// `Thresholds/` pins their `mallocCountTotal` at 0, strictly, so `make bench-check` fails if they do.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .sigil

    // 1000 signatures per sample like the rest; 5 s per benchmark since one ECDSA signature costs
    // tens of microseconds.
    let signing = Benchmark.Configuration(maxDuration: .seconds(5))

    Benchmark("Sign.ecdsaP256", configuration: signing) { benchmark in
        var workload = try SignRRsetWorkload(.ecdsaP256SHA256)
        measure(benchmark, &workload)
    }

    Benchmark("Sign.ed25519", configuration: signing) { benchmark in
        var workload = try SignRRsetWorkload(.ed25519)
        measure(benchmark, &workload)
    }

    Benchmark("NSEC3.hash") { benchmark in
        var workload = try NSEC3HashWorkload()
        measure(benchmark, &workload)
    }

    Benchmark("SignedAnswer.positiveHit") { benchmark in
        var workload = try SignedAnswerHitWorkload(.positive)
        measure(benchmark, &workload)
    }

    Benchmark("SignedAnswer.nxdomainHit") { benchmark in
        var workload = try SignedAnswerHitWorkload(.nxdomain)
        measure(benchmark, &workload)
    }
}
