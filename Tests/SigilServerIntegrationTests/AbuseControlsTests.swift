import DNSWire
import Foundation
import SigilTestSupport
import Testing

@testable import SigilServerTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The open-internet controls (docs/abuse-controls.md) against real clients: a dnsperf flood
/// under the rate limit while another /24 loses nothing; cookies as BIND's `dig` and `kdig` see
/// them, and shared with Knot's `mod-cookies` and BIND's `cookie-secret`; the signing budget
/// under a unique-NXDOMAIN DO flood while a validating Unbound on another /24 validates. Each
/// check fails with its control off (a negative control or a count only the control explains).
@Suite(.requires(.kdig, .dig, .dnsperf))
struct AbuseControlsTests {
    static let zone = """
        $ORIGIN ab.test.
        $TTL 300
        @     SOA   ns1 hostmaster 1 7200 3600 1209600 60
        @     NS    ns1
        ns1   A     192.0.2.53
        www   A     192.0.2.80

        """

    /// The same secret, in Sigil's, Knot's and BIND's syntax.
    static let secret = "00112233445566778899aabbccddeeff"

    func start(
        _ controls: String, dnssec: String = "{ enabled: false }", in work: TemporaryDirectory
    ) throws
        -> SigilServerProcess
    {
        let file = try work.write("ab.test.zone", Self.zone)
        let config = try work.write(
            "sigil.yaml",
            """
            keys: keys
            \(controls)
            zones:
              - origin: ab.test
                file: \(file)
                dnssec: \(dnssec)

            """)
        return try SigilServerProcess(["--config", config, "--udp-workers", "1"], in: work)
    }

    /// dnsperf's "Queries sent" and "Queries completed".
    static func dnsperfCounts(_ output: String) -> (sent: Int, completed: Int)? {
        func count(_ label: String) -> Int? {
            guard let line = output.split(separator: "\n").first(where: { $0.contains(label) }) else { return nil }
            return Int(line.split(separator: ":")[1].split(separator: " ")[0])
        }
        guard let sent = count("Queries sent:"), let completed = count("Queries completed:") else { return nil }
        return (sent, completed)
    }

    /// Starts dnsperf from 127.0.0.1 in the background: `seconds` at `qps`, with room for every
    /// dropped query to stay outstanding until its timeout.
    static func flood(
        port: UInt16, queries: String, seconds: Int, qps: Int, dnssec: Bool = false, in work: TemporaryDirectory
    ) throws -> (Process, String) {
        let log = work.path + "/dnsperf-\(UUID().uuidString).log"
        var arguments = [
            "-s", "127.0.0.1", "-p", "\(port)", "-d", queries, "-l", "\(seconds)", "-Q", "\(qps)", "-q", "20000",
            "-t", "1", "-c", "1",
        ]
        if dnssec { arguments.append("-D") }
        return (try Subprocess.start(try Subprocess.find("dnsperf").orThrow("dnsperf"), arguments, log: log), log)
    }

    // MARK: - Response rate limiting

