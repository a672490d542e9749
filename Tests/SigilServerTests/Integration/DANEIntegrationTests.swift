import DNSWire
import Foundation
import SigilServer
import SigilTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `tlsa:` in a running server: TLSA records made from certificate files (checked against
/// openssl's own SPKI hashes), following renewals without a restart and without a failed query,
/// keeping the last good records when a renewal is broken, and usable by a real DANE client.
@Suite(
    .enabled(if: Subprocess.find("kdig") != nil && Subprocess.find("openssl") != nil),
    .serialized)
struct DANEIntegrationTests {
    /// The zone, with a hand-written TLSA record at the generated owner (to be replaced) and one
    /// at another owner (to be kept).
    static let zone = """
        $ORIGIN example.test.
        $TTL 300
        @        SOA  ns1 hostmaster 2026010101 7200 3600 1209600 60
        @        NS   ns1
        @        MX   0 mx1
        ns1      A    192.0.2.53
        mx1      A    192.0.2.25
        _25._tcp.mx1  TLSA 3 1 1 0000000000000000000000000000000000000000000000000000000000000000
        _443._tcp.www TLSA 3 1 1 1111111111111111111111111111111111111111111111111111111111111111

        """

    static let config = """
        zones:
          - origin: example.test
            file: example.test.zone
            dnssec: false
            tlsa:
              - host: mx1
                port: 25
                certificates: [certs/mx1-current.pem, certs/mx1-next.pem]
                records: ["3 1 1", "2 1 1"]

        """

    struct Lab {
        let directory: TemporaryDirectory
        let pki: LabCertificates
        let server: SigilServerProcess
    }

    /// A CA with a P-256 current leaf and an RSA next leaf, the config, and the server (run from
    /// another directory, so relative certificate paths must resolve against the config's).
    func startLab(current: Bool = true) throws -> Lab {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path + "/certs", withIntermediateDirectories: true)
        let pki = try LabCertificates(in: directory.path + "/certs")
        if current { try pki.issue("mx1-current", key: .p256, serial: 1) }
        try pki.issue("mx1-next", key: .rsa2048, serial: 2)
        try directory.write("example.test.zone", Self.zone)
        let config = try directory.write("sigil.yaml", Self.config)
        try FileManager.default.createDirectory(atPath: directory.path + "/run", withIntermediateDirectories: true)
        // Port 0 picks a free UDP port; the TCP bind on the same number can still collide with another
        // test's socket (the log says "Address already in use"): then start again.
        var attempt = 0
        let server: SigilServerProcess
        while true {
            do {
                server = try SigilServerProcess(["--config", config], in: directory, workingDirectory: "run")
                break
            } catch let failure as Subprocess.Failure
                where attempt < 2 && failure.description.contains("Address already in use")
            {
                attempt += 1
            }
        }
        return Lab(directory: directory, pki: pki, server: server)
    }

    /// The served TLSA RRset at `owner`, as sorted "u s m hex" lines.
    func servedTLSA(_ port: UInt16, _ owner: String = "_25._tcp.mx1.example.test") throws -> [String] {
        let reply = try #require(try Kdig.ask(owner, "TLSA", port: port))
        #expect(reply.message.rcode == .noError)
        return reply.message.answers.compactMap { record -> String? in
            guard case .tlsa(let tlsa) = record.data else { return nil }
            let hex = tlsa.data.map { String(format: "%02x", $0) }.joined()
            return "\(tlsa.usage) \(tlsa.selector) \(tlsa.matchingType) \(hex)"
        }.sorted()
    }

    func serial(_ port: UInt16) throws -> UInt32 {
        let reply = try #require(try Kdig.ask("example.test", "SOA", port: port))
        guard case .soa(let soa) = try #require(reply.message.answers.first).data else {
            throw Subprocess.Failure("no SOA in \(reply.stdout)")
        }
        return soa.serial
    }

    /// Polls until the served TLSA RRset is `expected`, for up to `timeout` seconds.
    func waitForTLSA(_ port: UInt16, _ expected: [String], timeout: Double = 10) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try servedTLSA(port) == expected { return true }
            usleep(100_000)
        }
        return false
    }

    @Test func servesOpenSSLHashesAndFollowsRenewals() throws {
        let lab = try startLab()
        let port = lab.server.port
        let certs = lab.pki.directory
        let before = try [
            lab.pki.expected311(certs + "/mx1-current.pem"), lab.pki.expected311(certs + "/mx1-next.pem"),
            lab.pki.expectedCA211,
        ].sorted()
        #expect(try servedTLSA(port) == before)
        #expect(lab.server.log.contains("1 TLSA record from the zone file replaced"))
        #expect(
            try servedTLSA(port, "_443._tcp.www.example.test") == ["3 1 1 " + String(repeating: "11", count: 32)],
            "zone-file TLSA at other owners stay")
        let serialBefore = try serial(port)
        #expect(serialBefore == 2_026_010_101)

        // Renewal with a new key, under a concurrent query loop that must see every answer.
        let loop = QueryLoop(port: port)
        loop.start()
        usleep(300_000)
        try lab.pki.issue("mx1-current", key: .p256, serial: 3)
        let renewed = try [
            lab.pki.expected311(certs + "/mx1-current.pem"), lab.pki.expected311(certs + "/mx1-next.pem"),
            lab.pki.expectedCA211,
        ].sorted()
        #expect(renewed != before)
        #expect(try waitForTLSA(port, renewed), "served: \((try? servedTLSA(port)) ?? [])\n\(lab.server.log)")
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
        try lab.pki.issue("mx1-next", key: .rsa2048, serial: 4)
        lab.server.signal(SIGHUP)
        let fixed = try [
            lab.pki.expected311(certs + "/mx1-current.pem"), lab.pki.expected311(certs + "/mx1-next.pem"),
            lab.pki.expectedCA211,
        ].sorted()
        #expect(try waitForTLSA(port, fixed))
        #expect(try serial(port) > serialAfter)

        usleep(300_000)
        let (answered, failures) = loop.stop()
        #expect(answered > 50, "the query loop ran")
        #expect(failures.isEmpty, "queries failed during the renewals: \(failures.prefix(5))")
    }

    @Test func missingCertificateAtStartKeepsZoneFileRecords() throws {
        let lab = try startLab(current: false)
        #expect(
            try servedTLSA(lab.server.port) == ["3 1 1 " + String(repeating: "00", count: 32)],
            "the zone file's TLSA record stays while the rollover pair is incomplete")
        #expect(lab.server.log.contains("mx1-current.pem: cannot read"), "\(lab.server.log)")
        // The certificate arriving later is picked up without a restart.
        try lab.pki.issue("mx1-current", key: .p256, serial: 5)
        let certs = lab.pki.directory
        let expected = try [
            lab.pki.expected311(certs + "/mx1-current.pem"), lab.pki.expected311(certs + "/mx1-next.pem"),
            lab.pki.expectedCA211,
        ].sorted()
        #expect(try waitForTLSA(lab.server.port, expected))
    }

    /// A real DANE client: `openssl s_client -starttls smtp` with the served 3 1 1 record accepts
    /// the mail server's certificate and rejects another one.
    @Test(.enabled(if: Subprocess.find("python3") != nil))
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

/// Sends a UDP query for `mx1.example.test A` every 20 ms on its own thread and records every
/// query that got no answer within a second or a wrong one.
final class QueryLoop: Sendable {
    let port: UInt16
    private let running = Atomic<Bool>(true)
    private let results = Mutex<(answered: Int, failures: [String])>((0, []))
    private let done = Mutex<Bool>(false)

    init(port: UInt16) { self.port = port }

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
                try socket.send(rawQuery(id: id, name: "mx1.example.test", type: 1), to: server)
                guard let bytes = socket.receiveDatagram() else { throw Subprocess.Failure("timeout, id \(id)") }
                let reply = try Message(decoding: bytes)
                guard reply.header.id == id, reply.rcode == .noError, reply.answers.count == 1 else {
                    throw Subprocess.Failure("bad reply to id \(id): rcode \(reply.rcode)")
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
