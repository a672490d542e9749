import DNSWire
import Foundation
import SigilTestSupport
import Testing

@testable import SigilServerTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The acceptance test of online signing: `sigil serve` signs a zone, and independent validators
/// — a validating Unbound with Sigil's DS as its trust anchor, and BIND's `delv` — accept every
/// kind of answer (AD set, "fully validated"), with the rcodes Knot gives for the same zone.
///
/// One Sigil and one Unbound per combination of algorithm (13, 15) and denial mode (nsec3,
/// nsec3-narrow), reused for all queries. In `nsec3` mode the keys are a KSK and a ZSK made by
/// BIND's `dnssec-keygen` (and the DS from `dnssec-dsfromkey` must equal `sigil ds`); in narrow
/// mode Sigil generates its own combined key at start-up.
@Suite(.requires(.kdig, .unbound, .delv, .dnssecKeygen, .dnssecDSFromKey))
struct DNSSECValidationTests {
    static let origin = "val.test."

    static let zone = """
        $ORIGIN val.test.
        $TTL 300
        @            SOA   ns1 hostmaster 7 7200 3600 1209600 60
        @            NS    ns1
        ns1          A     192.0.2.53
        www          A     192.0.2.80
        www          AAAA  2001:db8::80
        alias        CNAME www
        *.wild       A     192.0.2.42
        mx           A     192.0.2.25
        _25._tcp.mx  TLSA  3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6
        secure       NS    ns.secure
        secure       DS    12345 13 2 3F5A6B8C1D2E3F405162738495A6B7C8D9EAFB0C1D2E3F405162738495A6B7C8
        ns.secure    A     192.0.2.60
        insecure     NS    ns.insecure
        ns.insecure  A     192.0.2.61

        """

    /// Each query, with the rcode and answer types a validating resolver must return.
    static let queries: [(name: String, type: String, rcode: RCode, answer: [RRType])] = [
        ("www.val.test.", "A", .noError, [.a]),
        ("alias.val.test.", "A", .noError, [.cname, .a]),
        ("host.wild.val.test.", "A", .noError, [.a]),
        ("nope.val.test.", "A", .nxDomain, []),
        ("www.val.test.", "MX", .noError, []),
        ("_tcp.mx.val.test.", "A", .noError, []),
        ("_25._tcp.mx.val.test.", "TLSA", .noError, [.tlsa]),
        ("_443._tcp.mx.val.test.", "TLSA", .nxDomain, []),
        ("secure.val.test.", "DS", .noError, [.ds]),
        ("insecure.val.test.", "DS", .noError, []),
        ("val.test.", "DNSKEY", .noError, [.dnskey]),
    ]

    static let combinations: [(algorithm: String, denial: String)] = [
        ("ecdsap256sha256", "nsec3"), ("ecdsap256sha256", "nsec3-narrow"),
        ("ed25519", "nsec3"), ("ed25519", "nsec3-narrow"),
    ]

