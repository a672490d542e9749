// swift-tools-version: 6.1
import PackageDescription

/// A tiny executable that loads one zone file the way the server does (`ZoneFileParser` then
/// `Zone.build`), for `run.sh` to time against Knot DNS and NSD. A separate package, so the main
/// package gains no benchmark target; it depends on the repository root by path. (It sits in
/// its own directory, `loader`, because a package and its path dependency must not share a
/// directory name, and the benchmark directory is named like a worktree might be.)
///
/// A path dependency's identity is its directory's name, which depends on the checkout (`sigil`,
/// `main`, a worktree's name), so it is worked out here rather than written down.
let root = "../../.."
let rootIdentity: String = {
    let directory = Context.packageDirectory.split(separator: "/").dropLast(3).last.map(String.init) ?? "sigil"
    return directory.lowercased()
}()

let package = Package(
    name: "SigilZoneLoad",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: root)],
    targets: [
        .executableTarget(
            name: "sigil-zoneload",
            dependencies: [
                .product(name: "DNSWire", package: rootIdentity),
                .product(name: "DNSZone", package: rootIdentity),
            ]
        )
    ]
)