    /// A flood of one name from 127.0.0.1 is answered at the rate plus every 4th limited response
    /// as a slip; a client on 127.0.1.1 asking the same name meanwhile gets every answer.
    @Test func rateLimitHoldsAFloodAndSparesAnotherPrefix() throws {
        let work = try TemporaryDirectory()
        let rate = 50
        let slip = 4
        let seconds = 4
        let sigil = try start(
            "rate-limit: { responses-per-second: \(rate), slip: \(slip), window: 5s }", in: work)
        let queries = try work.write("queries.txt", "www.ab.test A\n")
        let (perf, log) = try Self.flood(port: sigil.port, queries: queries, seconds: seconds, qps: 2000, in: work)

        usleep(500_000)
        var answered = 0
        for _ in 0..<20 {
            let reply = try Kdig.ask(
                "www.ab.test", "A", port: sigil.port, options: ["-b", "127.0.1.1", "+notcp", "+ignore"])
            if let reply, !reply.message.header.truncated, reply.message.answers.count == 1 { answered += 1 }
            usleep(50_000)
        }
        perf.waitUntilExit()
        let output = String(decoding: Subprocess.readFile(log), as: UTF8.self)
        let counts = try #require(Self.dnsperfCounts(output), "\(output)")

        #expect(answered == 20, "127.0.1.1 is another /24: none of its answers may be limited")
        // Answered: the full bucket, then `rate` a second; slipped: every `slip`th of the rest.
        let limit = rate * (seconds + 1)
        let expected = Double(limit) + Double(counts.sent - limit) / Double(slip)
        #expect(counts.sent > 10 * limit, "the flood must exceed the rate: \(output)")
        #expect(
            Double(counts.completed) > 0.8 * expected && Double(counts.completed) < 1.2 * expected,
            "completed \(counts.completed) of \(counts.sent), expected ≈ \(Int(expected)): \(output)")
    }

    /// Off by default, with a warning when the server listens beyond loopback.
    @Test func warnsWhenOpenWithoutRateLimit() throws {
        let work = try TemporaryDirectory()
        let file = try work.write("ab.test.zone", Self.zone)
        let listen = ["--listen", "127.0.0.1:0", "--listen", "0.0.0.0:0", "--zone", "ab.test=\(file)"]
        let open = try SigilServerProcess(listen + ["--udp-workers", "1"], in: work, listen: false)
        #expect(open.log.contains("rate-limit is off while listening on 0.0.0.0:"), "\(open.log)")
        let config = try work.write("limited.yaml", "rate-limit: { responses-per-second: 20 }\n")
        let limited = try SigilServerProcess(listen + ["--config", config], in: work, listen: false)
        #expect(!limited.log.contains("rate-limit is off"), "\(limited.log)")
        let loopback = try SigilServerProcess(["--zone", "ab.test=\(file)"], in: work)
        #expect(!loopback.log.contains("rate-limit is off"), "\(loopback.log)")
    }

    // MARK: - Cookies

    /// dig gets a server cookie and, sending it back, sees `(good)`; kdig +cookie gets a server
    /// cookie too. A malformed cookie gets FORMERR.
    @Test func digAndKdigCookies() throws {
        let work = try TemporaryDirectory()
        let sigil = try start("cookies: true", in: work)
        let first = try Subprocess.check("dig", ["@127.0.0.1", "-p", "\(sigil.port)", "www.ab.test", "A"])
        let cookie = try #require(Self.digCookie(first), "a server cookie: \(first)")
        #expect(cookie.count == 48, "client (8) and server cookie (16 bytes): \(first)")
        let second = try Subprocess.check(
            "dig", ["@127.0.0.1", "-p", "\(sigil.port)", "+cookie=\(cookie)", "www.ab.test", "A"])
        #expect(second.contains("COOKIE: ") && second.contains("(good)"), "\(second)")
        #expect(second.contains("status: NOERROR"), "\(second)")

        let kdig = try Subprocess.check("kdig", ["@127.0.0.1", "-p", "\(sigil.port)", "+cookie", "www.ab.test", "A"])
        let kdigCookie = try #require(
            kdig.split(separator: "\n").first { $0.contains("COOKIE:") }, "kdig +cookie: \(kdig)")
        // kdig prints client and server cookie as one hex string: 8 + 16 bytes.
        #expect(kdigCookie.split(separator: " ").last?.count == 48, "a 16-byte server cookie: \(kdig)")
        #expect(kdig.contains("status: NOERROR"), "\(kdig)")

        let malformed = try Subprocess.check(
            "dig", ["@127.0.0.1", "-p", "\(sigil.port)", "+cookie=0011223344556677aabb", "www.ab.test", "A"])
        #expect(malformed.contains("status: FORMERR"), "\(malformed)")
    }

    /// The client and server cookie dig printed (`; COOKIE: HEX …`).
    static func digCookie(_ output: String) -> String? {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("; COOKIE: ") }) else { return nil }
        return String(line.dropFirst("; COOKIE: ".count).prefix { $0.isHexDigit })
    }

    /// Whether Sigil (rate 1/s, every limited response slipped) treats `cookie` as valid: a
    /// verified client is not rate limited, so four quick queries all get their answer.
    func sigilAccepts(_ cookie: String, port: UInt16) throws -> Bool {
        var truncated = 0
        for _ in 0..<4 {
            let output = try Subprocess.check(
                "dig", ["@127.0.0.1", "-p", "\(port)", "+cookie=\(cookie)", "+ignore", "+tries=1", "www.ab.test", "A"])
            if output.contains(" tc") && output.contains("flags:") && output.contains("ANSWER: 0") { truncated += 1 }
        }
        return truncated == 0
    }

    /// A cookie with one bit of its hash changed.
    static func tampered(_ cookie: String) -> String {
        let last = cookie.last!
        return String(cookie.dropLast()) + (last == "0" ? "1" : "0")
    }

    /// Sigil and Knot's `mod-cookies` share a secret: each accepts the other's server cookies
    /// (and neither accepts a tampered one).
    @Test(.requires(.knotd)) func cookiesInteroperateWithKnot() throws {
        let work = try TemporaryDirectory()
        let sigil = try start(
            "cookies: { secret: \(Self.secret) }\nrate-limit: { responses-per-second: 1, slip: 1 }", in: work)
        let knot = try PeerDaemon.knot(secret: Self.secret, zone: Self.zone, in: work)
        try checkInterop(sigil: sigil.port, peer: knot.port, name: "Knot")
    }

    /// The same with BIND's `named` (`cookie-secret`, `require-server-cookie`).
    @Test(.requires(.named)) func cookiesInteroperateWithBIND() throws {
        let work = try TemporaryDirectory()
        let sigil = try start(
            "cookies: { secret: \(Self.secret) }\nrate-limit: { responses-per-second: 1, slip: 1 }", in: work)
        let named = try PeerDaemon.named(secret: Self.secret, zone: Self.zone, in: work)
        try checkInterop(sigil: sigil.port, peer: named.port, name: "BIND")
    }

    /// A secret rollover on SIGHUP: the new secret signs new cookies (Knot with only the new
    /// secret accepts them), and a cookie of the previous secret is still good.
    @Test(.requires(.knotd)) func cookieSecretRollsOnSIGHUP() throws {
        let work = try TemporaryDirectory()
        let newSecret = "ffeeddccbbaa99887766554433221100"
        let limit = "rate-limit: { responses-per-second: 1, slip: 1 }"
        let sigil = try start("cookies: { secret: \(Self.secret) }\n\(limit)", in: work)
        let old = try #require(
            Self.digCookie(try Subprocess.check("dig", ["@127.0.0.1", "-p", "\(sigil.port)", "www.ab.test", "A"])))
        let file = work.path + "/ab.test.zone"
        try work.write(
            "sigil.yaml",
            "keys: keys\ncookies: { secret: \(newSecret) }\n\(limit)\nzones:\n  - origin: ab.test\n    file: \(file)\n"
                + "    dnssec: { enabled: false }\n")
        sigil.signal(SIGHUP)
        #expect(sigil.waitForLog("reload done", count: 1), "\(sigil.log)")
        #expect(try sigilAccepts(old, port: sigil.port), "the previous secret's cookie is still good")

        let knot = try PeerDaemon.knot(secret: newSecret, zone: Self.zone, in: work)
        func knotStatus(_ cookie: String) throws -> Bool {
            try Subprocess.check(
                "dig", ["@127.0.0.1", "-p", "\(knot.port)", "+cookie=\(cookie)", "+nobadcookie", "www.ab.test", "A"]
            ).contains("status: NOERROR")
        }
        let new = try #require(
            Self.digCookie(
                try Subprocess.check(
                    "dig", ["@127.0.0.1", "-p", "\(sigil.port)", "+cookie=\(old)", "www.ab.test", "A"])))
        #expect(try knotStatus(new), "after the roll Sigil's cookies are made with the new secret")
        #expect(try !knotStatus(old), "the old cookie is not the new secret's")
    }

    /// `peer` answers BADCOOKIE to a bad server cookie (Knot's `badcookie-slip: 1`, BIND's
    /// `require-server-cookie`); Sigil is observed through its rate limit.
    func checkInterop(sigil: UInt16, peer: UInt16, name: String) throws {
        let fromPeer = try #require(
            Self.digCookie(try Subprocess.check("dig", ["@127.0.0.1", "-p", "\(peer)", "www.ab.test", "A"])),
            "\(name) gives a server cookie")
        #expect(try sigilAccepts(fromPeer, port: sigil), "Sigil accepts \(name)'s cookie \(fromPeer)")
        #expect(try !sigilAccepts(Self.tampered(fromPeer), port: sigil), "Sigil refuses a tampered cookie")

        let fromSigil = try #require(
            Self.digCookie(try Subprocess.check("dig", ["@127.0.0.1", "-p", "\(sigil)", "www.ab.test", "AAAA"])),
            "Sigil gives a server cookie")
        func peerStatus(_ cookie: String) throws -> String {
            let output = try Subprocess.check(
                "dig", ["@127.0.0.1", "-p", "\(peer)", "+cookie=\(cookie)", "+nobadcookie", "www.ab.test", "A"])
            return output.contains("status: BADCOOKIE")
                ? "BADCOOKIE" : output.contains("status: NOERROR") ? "NOERROR" : output
        }
        #expect(try peerStatus(fromSigil) == "NOERROR", "\(name) accepts Sigil's cookie \(fromSigil)")
        #expect(try peerStatus(Self.tampered(fromSigil)) == "BADCOOKIE", "\(name) refuses a tampered cookie")
    }

    // MARK: - Signing budget

    /// A unique-NXDOMAIN DO flood from 127.0.0.1 against `nsec3-narrow` signing: over the budget,
    /// a new name's denial from 127.0.0.1 is TC=1, while a validating Unbound on 127.0.1.1 gets
    /// every answer validated (following over TCP where it must).
    @Test(.requires(.unbound)) func signingBudgetHoldsAFloodWhileUnboundValidates() throws {
        let work = try TemporaryDirectory()
        let sigil = try start(
            "signing-budget: { global: 200, per-client: 100 }",
            dnssec: "{ algorithm: ecdsap256sha256, denial: nsec3-narrow }", in: work)
        let ds = try Subprocess.check(try SigilBinary.require(), ["ds", "ab.test.", "--dir", work.path + "/keys"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let unbound = try UnboundProcess(
            trustAnchor: ds, zone: "ab.test.", stubPort: sigil.port, in: work, address: "127.0.1.1",
            options: ["outgoing-interface: 127.0.1.1", "cache-max-negative-ttl: 0"])

        let names = (0..<40_000).map { "f\($0)-\(UInt32.random(in: 0...UInt32.max)).ab.test A\n" }.joined()
        let queries = try work.write("flood.txt", names)
        let cpuBefore = Self.cpuSeconds(sigil.process.processIdentifier)
        let (perf, log) = try Self.flood(
            port: sigil.port, queries: queries, seconds: 4, qps: 3000, dnssec: true, in: work)
        usleep(700_000)

        var validated = 0
        var asked = 0
        var probeTruncated = 0
        for index in 0..<12 {
            let name = index % 3 == 0 ? "www.ab.test." : "u\(index)-\(UInt32.random(in: 0...UInt32.max)).ab.test."
            asked += 1
            if let reply = try Kdig.ask(
                name, "A", server: "127.0.1.1", port: unbound.port, options: ["+dnssec", "+timeout=5"]),
                reply.message.header.authenticData
            {
                validated += 1
            }
            // A new name's denial to 127.0.0.1, over UDP only: over budget it is TC=1.
            if let probe = try Kdig.ask(
                "p\(index)-\(UInt32.random(in: 0...UInt32.max)).ab.test.", "A", port: sigil.port,
                options: ["+dnssec", "+ignore"]),
                probe.message.header.truncated
            {
                probeTruncated += 1
            }
        }
        perf.waitUntilExit()
        let cpu = Self.cpuSeconds(sigil.process.processIdentifier) - cpuBefore
        let output = String(decoding: Subprocess.readFile(log), as: UTF8.self)
        let counts = try #require(Self.dnsperfCounts(output), "\(output)")

        #expect(validated == asked, "every answer validated by Unbound on 127.0.1.1: \(unbound.log)")
        #expect(probeTruncated >= 10, "over budget a new name's denial is TC=1 (\(probeTruncated) of 12)")
        #expect(counts.sent > 5000, "the flood is well over the budget: \(output)")
        print("signing budget flood: \(counts.completed) of \(counts.sent) completed, sigil CPU \(cpu) s")
    }

    /// User plus system CPU seconds of a process, from /proc.
    static func cpuSeconds(_ pid: Int32) -> Double {
        let stat = String(decoding: Subprocess.readFile("/proc/\(pid)/stat"), as: UTF8.self)
        guard let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command: state is field 3, utime 14 and stime 15 (1-based in proc(5)).
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

/// Knot's knotd or BIND's named on a free port of 127.0.0.1, serving the test zone with DNS
/// cookies and the shared secret; stopped when the value goes away.
final class PeerDaemon {
    let process: Process
    let port: UInt16
    let logPath: String

    private init(process: Process, port: UInt16, logPath: String) {
        self.process = process
        self.port = port
        self.logPath = logPath
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
    }

    var log: String { String(decoding: Subprocess.readFile(logPath), as: UTF8.self) }

    static func knot(secret: String, zone: String, in work: TemporaryDirectory) throws -> PeerDaemon {
        let directory = work.path + "/knot"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try zone.write(toFile: directory + "/ab.test.zone", atomically: true, encoding: .utf8)
        return try PeerPort.start { port in
            let config = try work.write(
                "knot.conf",
                """
                server:
                    rundir: "\(directory)"
                    listen: 127.0.0.1@\(port)
                    udp-workers: 1
                    tcp-workers: 1
                    background-workers: 1
                database:
                    storage: "\(directory)"
                log:
                  - target: stderr
                    any: info
                mod-cookies:
                  - id: shared
                    secret: 0x\(secret)
                    badcookie-slip: 1
                template:
                  - id: default
                    storage: "\(directory)"
                    global-module: mod-cookies/shared
                zone:
                  - domain: ab.test
                    file: ab.test.zone

                """)
            return try launch("knotd", ["-c", config], port: port, in: work)
        }
    }

    static func named(secret: String, zone: String, in work: TemporaryDirectory) throws -> PeerDaemon {
        let directory = work.path + "/named"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try zone.write(toFile: directory + "/ab.test.zone", atomically: true, encoding: .utf8)
        return try PeerPort.start { port in
            let config = try work.write(
                "named.conf",
                """
                options {
                    directory "\(directory)";
                    pid-file "\(directory)/named.pid";
                    session-keyfile "\(directory)/session.key";
                    listen-on port \(port) { 127.0.0.1; };
                    listen-on-v6 { none; };
                    recursion no;
                    dnssec-validation no;
                    cookie-algorithm siphash24;
                    cookie-secret "\(secret)";
                    require-server-cookie yes;
                };
                controls { };
                zone "ab.test" { type primary; file "\(directory)/ab.test.zone"; };

                """)
            return try launch("named", ["-g", "-n", "1", "-c", config], port: port, in: work)
        }
    }

    /// Starts the daemon and waits until it answers on `port`.
    private static func launch(
        _ program: String, _ arguments: [String], port: UInt16, in work: TemporaryDirectory
    )
        throws -> PeerDaemon
    {
        let logPath = work.path + "/\(program)-\(port).log"
        let process = try Subprocess.start(try Subprocess.find(program).orThrow(program), arguments, log: logPath)
        let daemon = PeerDaemon(process: process, port: port, logPath: logPath)
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline && process.isRunning {
            if let reply = try? Kdig.ask("ab.test", "SOA", port: port, options: ["+timeout=1"]),
                reply.message.answers.count == 1
            {
                return daemon
            }
            usleep(50_000)
        }
        let log = daemon.log
        if PeerPort.bindFailed(log) { throw PeerPort.InUse(port: port, log: log) }
        throw Subprocess.Failure("\(program) did not start: \(log)")
    }
}