    @Test(arguments: combinations)
    func validatorsAcceptEveryAnswer(algorithm: String, denial: String) throws {
        let work = try TemporaryDirectory()
        let keys = work.path + "/keys"
        try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
        var bindDS: String? = nil
        if denial == "nsec3" {
            // BIND's keys: a KSK and a ZSK, served as they are.
            let bindName = algorithm == "ed25519" ? "ED25519" : "ECDSAP256SHA256"
            let ksk = try Subprocess.check(
                "dnssec-keygen", ["-q", "-a", bindName, "-f", "KSK", "-K", keys, Self.origin])
            try Subprocess.check("dnssec-keygen", ["-q", "-a", bindName, "-K", keys, Self.origin])
            let kskFile = keys + "/" + ksk.trimmingCharacters(in: .whitespacesAndNewlines) + ".key"
            bindDS = try Subprocess.check("dnssec-dsfromkey", ["-2", kskFile])
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let file = try work.write("val.test.zone", Self.zone)
        let config = try work.write(
            "sigil.yaml",
            """
            keys: keys
            zones:
              - origin: val.test
                file: \(file)
                dnssec: { algorithm: \(algorithm), denial: \(denial) }

            """)
        let sigil = try SigilServerProcess(["--config", config, "--udp-workers", "1"], in: work)
        #expect(sigil.log.contains("signed (\(denial)"), "\(sigil.log)")

        // The trust anchor: `sigil ds`, which must agree with BIND for BIND's keys.
        let ds = try Subprocess.check(try SigilBinary.require(), ["ds", Self.origin, "--dir", keys])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(ds.split(separator: "\n").count == 1, "one SEP key: \(ds)")
        if let bindDS { #expect(ds == bindDS) }
        if denial == "nsec3-narrow" {
            #expect(sigil.log.contains("generated signing key"), "\(sigil.log)")
            #expect(sigil.log.contains(ds), "the generated key's DS is logged: \(sigil.log)")
        }

        let unbound = try UnboundProcess(trustAnchor: ds, zone: Self.origin, stubPort: sigil.port, in: work)
        for query in Self.queries {
            let label = "\(query.name) \(query.type) (\(algorithm), \(denial))"
            let reply = try #require(
                try Kdig.ask(query.name, query.type, port: unbound.port, options: ["+dnssec", "+timeout=5"]),
                "Unbound's answer to \(label)")
            let message = reply.message
            #expect(message.rcode == query.rcode, "\(label): \(reply.stdout)\n\(unbound.log)")
            #expect(message.header.authenticData, "\(label) must validate: \(reply.stdout)\n\(unbound.log)")
            // Types in order, each once (a KSK and a ZSK are two DNSKEY records).
            let types = message.answers.map(\.type).filter { $0 != .rrsig }
            let distinct = types.enumerated().filter { $0.0 == 0 || types[$0.0 - 1] != $0.1 }.map(\.1)
            #expect(distinct == query.answer, "\(label)")
        }

        // BIND's validator, on its own, asking Sigil directly.
        let anchor = try work.write("anchor.conf", Self.delvAnchor(ds))
        for (name, type) in [("www.val.test.", "A"), ("nope.val.test.", "A"), ("_25._tcp.mx.val.test.", "TLSA")] {
            let output = try Subprocess.run(
                "delv", ["@127.0.0.1", "-p", "\(sigil.port)", "-a", anchor, "+root=val.test", name, type])
            // "; fully validated", or "; negative response, fully validated"
            #expect(
                output.stdout.contains("fully validated") || output.stderr.contains("fully validated"),
                "delv \(name) \(type) (\(algorithm), \(denial)): \(output.stdout)\(output.stderr)")
        }

        // The negative control: with a wrong anchor the same answers are bogus.
        if algorithm == "ecdsap256sha256" && denial == "nsec3" {
            let wrong = Self.wrongDS(ds)
            let other = try UnboundProcess(trustAnchor: wrong, zone: Self.origin, stubPort: sigil.port, in: work)
            let reply = try #require(try Kdig.ask("www.val.test.", "A", port: other.port, options: ["+dnssec"]))
            #expect(reply.message.rcode == .servFail && !reply.message.header.authenticData, "\(reply.stdout)")
        }
    }

    /// The same queries to Knot serving the unsigned zone: the rcodes asserted above are Knot's.
    @Test(.requires(.knotd, .python3, .dnspython))
    func rcodesAreKnots() throws {
        let work = try TemporaryDirectory()
        try work.write("val.zone", Self.zone)
        try work.write("zones.txt", "\(Self.origin) val.zone\n")
        try work.write("queries.txt", Self.queries.map { "\($0.name) \($0.type)\n" }.joined())
        let script = try Subprocess.run(
            "python3", [SigilBinary.packageRoot + "/Tests/Peers/knot-answers.py", work.path])
        try #require(script.succeeded, "knot-answers.py: \(script.stderr)")
        var rcodes: [String: RCode] = [:]
        for line in script.stdout.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 3, let bytes = Base16.decode(parts[2]) else { continue }
            rcodes["\(parts[0]) \(parts[1])"] = try Message(decoding: bytes).rcode
        }
        for query in Self.queries {
            #expect(rcodes["\(query.name) \(query.type)"] == query.rcode, "\(query.name) \(query.type)")
        }
    }

    /// `trust-anchors { "val.test." static-ds TAG ALG DIGESTTYPE "HEX"; };` from a DS line.
    static func delvAnchor(_ ds: String) -> String {
        // "OWNER IN DS TAG ALG DIGESTTYPE HEX"
        let fields = ds.split(separator: " ").map(String.init)
        let rdata = fields[3...5].joined(separator: " ")
        return "trust-anchors {\n  \"\(fields[0])\" static-ds \(rdata) \"\(fields[6])\";\n};\n"
    }

    /// The DS line with the digest's last hex digit changed.
    static func wrongDS(_ ds: String) -> String {
        let last = ds.last!
        return String(ds.dropLast()) + (last == "0" ? "1" : "0")
    }
}

