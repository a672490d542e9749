import DNSWire
import Foundation
import QueryPipeline
import SigilServer
import SigilTestSupport
import Synchronization
import Testing

@testable import SigilServerTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `tlsa:` in a running, signing server: TLSA records made from RSA, P-256 and Ed25519
/// certificate files and their CA (checked against openssl's own digests, for every selector and
/// matching type, directly and through a validating Unbound that must set AD), following renewals
/// without a restart and without a failed or unvalidated query, keeping the last good records
/// when a renewal is broken, and usable by real DANE clients (openssl, Postfix's posttls-finger).
@Suite(.requires(.kdig, .openssl, .unbound), .serialized)
struct DANEIntegrationTests {
    /// The zone, with a hand-written TLSA record at a generated owner (to be replaced) and one
    /// at another owner (to be kept).
    static let zone = """
        $ORIGIN example.test.
        $TTL 300
        @        SOA  ns1 hostmaster 2026010101 7200 3600 1209600 60
        @        NS   ns1
        @        MX   0 mx1
        ns1      A    192.0.2.53
        mx1      A    192.0.2.25
        mx2      A    192.0.2.26
        _25._tcp.mx1  TLSA 3 1 1 0000000000000000000000000000000000000000000000000000000000000000
        _443._tcp.www TLSA 3 1 1 1111111111111111111111111111111111111111111111111111111111111111

        """

    /// mx1: a rollover pair (P-256 current, RSA next) and their CA. mx2: an Ed25519 leaf with
    /// every selector and matching type, and its CA's.
    static let mx1Records = [(3, 1, 1), (2, 1, 1), (3, 1, 2), (3, 0, 1), (3, 0, 2)]
    static let mx2Records = [(3, 1, 1), (3, 1, 2), (3, 1, 0), (3, 0, 1), (3, 0, 2), (2, 1, 1), (2, 1, 2), (2, 0, 1)]

    static func config(keys: String) -> String {
        func records(_ list: [(Int, Int, Int)]) -> String {
            "[" + list.map { "\"\($0.0) \($0.1) \($0.2)\"" }.joined(separator: ", ") + "]"
        }
        return """
            keys: \(keys)
            zones:
              - origin: example.test
                file: example.test.zone
                dnssec: { algorithm: ecdsap256sha256, denial: nsec3 }
                tlsa:
                  - host: mx1
                    port: 25
                    certificates: [certs/mx1-current.pem, certs/mx1-next.pem]
                    records: \(records(mx1Records))
                  - host: mx2
                    certificates: [certs/mx2.pem]
                    records: \(records(mx2Records))

            """
    }

    static let mx1 = "_25._tcp.mx1.example.test"
    static let mx2 = "_25._tcp.mx2.example.test"

    struct Lab {
        let directory: TemporaryDirectory
        let pki: LabCertificates
        let server: SigilServerProcess

        var keys: String { directory.path + "/keys" }

        /// What openssl says each owner's RRset must be, from the certificate files as they are.
        func expected(_ owner: String) throws -> [String] {
            let certs = pki.directory
            let (files, records) =
                owner == DANEIntegrationTests.mx1
                ? (["mx1-current.pem", "mx1-next.pem"], DANEIntegrationTests.mx1Records)
                : (["mx2.pem"], DANEIntegrationTests.mx2Records)
            var set = Set<String>()
            for file in files {
                for record in records { set.insert(try pki.expected(certs + "/" + file, record.0, record.1, record.2)) }
            }
            return set.sorted()
        }

        /// A validating Unbound with the zone's DS (`sigil ds`) as its trust anchor, caching
        /// nothing, so every answer it gives was validated just now. `options` go last (a later
        /// `module-config: "iterator"` turns validation off).
        func validator(
            address: String = "127.0.0.1", port: UInt16? = nil, options: [String] = []
        ) throws
            -> UnboundProcess
        {
            let ds = try Subprocess.check(try SigilBinary.require(), ["ds", "example.test.", "--dir", keys])
                .trimmingCharacters(in: .whitespacesAndNewlines)
            try #require(ds.split(separator: "\n").count == 1, "one SEP key: \(ds)")
            return try UnboundProcess(
                trustAnchor: ds, zone: "example.test.", stubPort: server.port, in: directory, address: address,
                port: port, options: ["cache-max-ttl: 0", "cache-max-negative-ttl: 0"] + options)
        }
    }

