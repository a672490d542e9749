import DANE
import Foundation
import SigilTestSupport
import Testing

@testable import DANETestSupport

/// Every failure names the file and says why, so the server can log it and keep the previous
/// records.
@Suite(.requires(.openssl)) struct CertificateErrorTests {
    private static let daneTA = AssociationParameters(
        usage: .daneTA, selector: .subjectPublicKeyInfo, matching: .sha256)

    @Test func leafWithoutIssuerInFile() throws {
        let fixtures = try CertificateFixtures.get()
        let file = fixtures.leaf("p256")
        let chain = try CertificateChain(contentsOfFile: file)
        #expect(throws: DANEError.issuerNotFound(path: file, issuer: "/CN=Sigil Test CA")) {
            try chain.association(Self.daneTA)
        }
        let error = try #require(throws: DANEError.self) { try chain.association(Self.daneTA) }
        #expect(error.description.contains(file))
        // End-entity records need no issuer.
        _ = try chain.association(AssociationParameters(usage: .daneEE, selector: .fullCertificate, matching: .sha256))
    }

    /// A CA with the issuer's name but another key did not sign the leaf: not its issuer.
    @Test func impostorIssuerIsRejected() throws {
        let fixtures = try CertificateFixtures.get()
        let file = fixtures.path("impostor-chain-rsa.pem")
        let chain = try CertificateChain(contentsOfFile: file)
        #expect(chain.certificates.count == 2)
        #expect(chain.certificates[1].subject == chain.leaf.issuer)
        #expect(throws: DANEError.issuerNotFound(path: file, issuer: "/CN=Sigil Test CA")) {
            try chain.association(Self.daneTA)
        }
    }

    @Test func missingFile() throws {
        let fixtures = try CertificateFixtures.get()
        let file = fixtures.path("absent.pem")
        #expect(throws: DANEError.unreadableFile(path: file, reason: "No such file or directory")) {
            try CertificateChain(contentsOfFile: file)
        }
    }

    @Test func garbageFile() throws {
        let fixtures = try CertificateFixtures.get()
        let file = fixtures.path("garbage.pem")
        try CertificateFixtures.write(file, "this is not a certificate\n")
        #expect(throws: DANEError.noCertificate(path: file)) { try CertificateChain(contentsOfFile: file) }
        // A private key alone is no certificate either.
        let key = fixtures.path("leaf-rsa.key")
        #expect(throws: DANEError.noCertificate(path: key)) { try CertificateChain(contentsOfFile: key) }
        // Random bytes that start like DER.
        let der = fixtures.path("garbage.der")
        try CertificateFixtures.write(der, [0x30, 0x82, 0x01, 0x00, 0x02, 0x01])
        let error = try #require(throws: DANEError.self) { try CertificateChain(contentsOfFile: der) }
        guard case .malformedCertificate(let path, _) = error else {
            Issue.record("expected malformedCertificate, got \(error)")
            return
        }
        #expect(path == der)
    }

    /// A certificate block whose base64 was damaged (a truncated download) is reported as
    /// malformed, not silently skipped.
    @Test func damagedPEMBlock() throws {
        let fixtures = try CertificateFixtures.get()
        var text = String(decoding: Subprocess.readFile(fixtures.leaf("ed25519")), as: UTF8.self)
        let lines = text.split(separator: "\n")
        text =
            ([lines[0]] + lines[1..<(lines.count - 1)].map { "\($0.dropLast(7))!!" } + [lines.last!])
            .joined(separator: "\n") + "\n"
        let file = fixtures.path("damaged.pem")
        try CertificateFixtures.write(file, text)
        let error = try #require(throws: DANEError.self) { try CertificateChain(contentsOfFile: file) }
        guard case .malformedCertificate(let path, _) = error else {
            Issue.record("expected malformedCertificate, got \(error)")
            return
        }
        #expect(path == file)
    }

    @Test func directoryIsUnreadable() throws {
        let fixtures = try CertificateFixtures.get()
        let error = try #require(throws: DANEError.self) { try CertificateChain(contentsOfFile: fixtures.directory) }
        #expect(error.path == fixtures.directory)
    }
}