/// A validating Unbound (`unbound -d`) on a free loopback port, with one trust anchor and the
/// zone stubbed to Sigil. Stopped when the value goes away.
final class UnboundProcess {
    let process: Process
    let address: String
    let port: UInt16
    let logPath: String

    /// `address` and `port` are where it listens (by default a free port on 127.0.0.1, through
    /// `PeerPort`: started again on another port if unbound finds it taken; a libc stub resolver
    /// can only use port 53); `options` are more `server:` lines, like `cache-max-ttl: 0` for a
    /// test that must see every change at once.
    init(
        trustAnchor: String, zone: String, stubPort: UInt16, in directory: TemporaryDirectory,
        address: String = "127.0.0.1", port: UInt16? = nil, options: [String] = []
    ) throws {
        func launch(_ port: UInt16) throws -> (Process, UInt16, String) {
            try Self.launch(
                trustAnchor: trustAnchor, zone: zone, stubPort: stubPort, in: directory, address: address, port: port,
                options: options)
        }
        self.address = address
        (process, self.port, logPath) = try port.map(launch) ?? PeerPort.start(address: address, launch)
    }

    /// Writes the configuration, starts unbound and waits until it answers; throws
    /// `PeerPort.InUse` if its bind failed.
    private static func launch(
        trustAnchor: String, zone: String, stubPort: UInt16, in directory: TemporaryDirectory, address: String,
        port: UInt16, options: [String]
    ) throws -> (Process, UInt16, String) {
        let name = "unbound-\(address)-\(port)"
        let logPath = directory.path + "/\(name).log"
        // Everything unbound reads is here: no /etc/unbound file, root hints or anchor file.
        let config = try directory.write(
            "\(name).conf",
            """
            server:
              interface: \(address)
              port: \(port)
              do-ip6: no
              num-threads: 1
              so-reuseport: no
              do-not-query-localhost: no
              module-config: "validator iterator"
              trust-anchor: "\(trustAnchor)"
              local-zone: "test." nodefault
              val-log-level: 2
              verbosity: 1
              username: ""
              chroot: ""
              directory: "\(directory.path)"
              pidfile: "\(directory.path)/\(name).pid"
              use-syslog: no
              logfile: ""
            \(options.map { "  \($0)\n" }.joined())stub-zone:
              name: "\(zone)"
              stub-addr: 127.0.0.1@\(stubPort)
            remote-control:
              control-enable: no

            """)
        let process = try Subprocess.start(
            try Subprocess.find("unbound").orThrow("unbound"), ["-d", "-c", config], log: logPath)
        // Ready when it answers (anything: a name outside the stub is refused or fails).
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if process.isRunning,
                (try? Kdig.ask(".", "SOA", server: address, port: port, options: ["+timeout=1", "+norecurse"])) != nil
            {
                return (process, port, logPath)
            }
            guard process.isRunning else { break }
            usleep(50_000)
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        let log = String(decoding: Subprocess.readFile(logPath), as: UTF8.self)
        if PeerPort.bindFailed(log) { throw PeerPort.InUse(port: port, log: log) }
        throw Subprocess.Failure("unbound did not start: \(log)")
    }

    deinit { stop() }

    var log: String { String(decoding: Subprocess.readFile(logPath), as: UTF8.self) }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }
}