    /// A CA with a P-256 current leaf and an RSA next leaf for mx1 and an Ed25519 leaf for mx2,
    /// the config, and the server (run from another directory, so relative certificate paths
    /// must resolve against the config's), signing with a key it generates.
    func startLab(current: Bool = true) throws -> Lab {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path + "/certs", withIntermediateDirectories: true)
        let pki = try LabCertificates(in: directory.path + "/certs")
        if current { try pki.issue("mx1-current", key: .p256, serial: 1) }
        try pki.issue("mx1-next", key: .rsa2048, serial: 2)
        try pki.issue("mx2", key: .ed25519, serial: 3, host: "mx2")
        try directory.write("example.test.zone", Self.zone)
        let config = try directory.write("sigil.yaml", Self.config(keys: directory.path + "/keys"))
        try FileManager.default.createDirectory(atPath: directory.path + "/run", withIntermediateDirectories: true)
        let server = try SigilServerProcess(["--config", config], in: directory, workingDirectory: "run")
        #expect(server.log.contains("signed (nsec3"), "\(server.log)")
        return Lab(directory: directory, pki: pki, server: server)
    }

    /// The served TLSA RRset at `owner`, as sorted "u s m hex" lines.
    func servedTLSA(_ port: UInt16, _ owner: String = mx1) throws -> [String] {
        let reply = try #require(try Kdig.ask(owner, "TLSA", port: port))
        #expect(reply.message.rcode == .noError)
        return Self.tlsaLines(reply.message)
    }

    static func tlsaLines(_ message: Message) -> [String] {
        message.answers.compactMap { record -> String? in
            guard case .tlsa(let tlsa) = record.data else { return nil }
            let hex = tlsa.data.map { String(format: "%02x", $0) }.joined()
            return "\(tlsa.usage) \(tlsa.selector) \(tlsa.matchingType) \(hex)"
        }.sorted()
    }

    /// The TLSA RRset at `owner` as a validating resolver hands it out: nil unless the answer
    /// is NOERROR with AD set (DNSSEC-validated, RFC 4035 §3.2.3).
    func validatedTLSA(_ unbound: UnboundProcess, _ owner: String = mx1) throws -> [String]? {
        let reply = try Kdig.ask(owner, "TLSA", port: unbound.port, options: ["+dnssec", "+timeout=5"])
        guard let message = reply?.message, message.rcode == .noError, message.header.authenticData else {
            return nil
        }
        return Self.tlsaLines(message)
    }

    func serial(_ port: UInt16) throws -> UInt32 {
        let reply = try #require(try Kdig.ask("example.test", "SOA", port: port))
        guard case .soa(let soa) = try #require(reply.message.answers.first).data else {
            throw Subprocess.Failure("no SOA in \(reply.stdout)")
        }
        return soa.serial
    }

    /// Polls until `current()` is `expected`, for up to `timeout` seconds; the seconds it took,
    /// or nil.
    func wait(for expected: [String], timeout: Double = 10, _ current: () throws -> [String]?) throws -> Double? {
        let start = Date()
        while Date().timeIntervalSince(start) < timeout {
            if try current() == expected { return Date().timeIntervalSince(start) }
            usleep(100_000)
        }
        return nil
    }

    /// Polls until the served TLSA RRset is `expected`, for up to `timeout` seconds.
    func waitForTLSA(_ port: UInt16, _ expected: [String], timeout: Double = 10) throws -> Bool {
        try wait(for: expected, timeout: timeout) { try servedTLSA(port) } != nil
    }

    @Test func servesOpenSSLHashesAndFollowsRenewals() throws {
        let lab = try startLab()
        let port = lab.server.port
        let unbound = try lab.validator()
        let before = try lab.expected(Self.mx1)
        #expect(before.count == 9, "4 per leaf, one 2 1 1 for their CA: \(before)")
        #expect(try servedTLSA(port) == before)
        let mx2 = try lab.expected(Self.mx2)
        #expect(mx2.count == 8)
        #expect(try servedTLSA(port, Self.mx2) == mx2)
        // The same RRsets through a validating resolver: AD=1.
        #expect(try validatedTLSA(unbound) == before, "\(unbound.log)")
        #expect(try validatedTLSA(unbound, Self.mx2) == mx2, "\(unbound.log)")
        #expect(lab.server.log.contains("1 TLSA record from the zone file replaced"))
        #expect(
            try servedTLSA(port, "_443._tcp.www.example.test") == ["3 1 1 " + String(repeating: "11", count: 32)],
            "zone-file TLSA at other owners stay")
        let serialBefore = try serial(port)
        #expect(serialBefore == 2_026_010_101)

        // Renewal with a new key of another type, under two concurrent query loops that must see
        // every answer: one asking Sigil directly, one asking Unbound for the changing RRset,
        // which must validate at every moment (old records with old signatures, or new with new).
        let loop = QueryLoop(port: port)
        let validatedLoop = QueryLoop(port: unbound.port, name: Self.mx1, type: 52, validated: true)
        loop.start()
        validatedLoop.start()
        usleep(300_000)
        try lab.pki.issue("mx1-current", key: .ed25519, serial: 4)
        let renewed = try lab.expected(Self.mx1)
        #expect(renewed != before)
        let took = try wait(for: renewed) { try validatedTLSA(unbound) }
        #expect(took != nil, "validated: \((try? validatedTLSA(unbound)) ?? nil)\n\(lab.server.log)")
        let serialAfter = try serial(port)
        #expect(serialAfter > serialBefore)

        // A broken renewal: the previous records stay, the log names the file.
        try lab.pki.replace("mx1-next.pem", with: "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n")
        #expect(lab.server.waitForLog("keeping the TLSA records made from it before"), "\(lab.server.log)")
        #expect(
            lab.server.log.split(separator: "\n").contains {
                $0.contains("mx1-next.pem: ") && $0.contains("keeping")
            }, "the error names the file")
        #expect(try servedTLSA(port) == renewed)

        // SIGHUP regenerates too: a fixed next certificate comes in on reload at the latest.
        try lab.pki.issue("mx1-next", key: .rsa2048, serial: 5)
        lab.server.signal(SIGHUP)
        let fixed = try lab.expected(Self.mx1)
        #expect(try wait(for: fixed) { try validatedTLSA(unbound) } != nil)
        #expect(try serial(port) > serialAfter)

        usleep(300_000)
        for (name, run) in [("direct", loop), ("validated", validatedLoop)] {
            let (answered, failures) = run.stop()
            #expect(answered > 50, "the \(name) query loop ran")
            #expect(failures.isEmpty, "\(name) queries failed during the renewals: \(failures.prefix(5))")
        }
    }

    @Test func missingCertificateAtStartKeepsZoneFileRecords() throws {
        let lab = try startLab(current: false)
        #expect(
            try servedTLSA(lab.server.port) == ["3 1 1 " + String(repeating: "00", count: 32)],
            "the zone file's TLSA record stays while the rollover pair is incomplete")
        #expect(lab.server.log.contains("mx1-current.pem: cannot read"), "\(lab.server.log)")
        // The certificate arriving later is picked up without a restart.
        try lab.pki.issue("mx1-current", key: .p256, serial: 5)
        #expect(try waitForTLSA(lab.server.port, try lab.expected(Self.mx1)))
    }

    /// A real DANE client: `openssl s_client -starttls smtp` with the served 3 1 1 record accepts
    /// the mail server's certificate and rejects another one.
    @Test(.requires(.python3))
    func opensslDANEClientMatchesServedRecord() throws {
        let lab = try startLab()
        let certs = lab.pki.directory
        let hash = try lab.pki.spkiSHA256(certs + "/mx1-current.pem")
        let served = try servedTLSA(lab.server.port).filter { $0.hasPrefix("3 1 1 ") && $0.hasSuffix(hash) }
        let record = try #require(served.first, "the served RRset has the current leaf's 3 1 1 record")

        let smtp = try StartTLSServer(
            certificate: certs + "/mx1-current.pem", key: certs + "/mx1-current.key", in: lab.directory.path)
        let accepted = try smtp.daneClient(rrdata: record)
        let text = accepted.stdout + accepted.stderr
        #expect(accepted.succeeded, "\(text)")
        #expect(text.contains("Verification: OK"))
        #expect(text.contains("DANE TLSA 3 1 1") && text.contains("matched EE certificate at depth 0"))

        // The same record against a server presenting another certificate: the handshake fails.
        let impostor = try StartTLSServer(
            certificate: certs + "/mx1-next.pem", key: certs + "/mx1-next.key", in: lab.directory.path)
        let rejected = try impostor.daneClient(rrdata: record)
        #expect(!rejected.succeeded)
        #expect((rejected.stdout + rejected.stderr).contains("no matching DANE TLSA records"))
    }
}

