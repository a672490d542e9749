// swift-tools-version: 6.2
import PackageDescription

/// Modules are layered: each depends only on the ones listed before it.
/// DNSWire → DNSZone → DNSSEC → DANE → QueryPipeline → TSIG → ZoneTransfer → SigilServer → sigil.
let package = Package(
    name: "Sigil",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sigil", targets: ["sigil"]),
        .library(name: "DNSWire", targets: ["DNSWire"]),
        .library(name: "DNSZone", targets: ["DNSZone"]),
        .library(name: "DNSSEC", targets: ["DNSSEC"]),
        .library(name: "DANE", targets: ["DANE"]),
        .library(name: "QueryPipeline", targets: ["QueryPipeline"]),
        .library(name: "TSIG", targets: ["TSIG"]),
        .library(name: "ZoneTransfer", targets: ["ZoneTransfer"]),
        .library(name: "QueryControls", targets: ["QueryControls"]),
        .library(name: "SigilServer", targets: ["SigilServer"]),
        .library(name: "KeyManager", targets: ["KeyManager"]),
        .library(name: "ZoneJournal", targets: ["ZoneJournal"]),
        .library(name: "DynamicUpdate", targets: ["DynamicUpdate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CLibSSL", pkgConfig: "libssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        /// Sigil's C over libcrypto: ECDSA signing, the query path's digests, the OpenSSL error drain.
        .target(name: "CSigilCrypto", dependencies: ["COpenSSL"]),
        /// epoll, eventfd, recvmmsg/sendmmsg and packet-info cmsgs for the UDP transport (not in Swift's Glibc).
        .target(name: "CSigilLinux", cSettings: [.define("_GNU_SOURCE")]),

        // The decoder of untrusted input keeps the dynamic exclusivity checks: they cost it nothing.
        .target(name: "DNSWire"),
        .target(name: "DNSZone", dependencies: ["DNSWire"], swiftSettings: hotPath),
        .target(
            name: "DNSSEC", dependencies: ["DNSWire", "DNSZone", "COpenSSL", "CSodium", "CSigilCrypto"],
            swiftSettings: hotPath),
        .target(name: "DANE", dependencies: ["DNSWire", "DNSZone", "DNSSEC", "COpenSSL"]),
        /// `sigil dane check` and `sigil tlsrpt`: a validating stub resolver, a STARTTLS DANE client,
        /// MTA-STS and TLSRPT. Linked by the CLI only, never by the server.
        .target(
            name: "DANECheck", dependencies: ["DNSWire", "DNSZone", "DNSSEC", "DANE", "COpenSSL", "CLibSSL", "CZlib"]),
        /// Key rollovers: BIND timing metadata, the policy and the pure rollover planner.
        .target(name: "KeyManager", dependencies: ["DNSWire", "DNSSEC"]),
        /// Versions of transferred zones: differences, the journal on disk, IXFR answers.
        /// CRC-32C for the journal's records (the CPU's CRC32 instruction where there is one).
        .target(name: "CChecksum"),
        .target(name: "ZoneJournal", dependencies: ["DNSWire", "DNSZone", "DNSSEC", "CSodium", "CChecksum"]),
        /// RFC 2136 UPDATE: parsing, prerequisites, applying, the update log.
        .target(name: "DynamicUpdate", dependencies: ["DNSWire", "DNSZone", "ZoneJournal"]),
        /// The socket-free query pipeline: decode → stages → answer → sign → encode.
        .target(name: "QueryPipeline", dependencies: ["DNSWire", "DNSZone", "DNSSEC"], swiftSettings: hotPath),
        /// Open-internet abuse controls as a pipeline stage: DNS cookies, rate limiting, a signing budget.
        .target(
            name: "QueryControls", dependencies: ["DNSWire", "DNSZone", "QueryPipeline", "CSodium"],
            swiftSettings: hotPath),
        /// RFC 8945 transaction signatures: HMAC (libcrypto), key files, signing and verifying messages.
        .target(name: "TSIG", dependencies: ["DNSWire", "CSigilCrypto"]),
        /// Zone transfers (AXFR streams of the signed zone), access lists, NOTIFY messages.
        .target(
            name: "ZoneTransfer",
            dependencies: ["DNSWire", "DNSZone", "DNSSEC", "QueryPipeline", "QueryControls", "TSIG"]),
        .target(
            name: "SigilServer",
            dependencies: [
                "DNSWire", "DNSZone", "DNSSEC", "DANE", "KeyManager", "QueryPipeline", "QueryControls", "TSIG",
                "ZoneTransfer", "ZoneJournal", "DynamicUpdate", "CSigilLinux",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: hotPath
        ),
        .executableTarget(
            name: "sigil",
            dependencies: [
                "DNSWire", "DNSZone", "DNSSEC", "DANE", "KeyManager", "QueryPipeline", "TSIG", "SigilServer",
                "DANECheck",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Test-only helpers; never linked into the server. SigilTestSupport finds and runs the real
        // peers; each <Module>TestSupport holds the fixtures that module's unit and integration
        // tests share (imported `@testable`).
        .target(name: "SigilTestSupport", path: "Tests/SigilTestSupport"),
        .target(
            name: "DNSZoneTestSupport", dependencies: ["DNSWire", "DNSZone", "QueryPipeline"],
            path: "Tests/DNSZoneTestSupport"),
        .target(
            name: "DNSSECTestSupport", dependencies: ["DNSWire", "DNSZone", "DNSSEC", "QueryPipeline"],
            path: "Tests/DNSSECTestSupport"),
        .target(
            name: "DANETestSupport", dependencies: ["SigilTestSupport", "DNSWire"], path: "Tests/DANETestSupport"),
        .target(
            name: "SigilServerTestSupport",
            dependencies: ["SigilTestSupport", "DNSWire", "QueryPipeline", "SigilServer"],
            path: "Tests/SigilServerTestSupport"),

        // Unit tests (`make unit`): no peer program needed.
        .testTarget(name: "DNSWireTests", dependencies: ["DNSWire"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "DNSZoneTests", dependencies: ["DNSZoneTestSupport", "DNSWire", "DNSZone", "QueryPipeline"],
            resources: [.copy("Zones")]),
        .testTarget(
            name: "DNSSECTests",
            dependencies: ["SigilTestSupport", "DNSSECTestSupport", "DNSWire", "DNSZone", "DNSSEC", "QueryPipeline"]),
        .testTarget(name: "DANECheckTests", dependencies: ["DNSWire", "DNSSEC", "DANECheck"]),
        .testTarget(name: "KeyManagerTests", dependencies: ["DNSWire", "DNSSEC", "KeyManager"]),
        .testTarget(name: "DANETests", dependencies: ["SigilTestSupport", "DANETestSupport", "DNSWire", "DANE"]),
        .testTarget(
            name: "SigilServerTests",
            dependencies: [
                "SigilTestSupport", "SigilServerTestSupport", "DNSWire", "DNSZone", "DNSSEC", "QueryPipeline",
                "QueryControls", "SigilServer", "KeyManager", "TSIG", "ZoneTransfer", "ZoneJournal",
                .product(name: "Logging", package: "swift-log"),
            ]),

        .testTarget(name: "TSIGTests", dependencies: ["DNSWire", "TSIG"]),
        .testTarget(
            name: "ZoneTransferTests",
            dependencies: [
                "DNSSECTestSupport", "DNSWire", "DNSZone", "DNSSEC", "QueryPipeline", "QueryControls", "TSIG",
                "ZoneTransfer",
            ]),
        .testTarget(name: "SigilTestSupportTests", dependencies: ["SigilTestSupport"]),
        .testTarget(
            name: "ZoneJournalTests",
            dependencies: ["DNSSECTestSupport", "DNSWire", "DNSZone", "DNSSEC", "ZoneJournal", "DynamicUpdate"]),

        // Integration tests (`make integration`): judged by real peers (kdig, knotd, unbound, BIND
        // and ldns tools, openssl, Postfix, Python scripts), and the built `sigil`.
        .testTarget(
            name: "DNSZoneIntegrationTests",
            dependencies: ["SigilTestSupport", "DNSZoneTestSupport", "DNSWire", "DNSZone", "QueryPipeline"]),
        .testTarget(
            name: "DNSSECIntegrationTests",
            dependencies: ["SigilTestSupport", "DNSSECTestSupport", "DNSWire", "DNSZone", "DNSSEC", "QueryPipeline"]),
        .testTarget(
            name: "DANEIntegrationTests", dependencies: ["SigilTestSupport", "DANETestSupport", "DNSWire", "DANE"]),
        .testTarget(
            name: "SigilServerIntegrationTests",
            dependencies: [
                "SigilTestSupport", "SigilServerTestSupport", "DNSWire", "DNSZone", "DNSSEC", "QueryPipeline",
                "QueryControls", "SigilServer", "TSIG",
            ]),
    ]
)

/// The answer, signing and pipeline modules are the query hot path: no dynamic exclusivity checks
/// in their inner loops (`-enforce-exclusivity=unchecked`; it changes no optimisation across
/// modules, and the compile-time exclusivity rules still hold). DNSWire, which decodes what the
/// network sends, keeps the checks: under callgrind the codec and signed-answer workloads run the
/// same instructions with and without the flag there (docs/PERFORMANCE.md). An unsafe flag: tools
/// version 6.2 is what lets a package that depends on Sigil's libraries build with it.
var hotPath: [SwiftSetting] { [.unsafeFlags(["-enforce-exclusivity=unchecked"])] }
