import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Something a test needs from the machine — a peer program, a Python module, root — and where
/// it comes from (the Debian package `scripts/deps.sh` installs). The one way tests find tools:
/// `.requires(...)` on a test or suite, and `Subprocess`, which looks names up the same way.
public struct Peer: Sendable, CustomStringConvertible {
    /// The program's name on `PATH`, or what the requirement is called.
    public let name: String
    /// Where it comes from, e.g. "Debian package knot-dnsutils".
    public let source: String
    private let probe: @Sendable () -> Bool

    /// A program on `PATH` (or in /usr/sbin, /sbin) from the Debian package `package`.
    public init(_ name: String, package: String) {
        self.name = name
        self.source = "Debian package \(package)"
        self.probe = { Subprocess.find(name) != nil }
    }

    /// Anything else, checked by `probe` (run once per process).
    public init(_ name: String, source: String, probe: @escaping @Sendable () -> Bool) {
        self.name = name
        self.source = source
        self.probe = probe
    }

    public var description: String { "\(name) (\(source))" }

    private static let probed = Mutex<[String: Bool]>([:])

    public var isAvailable: Bool {
        if let known = Self.probed.withLock({ $0[name] }) { return known }
        let found = probe()
        Self.probed.withLock { $0[name] = found }
        return found
    }

    /// Whether this run is CI's (`CI` set, and not to "0" or "false"): there every peer is
    /// installed by `make test`, so a missing one is a failure, never a silent skip.
    public static var isCI: Bool {
        guard let value = ProcessInfo.processInfo.environment["CI"] else { return false }
        return !["", "0", "false"].contains(value.lowercased())
    }

    /// True if every peer is available; false if one is missing outside CI; under CI, throws
    /// ``Missing`` naming what is missing and its package.
    public static func check(_ peers: [Peer], ci: Bool = isCI) throws -> Bool {
        let missing = peers.filter { !$0.isAvailable }
        guard missing.isEmpty else {
            if ci { throw Missing(peers: missing) }
            return false
        }
        return true
    }

    public struct Missing: Error, CustomStringConvertible {
        public var peers: [Peer]
        public var description: String {
            "not installed: \(peers.map(\.description).joined(separator: ", ")); CI needs every peer "
                + "(scripts/deps.sh installs them)"
        }
    }

    /// The known peer called `name`, if any (to name its package in an error).
    public static func named(_ name: String) -> Peer? { all.first { $0.name == name } }
}

extension Peer {
    public static let kdig = Peer("kdig", package: "knot-dnsutils")
    public static let knotd = Peer("knotd", package: "knot")
    public static let unbound = Peer("unbound", package: "unbound")
    public static let unboundCheckconf = Peer("unbound-checkconf", package: "unbound")
    public static let delv = Peer("delv", package: "bind9-dnsutils")
    public static let dig = Peer("dig", package: "bind9-dnsutils")
    public static let dnssecKeygen = Peer("dnssec-keygen", package: "bind9-utils")
    public static let named = Peer("named", package: "bind9")
    public static let namedCheckzone = Peer("named-checkzone", package: "bind9-utils")
    public static let nsdCheckzone = Peer("nsd-checkzone", package: "nsd")
    public static let dnssecDSFromKey = Peer("dnssec-dsfromkey", package: "bind9-utils")
    public static let dnssecSignzone = Peer("dnssec-signzone", package: "bind9-utils")
    public static let dnssecVerify = Peer("dnssec-verify", package: "bind9-utils")
    public static let dnssecSettime = Peer("dnssec-settime", package: "bind9-utils")
    public static let ldnsVerifyZone = Peer("ldns-verify-zone", package: "ldnsutils")
    public static let ldnsDane = Peer("ldns-dane", package: "ldnsutils")
    public static let openssl = Peer("openssl", package: "openssl")
    public static let cc = Peer("cc", package: "gcc")
    public static let dnsperf = Peer("dnsperf", package: "dnsperf")
    public static let posttlsFinger = Peer("posttls-finger", package: "postfix")
    public static let unshare = Peer("unshare", package: "util-linux")
    public static let mount = Peer("mount", package: "mount")
    public static let ip = Peer("ip", package: "iproute2")
    public static let python3 = Peer("python3", package: "python3")
    public static let bash = Peer("bash", package: "bash")
    public static let setpriv = Peer("setpriv", package: "util-linux")
    public static let systemdAnalyze = Peer("systemd-analyze", package: "systemd")
    public static let make = Peer("make", package: "make")
    /// dnspython, which the peer scripts in Tests/Peers use.
    public static let dnspython = Peer(
        "python3 dnspython", source: "pip package dnspython, from scripts/deps.sh",
        probe: { pythonImports("dns.message, dns.dnssec") })
    public static let pythonCryptography = Peer(
        "python3 cryptography", source: "pip package cryptography, from scripts/deps.sh",
        probe: { pythonImports("cryptography") })
    /// Root, for tests that need a private mount namespace (CI runs as root).
    public static let root = Peer("root", source: "run the tests as root", probe: { getuid() == 0 })

    static let all: [Peer] = [
        kdig, knotd, unbound, unboundCheckconf, delv, dig, dnssecKeygen, named, namedCheckzone, nsdCheckzone,
        dnssecDSFromKey, dnssecSignzone, dnssecVerify, dnssecSettime,
        ldnsVerifyZone,
        ldnsDane, openssl, cc, dnsperf, posttlsFinger, unshare, mount, ip, python3, bash, dnspython, pythonCryptography,
        root, setpriv, systemdAnalyze, make,
    ]

    private static func pythonImports(_ modules: String) -> Bool {
        Subprocess.find("python3") != nil && (try? Subprocess.run("python3", ["-c", "import \(modules)"]))?.status == 0
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test (or suite) only where every one of `peers` is available. Outside CI a
    /// missing peer disables it, and the comment names each peer and its package; under CI
    /// (`CI` set) the test fails instead.
    public static func requires(_ peers: Peer..., sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        let comment = Comment(rawValue: "needs " + peers.map(\.description).joined(separator: ", "))
        return .enabled(comment, sourceLocation: sourceLocation) { try Peer.check(peers) }
    }
}