extension DANEIntegrationTests {
    /// Postfix's own DANE client. posttls-finger resolves through the libc stub resolver, which
    /// reads its server from /etc/resolv.conf (port 53 only; no main.cf parameter or environment
    /// variable names another). So it runs in a private mount namespace (`unshare -m`, private
    /// propagation) where a resolv.conf naming an Unbound on port 53 of a random loopback address
    /// is bind-mounted over /etc/resolv.conf: the machine's own resolver is untouched. That needs
    /// root (CI runs as root). Postfix asks for the AD bit itself (no `options trust-ad` needed).
    /// posttls-finger reads its main.cf from `MAIL_CONFIG`, a directory of the test's own: a
    /// Postfix installed with "No configuration" has no /etc/postfix/main.cf.

    /// posttls-finger at the `dane` level looks up mx1's address and `_PORT._tcp.mx1` TLSA
    /// through the validating resolver, and reports "Verified TLS connection established" for
    /// the server presenting the certificate the served record was made from; a server
    /// presenting another certificate of the same CA fails the DANE check, and so does the right
    /// server when the same records come from a resolver that does not validate (no AD).
    @Test(.requires(.root, .posttlsFinger, .unshare, .mount, .python3))
    func posttlsFingerVerifiesServedTLSA() throws {
        let directory = try TemporaryDirectory()
        let certs = directory.path + "/certs"
        try FileManager.default.createDirectory(atPath: certs, withIntermediateDirectories: true)
        let pki = try LabCertificates(in: certs)
        try pki.issue("mx1", key: .p256, serial: 1)
        try pki.issue("impostor", key: .p256, serial: 2)
        let genuine = try StartTLSServer(
            certificate: certs + "/mx1.pem", key: certs + "/mx1.key", in: directory.path, lifetime: 30)
        let impostor = try StartTLSServer(
            certificate: certs + "/impostor.pem", key: certs + "/impostor.key", in: directory.path, lifetime: 30)
        // mx1 is this machine; both ports get mx1.pem's 3 1 1 record.
        try directory.write(
            "example.test.zone",
            """
            $ORIGIN example.test.
            $TTL 300
            @    SOA  ns1 hostmaster 1 7200 3600 1209600 60
            @    NS   ns1
            ns1  A    127.0.0.1
            mx1  A    127.0.0.1

            """)
        let config = try directory.write(
            "sigil.yaml",
            """
            keys: \(directory.path)/keys
            zones:
              - origin: example.test
                file: example.test.zone
                tlsa:
                  - { host: mx1, port: \(genuine.port), certificates: [certs/mx1.pem] }
                  - { host: mx1, port: \(impostor.port), certificates: [certs/mx1.pem] }

            """)
        let server = try SigilServerProcess(["--config", config], in: directory)
        let lab = Lab(directory: directory, pki: pki, server: server)
        /// An Unbound on port 53 of a random 127.53.0.0/16 address (a few tries, in case one is
        /// taken), and a resolv.conf naming it.
        func resolver(options: [String] = []) throws -> (unbound: UnboundProcess, resolvConf: String) {
            var unbound: UnboundProcess? = nil
            for _ in 1...3 where unbound == nil {
                let address = "127.53.\(UInt8.random(in: 1...254)).\(UInt8.random(in: 1...254))"
                unbound = try? lab.validator(address: address, port: 53, options: options)
            }
            let started = try #require(unbound, "an Unbound on port 53 of a loopback address")
            let resolvConf = try directory.write(
                "resolv-\(started.address).conf", "nameserver \(started.address)\noptions attempts:1 timeout:5\n")
            return (started, resolvConf)
        }
        let (validating, resolvConf) = try resolver()
        let (nonValidating, plainResolvConf) = try resolver(options: ["module-config: \"iterator\""])

        let mailConfig = directory.path + "/postfix"
        try FileManager.default.createDirectory(atPath: mailConfig, withIntermediateDirectories: true)
        try directory.write(
            "postfix/main.cf",
            """
            compatibility_level = 3.6
            smtp_dns_support_level = dnssec
            smtp_tls_security_level = dane

            """)
        func finger(_ port: UInt16, resolvConf: String) throws -> String {
            let script =
                "mount --bind \"$0\" /etc/resolv.conf && export MAIL_CONFIG=\"$2\""
                + " && exec posttls-finger -c -a ipv4 -t 10 -T 10 -l dane -L summary,certmatch \"$1\""
            let output = try Subprocess.run(
                "unshare",
                [
                    "-m", "--propagation", "private", "sh", "-c", script, resolvConf, "[mx1.example.test]:\(port)",
                    mailConfig,
                ])
            return output.stdout + output.stderr
        }
        let verified = try finger(genuine.port, resolvConf: resolvConf)
        #expect(
            verified.contains("Verified TLS connection established to mx1.example.test[127.0.0.1]:\(genuine.port)"),
            "\(verified)\n\(validating.log)")
        let hash = try pki.spkiSHA256(certs + "/mx1.pem").uppercased()
        #expect(
            verified.contains("Matched DANE EE certificate at depth 0: 3 1 1 \(hash)"),
            "the match was by the served 3 1 1 record: \(verified)")
        let rejected = try finger(impostor.port, resolvConf: resolvConf)
        #expect(!rejected.contains("Verified TLS connection") && !rejected.contains("Matched DANE"), "\(rejected)")
        #expect(rejected.contains("Untrusted TLS connection established"), "\(rejected)")
        // Unvalidated TLSA records do not count (RFC 7672 §2.2): no DANE, so no verification.
        let unvalidated = try finger(genuine.port, resolvConf: plainResolvConf)
        #expect(
            unvalidated.contains("TLS connection established to mx1.example.test[127.0.0.1]")
                && !unvalidated.contains("Verified TLS connection") && !unvalidated.contains("Matched DANE"),
            "\(unvalidated)\n\(nonValidating.log)")
        // The machine's resolver was not touched.
        let system = String(decoding: Subprocess.readFile("/etc/resolv.conf"), as: UTF8.self)
        #expect(!system.contains(validating.address) && !system.contains(nonValidating.address))
    }
}

