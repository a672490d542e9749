import Foundation
import SigilTestSupport

/// A small PKI made with the real `openssl` command: one P-256 CA and leaves it signs, written as
/// `NAME.pem` (leaf then CA, as `fullchain.pem`) and `NAME.key`. The expected TLSA data is
/// computed by openssl too, so the tests compare Sigil against an independent implementation.
struct LabCertificates {
    let directory: String

    /// Makes the CA in `directory`.
    init(in directory: String) throws {
        self.directory = directory
        try Subprocess.check(
            "openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "30", "-subj", "/CN=Sigil Lab CA",
            ], in: directory)
    }

    enum KeyType {
        case p256
        case rsa2048

        var arguments: [String] {
            switch self {
            case .p256: ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
            case .rsa2048: ["-newkey", "rsa:2048"]
            }
        }
    }

    /// A new key and a certificate for `mx1.example.test` signed by the CA; returns the chain
    /// file's path. Written under a temporary name and renamed into place, as renewal tools do.
    @discardableResult
    func issue(_ name: String, key: KeyType, serial: Int) throws -> String {
        let scratch = "tmp-\(name)"
        try Subprocess.check(
            "openssl",
            ["req", "-new"] + key.arguments + [
                "-nodes", "-keyout", "\(name).key", "-out", "\(scratch).csr", "-subj", "/CN=mx1.example.test",
            ], in: directory)
        try Subprocess.check(
            "openssl",
            [
                "x509", "-req", "-in", "\(scratch).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial",
                "\(serial)", "-days", "30", "-out", "\(scratch).crt",
            ], in: directory)
        let leaf = try String(contentsOfFile: "\(directory)/\(scratch).crt", encoding: .utf8)
        let ca = try String(contentsOfFile: "\(directory)/ca.pem", encoding: .utf8)
        try replace(name + ".pem", with: leaf + ca)
        return "\(directory)/\(name).pem"
    }

    /// Writes `text` to a temporary file and renames it over `name`.
    func replace(_ name: String, with text: String) throws {
        let temporary = "\(directory)/.\(name).new"
        try text.write(toFile: temporary, atomically: false, encoding: .utf8)
        guard rename(temporary, "\(directory)/\(name)") == 0 else {
            throw Subprocess.Failure("rename over \(name) failed: errno \(errno)")
        }
    }

    /// `openssl x509 -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256` of the
    /// first certificate in `file`, lowercase hex.
    func spkiSHA256(_ file: String) throws -> String {
        let pipeline =
            "openssl x509 -in '\(file)' -pubkey -noout | openssl pkey -pubin -outform DER | openssl dgst -sha256 -r"
        let output = try Subprocess.check("sh", ["-c", pipeline], in: directory)
        return String(output.prefix { $0 != " " })
    }

    /// The expected RDATA text ("3 1 1 HEX") of each parameter set for a chain file's leaf and CA.
    func expected311(_ file: String) throws -> String { "3 1 1 " + (try spkiSHA256(file)) }
    var expectedCA211: String { get throws { "2 1 1 " + (try spkiSHA256("\(directory)/ca.pem")) } }
}
