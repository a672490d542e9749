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
        .executableTarget(
            name: "CodecBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "DNSWire", package: "Sigil"),
            ],
            path: "Benchmarks/CodecBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
