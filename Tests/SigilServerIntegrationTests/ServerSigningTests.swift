import DNSWire
import Foundation
import SigilTestSupport
import Testing

@testable import SigilServerTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `sigil serve` and its keys: generated when missing, loaded when present, a bad key file keeps
/// the previous version serving, `dnssec: false` serves unsigned. Each test has its own keys
/// directory (the server runs in a fresh directory, and `keys` is relative to it).
@Suite(.requires(.kdig))
struct ServerSigningTests {
    func startServer(_ extra: [String] = []) throws -> (SigilServerProcess, String) {
        try startIntegrationServer(udpWorkers: 1, extra)
    }

    /// The key files of the server's keys directory.
    func keyFiles(_ server: SigilServerProcess) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: server.directory.path + "/keys").sorted()
    }

    @Test func generatesAKeyAndSigns() throws {
        let (server, _) = try startServer()
        let files = try keyFiles(server)
        #expect(files.count == 2 && files.allSatisfy { $0.hasPrefix("Kit.test.+013+") }, "\(files)")
        let privateFile = try #require(files.first { $0.hasSuffix(".private") })
        var info = stat()
        #expect(stat(server.directory.path + "/keys/" + privateFile, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(server.log.contains("generated signing key"), "\(server.log)")
        #expect(server.log.contains("it.test. IN DS "), "the DS is logged: \(server.log)")
        #expect(server.log.contains("signed (nsec3, 13 (ECDSAP256SHA256), keys "), "\(server.log)")

        let signed = try #require(try Kdig.ask("www.it.test", "A", port: server.port, options: ["+dnssec"]))
        #expect(signed.message.answers.map(\.type) == [.a, .rrsig])
        let plain = try #require(try Kdig.ask("www.it.test", "A", port: server.port))
        #expect(plain.message.answers.map(\.type) == [.a])
        let keys = try #require(try Kdig.ask("it.test", "DNSKEY", port: server.port, options: ["+dnssec"]))
        #expect(keys.message.answers.map(\.type) == [.dnskey, .rrsig])
    }

    /// A restart reuses the key; a reload signs the new zone (new signer, new serial's RRSIG);
    /// a broken key file keeps the previous version serving.
    @Test func reloadAndBrokenKeys() throws {
        let (server, file) = try startServer()
        let files = try keyFiles(server)
        try integrationZone(serial: 2).write(toFile: file, atomically: true, encoding: .utf8)
        server.signal(SIGHUP)
        #expect(server.waitForLog("reload done", count: 1))
        #expect(try keyFiles(server) == files, "the key is reused, not generated again")
        let soa = try #require(try Kdig.ask("it.test", "SOA", port: server.port, options: ["+dnssec"]))
        guard case .soa(let data) = soa.message.answers.first?.data else { throw Subprocess.Failure("no SOA") }
        #expect(data.serial == 2 && soa.message.answers.map(\.type) == [.soa, .rrsig])

        let publicFile = try #require(files.first { $0.hasSuffix(".key") })
        try server.directory.write("keys/" + publicFile, "it.test. IN DNSKEY 257 3 13 garbage!\n")
        try integrationZone(serial: 3).write(toFile: file, atomically: true, encoding: .utf8)
        server.signal(SIGHUP)
        #expect(server.waitForLog("reload done", count: 2))
        #expect(server.log.contains("keys not loaded"), "\(server.log)")
        let kept = try #require(try Kdig.ask("it.test", "SOA", port: server.port, options: ["+dnssec"]))
        guard case .soa(let old) = kept.message.answers.first?.data else { throw Subprocess.Failure("no SOA") }
        #expect(old.serial == 2, "the zone whose keys failed keeps its previous version")
    }

    @Test func brokenKeysAtStartUpFailTheZone() throws {
        let directory = try TemporaryDirectory()
        try directory.write("it.test.zone", integrationZone(serial: 1))
        try FileManager.default.createDirectory(atPath: directory.path + "/keys", withIntermediateDirectories: true)
        try directory.write("keys/Kit.test.+013+12345.key", "it.test. IN DNSKEY 257 3 13 garbage!\n")
        let run = try Subprocess.run(
            try SigilBinary.require(), ["serve", "--zone", "it.test=it.test.zone", "--listen", "127.0.0.1:0"],
            in: directory.path)
        #expect(run.status == 1 && run.stderr.contains("Kit.test.+013+12345.key"), "\(run.stderr)")
    }

    @Test func dnssecFalseServesUnsigned() throws {
        let directory = try TemporaryDirectory()
        try directory.write("it.test.zone", integrationZone(serial: 1))
        let config = try directory.write(
            "sigil.yaml", "zones:\n  - origin: it.test\n    file: it.test.zone\n    dnssec: false\n")
        let server = try SigilServerProcess(["--config", config], in: directory)
        #expect(server.log.contains("unsigned"), "\(server.log)")
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/keys"))
        let reply = try #require(try Kdig.ask("www.it.test", "A", port: server.port, options: ["+dnssec"]))
        #expect(reply.message.answers.map(\.type) == [.a])
    }
}
