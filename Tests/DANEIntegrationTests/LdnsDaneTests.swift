import DANE
import DNSWire
import Foundation
import SigilTestSupport
import Testing

@testable import DANETestSupport

/// `sigil tlsa` against `ldns-dane -n -c FILE create HOST 25 u s m`, which reads the same
/// certificate file with ldns's own code. (ldns-dane only does PKIX usages 0 and 1 with a CA
/// store, so those are checked against OpenSSL in `AssociationTests` instead.)
@Suite(.requires(.openssl, .ldnsDane)) struct LdnsDaneTests {
    static let combinations: [(String, String)] = CertificateFixtures.keyTypes.flatMap { key in
        ["3 0 0", "3 0 1", "3 0 2", "3 1 0", "3 1 1", "3 1 2", "2 0 1", "2 1 1", "2 1 2", "2 0 0"].map { (key, $0) }
    }

    @Test(arguments: combinations)
    func commandOutputMatchesLdnsDane(key: String, parameters: String) throws {
        let fixtures = try CertificateFixtures.get()
        let numbers = parameters.split(separator: " ").map(String.init)
        let ldns = try Subprocess.check(
            "ldns-dane", ["-n", "-c", fixtures.chain(key), "create", "mail.example.com", "25"] + numbers)
        let lines = try TLSACommandOutput.lines(
            certificates: [fixtures.chain(key)], parameters: AssociationParameters(text: parameters),
            host: "mail.example.com")
        #expect(lines.count == 1)
        let ours = try Self.parse(try #require(lines.first))
        let theirs = try Self.parse(ldns)
        #expect(ours.owner == theirs.owner)
        #expect(ours.ttl == theirs.ttl)
        #expect(ours.tlsa == theirs.tlsa)
    }

    /// The built `sigil` binary prints the same as the function, with the default arguments.
    @Test func builtBinary() throws {
        let fixtures = try CertificateFixtures.get()
        let sigil = try #require(Self.sigilBinary(), "no sigil executable next to the test bundle")
        let printed = try Subprocess.check(
            sigil, ["tlsa", "--cert", fixtures.chain("ed25519"), "--host", "mail.example.com"])
        let ldns = try Subprocess.check(
            "ldns-dane", ["-n", "-c", fixtures.chain("ed25519"), "create", "mail.example.com", "25"])
        #expect(try Self.parse(printed).tlsa == Self.parse(ldns).tlsa)
        #expect(printed.hasPrefix("_25._tcp.mail.example.com. 3600 IN TLSA 3 1 1 "))

        let missing = try Subprocess.run(sigil, ["tlsa", "--cert", fixtures.path("no-such.pem")])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no-such.pem"))
    }

    /// Without `--host` only the record data is printed.
    @Test func dataOnlyWithoutHost() throws {
        let fixtures = try CertificateFixtures.get()
        let lines = try TLSACommandOutput.lines(
            certificates: [fixtures.leaf("rsa")], parameters: AssociationParameters(text: "3 1 1"), host: nil)
        let expected = try fixtures.expectedData(certificate: "leaf-rsa", selector: 1, matching: 1)
        #expect(lines == ["3 1 1 \(Base16.encode(expected))"])
    }

    private static func parse(_ line: String) throws -> (owner: DNSName, ttl: String, tlsa: TLSA) {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        guard fields.count >= 8, fields[2] == "IN", fields[3] == "TLSA" else {
            throw Subprocess.Failure("not a TLSA record line: \(line)")
        }
        let rdata = TextField.split(fields[4...].joined(separator: " "))
        return (try DNSName(text: fields[0]), fields[1], try TLSA(fields: rdata, origin: nil))
    }

    /// The `sigil` executable built alongside this test bundle (same build directory).
    static func sigilBinary() -> String? {
        guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else {
            return nil
        }
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // The test bundle may be a directory (`Foo.xctest/...`) on some platforms.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("sigil").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }
}
