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
        /// The workloads and packets, shared by the two executables below. Only `CodecBenchmarks` sits
        /// in `Benchmarks/`: the plugin takes every executable target there for a benchmark.
        .target(
            name: "CodecWorkloads",
            dependencies: [
                .product(name: "DNSWire", package: "Sigil"),
                .product(name: "DNSZone", package: "Sigil"),
            ],
            path: "Sources/CodecWorkloads"
        ),
        /// Instruction counts under callgrind (`run-callgrind.sh`): stable where wall clock is not.
        .executableTarget(
            name: "CodecProfile",
            dependencies: ["CodecWorkloads"],
            path: "Sources/CodecProfile"
        ),
        .executableTarget(
            name: "CodecBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                "CodecWorkloads",
            ],
            path: "Benchmarks/CodecBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
