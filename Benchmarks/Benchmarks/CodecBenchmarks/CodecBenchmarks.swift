import Benchmark
import DNSWire

/// The codec's hot path: what a worker does for every query (decode it, encode the answer) and the
/// name operations zone loading and DNSSEC ordering lean on.
///
/// Each benchmark runs 1000 operations per measured iteration (`scalingFactor: .kilo`), so raw
/// results are per 1000 operations and `--scale` shows them per operation. The packets come from
/// dnspython (`Packets.swift`), the same bytes `anchor/dnspython_bench.py` times.
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
        var query = Query()
        Packets.query.withUnsafeBytes { packet in
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                do {
                    try query.decode(packet)
                } catch {
                    fatalError("query does not decode: \(error)")
                }
            }
            benchmark.stopMeasurement()
        }
        blackHole(query.dnssecOK)
    }

    Benchmark("Encode.positiveSigned") { benchmark in
        try encodeBenchmark(benchmark, Packets.positive)
    }

    Benchmark("Encode.nxdomainSigned") { benchmark in
        try encodeBenchmark(benchmark, Packets.nxdomain)
    }

    Benchmark("DNSName.parse") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try DNSName(text: "www.example.test."))
        }
    }

    Benchmark("DNSName.canonicalCompare") { benchmark in
        // Equal but for the case of the right part, so every label is compared before `b` < `c` decides.
        let left = try DNSName(text: "a.b.www.Example.TEST.")
        let right = try DNSName(text: "a.c.www.example.test.")
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(left < right)
        }
        benchmark.stopMeasurement()
    }
}

/// Encodes `packet`'s message (decoded once, outside the measurement) into a reused writer, with
/// compression and a 1232-byte limit, as the server answers over UDP.
///
/// The RRSIG and NSEC3 records are whatever `Message(decoding:)` makes of them: opaque
/// `UnknownRData` bytes until DNSWire has their types, the typed values after.
func encodeBenchmark(_ benchmark: Benchmark, _ packet: [UInt8]) throws {
    let message = try Message(decoding: packet)
    var writer = WireWriter(capacity: 4096)
    precondition(message.encode(into: &writer, limit: 1232), "the answer must fit")
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
        message.encode(into: &writer, limit: 1232)
    }
    benchmark.stopMeasurement()
    blackHole(writer.count)
}
