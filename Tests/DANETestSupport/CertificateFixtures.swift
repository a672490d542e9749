import DNSWire
import Foundation
import SigilTestSupport

/// Certificates made by the real `openssl` CLI for this test run: a P-256 CA, leaves with RSA
/// 2048, P-256 and Ed25519 keys signed by it (alone and as leaf+CA chain files), an impostor CA
/// with the same name but another key, and a self-signed certificate. Also OpenSSL's own view of
/// each certificate's DER and SubjectPublicKeyInfo, which the tests take as the expected values.
struct CertificateFixtures: Sendable {
    static let keyTypes = ["rsa", "p256", "ed25519"]

    let directory: String

    func path(_ name: String) -> String { "\(directory)/\(name)" }
    func leaf(_ key: String) -> String { path("leaf-\(key).pem") }
    func chain(_ key: String) -> String { path("chain-\(key).pem") }
    var ca: String { path("ca.pem") }

    /// Made once per test process.
    static let shared: Result<CertificateFixtures, any Error> = Result { try make() }

    static func get() throws -> CertificateFixtures { try shared.get() }

    private static func make() throws -> CertificateFixtures {
        let directory = NSTemporaryDirectory() + "sigil-dane-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func openssl(_ arguments: [String]) throws {
            try Subprocess.check("openssl", arguments, in: directory)
        }
        let newKey: [String: [String]] = [
            "rsa": ["-newkey", "rsa:2048"],
            "p256": ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
            "ed25519": ["-newkey", "ed25519"],
        ]
        for ca in ["ca", "impostor"] {
            try openssl(
                ["req", "-x509", "-nodes", "-days", "30", "-subj", "/CN=Sigil Test CA"] + newKey["p256"]!
                    + ["-keyout", "\(ca).key", "-out", "\(ca).pem"])
        }
        try openssl(
            ["req", "-x509", "-nodes", "-days", "30", "-subj", "/CN=self.example.com"] + newKey["rsa"]!
                + ["-keyout", "self.key", "-out", "self.pem"])
        for key in keyTypes {
            try openssl(
                ["req", "-nodes", "-subj", "/CN=mail.example.com"] + newKey[key]!
                    + ["-keyout", "leaf-\(key).key", "-out", "leaf-\(key).csr"])
            try openssl([
                "x509", "-req", "-days", "30", "-in", "leaf-\(key).csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-set_serial", "1\(keyTypes.firstIndex(of: key)!)", "-out", "leaf-\(key).pem",
            ])
            let leaf = Subprocess.readFile("\(directory)/leaf-\(key).pem")
            let ca = Subprocess.readFile("\(directory)/ca.pem")
            let impostor = Subprocess.readFile("\(directory)/impostor.pem")
            try write("\(directory)/chain-\(key).pem", leaf + ca)
            try write("\(directory)/impostor-chain-\(key).pem", leaf + impostor)
        }
        for name in ["ca", "self"] + keyTypes.map({ "leaf-\($0)" }) {
            try openssl(["x509", "-in", "\(name).pem", "-outform", "DER", "-out", "\(name).der"])
            try openssl(["x509", "-in", "\(name).pem", "-pubkey", "-noout", "-out", "\(name).pub"])
            try openssl(["pkey", "-pubin", "-in", "\(name).pub", "-outform", "DER", "-out", "\(name).spki"])
        }
        return CertificateFixtures(directory: directory)
    }

    static func write(_ path: String, _ bytes: [UInt8]) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw Subprocess.Failure("cannot write \(path)")
        }
    }

    static func write(_ path: String, _ text: String) throws { try write(path, Array(text.utf8)) }

    /// What OpenSSL says the association data is for certificate `name` (`ca`, `self`,
    /// `leaf-rsa`...): the DER file itself for matching type 0, `openssl dgst` of it otherwise.
    func expectedData(certificate name: String, selector: UInt8, matching: UInt8) throws -> [UInt8] {
        let file = path(selector == 0 ? "\(name).der" : "\(name).spki")
        switch matching {
        case 0:
            return Subprocess.readFile(file)
        default:
            let digest = matching == 1 ? "-sha256" : "-sha512"
            let output = try Subprocess.check("openssl", ["dgst", digest, "-r", file])
            guard let hex = output.split(separator: " ").first, let bytes = Base16.decode(hex) else {
                throw Subprocess.Failure("unexpected openssl dgst output: \(output)")
            }
            return bytes
        }
    }
}