/// Sends a UDP query (by default `mx1.example.test A`) every 20 ms on its own thread and records
/// every query that got no answer within a second or a wrong one: not NOERROR, no answer records,
/// or — when `validated`, asking a validating resolver with the AD bit set (RFC 6840 §5.7) — an
/// answer without AD.
final class QueryLoop: Sendable {
    let port: UInt16
    let name: String
    let type: UInt16
    let validated: Bool
    private let running = Atomic<Bool>(true)
    private let results = Mutex<(answered: Int, failures: [String])>((0, []))
    private let done = Mutex<Bool>(false)

    init(port: UInt16, name: String = "mx1.example.test", type: UInt16 = 1, validated: Bool = false) {
        self.port = port
        self.name = name
        self.type = type
        self.validated = validated
    }

    func start() {
        let thread = Thread { [self] in
            run()
            done.withLock { $0 = true }
        }
        thread.start()
    }

    private func run() {
        guard let socket = try? ClientSocket(udp: .v4, timeout: 1),
            let server = try? IPEndpoint(parsing: "127.0.0.1:\(port)")
        else {
            results.withLock { $0.failures.append("no socket") }
            return
        }
        var id: UInt16 = 1
        while running.load(ordering: .relaxed) {
            id &+= 1
            do {
                var query = rawQuery(id: id, name: name, type: type)
                if validated {
                    query[3] |= 0x20  // AD: "tell me whether it validated"
                    query = query.withOPT()
                }
                try socket.send(query, to: server)
                guard let bytes = socket.receiveDatagram() else { throw Subprocess.Failure("timeout, id \(id)") }
                let reply = try Message(decoding: bytes)
                guard reply.header.id == id, reply.rcode == .noError, !reply.answers.isEmpty else {
                    throw Subprocess.Failure(
                        "bad reply to id \(id): rcode \(reply.rcode), \(reply.answers.count) answers")
                }
                guard !validated || reply.header.authenticData else {
                    throw Subprocess.Failure("reply to id \(id) not validated (AD clear)")
                }
                results.withLock { $0.answered += 1 }
            } catch {
                results.withLock { $0.failures.append("\(error)") }
            }
            usleep(20_000)
        }
    }

    /// Stops the loop and returns what it saw.
    func stop() -> (answered: Int, failures: [String]) {
        running.store(false, ordering: .relaxed)
        while !done.withLock({ $0 }) { usleep(10_000) }
        return results.withLock { $0 }
    }
}
