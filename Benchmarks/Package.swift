// swift-tools-version: 6.1
import PackageDescription

/// Micro-benchmarks for Sigil's hot paths, kept out of the main package so that building or testing
/// Sigil never pulls in the benchmark harness. Run from this directory:
/// `swift package --disable-sandbox benchmark`.
let package = Package(
    name: "SigilBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Sigil", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        /// The workloads and packets, shared by the two executables below. Only the benchmark
        /// executables sit in `Benchmarks/`: the plugin takes every executable target there for one.
        .target(
            name: "CodecWorkloads",
            dependencies: [
                .product(name: "DNSWire", package: "Sigil"),
                .product(name: "DNSZone", package: "Sigil"),
                .product(name: "QueryPipeline", package: "Sigil"),
            ],
            path: "Sources/CodecWorkloads"
        ),
        /// `measure` and the configuration both benchmark executables share.
        .target(
            name: "BenchmarkMeasure",
            dependencies: [.product(name: "Benchmark", package: "benchmark"), "CodecWorkloads"],
            path: "Sources/BenchmarkMeasure"
        ),
        /// Instruction counts under callgrind (`run-callgrind.sh`): stable where wall clock is not.
        .executableTarget(
            name: "CodecProfile",
            dependencies: ["CodecWorkloads", "SigningWorkloads"],
            path: "Sources/CodecProfile"
        ),
        .executableTarget(
            name: "CodecBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                "BenchmarkMeasure",
                "CodecWorkloads",
            ],
            path: "Benchmarks/CodecBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        /// The online signer: one signature per algorithm, the NSEC3 hash, signed answers from the cache.
        .target(
            name: "SigningWorkloads",
            dependencies: [
                .product(name: "DNSWire", package: "Sigil"),
                .product(name: "DNSZone", package: "Sigil"),
                .product(name: "DNSSEC", package: "Sigil"),
                .product(name: "QueryPipeline", package: "Sigil"),
                "CodecWorkloads",
            ],
            path: "Sources/SigningWorkloads"
        ),
        .executableTarget(
            name: "SigningBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                "BenchmarkMeasure",
                "SigningWorkloads",
            ],
            path: "Benchmarks/SigningBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
