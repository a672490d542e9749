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

    enum KeyType: CaseIterable {
        case p256
        case rsa2048
        case ed25519

        var arguments: [String] {
            switch self {
            case .p256: ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
            case .rsa2048: ["-newkey", "rsa:2048"]
            case .ed25519: ["-newkey", "ed25519"]
            }
        }
    }

    /// A new key and a certificate for `HOST.example.test` signed by the CA; returns the chain
    /// file's path. Written under a temporary name and renamed into place, as renewal tools do.
    /// `days: -1` makes a certificate that expired a day ago.
    @discardableResult
    func issue(_ name: String, key: KeyType, serial: Int, host: String = "mx1", days: Int = 30) throws -> String {
        let scratch = "tmp-\(name)"
        try Subprocess.check(
            "openssl",
            ["req", "-new"] + key.arguments + [
                "-nodes", "-keyout", "\(name).key", "-out", "\(scratch).csr", "-subj", "/CN=\(host).example.test",
            ], in: directory)
        try Subprocess.check(
            "openssl",
            [
                "x509", "-req", "-in", "\(scratch).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial",
                "\(serial)", "-days", "\(days)", "-out", "\(scratch).crt",
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

    /// The expected RDATA text ("U S M hex") of a TLSA record for the first certificate in
    /// `file` (usage 3) or the CA (usage 2), all by openssl: selector 0 is the certificate's DER
    /// (`openssl x509 -outform DER`), selector 1 its SubjectPublicKeyInfo (`openssl x509 -pubkey
    /// | openssl pkey -pubin -outform DER`); matching type 0 is those bytes in hex, 1 and 2 their
    /// `openssl dgst -sha256` / `-sha512`.
    func expected(_ file: String, _ usage: Int, _ selector: Int, _ matching: Int) throws -> String {
        let certificate = usage == 2 ? "\(directory)/ca.pem" : file
        let bytes =
            selector == 0
            ? "openssl x509 -in '\(certificate)' -outform DER"
            : "openssl x509 -in '\(certificate)' -pubkey -noout | openssl pkey -pubin -outform DER"
        let digest =
            switch matching {
            case 0: "od -An -v -tx1 | tr -d ' \\n'"
            case 1: "openssl dgst -sha256 -r | cut -d' ' -f1"
            default: "openssl dgst -sha512 -r | cut -d' ' -f1"
            }
        let hex = try Subprocess.check("bash", ["-c", "set -o pipefail; \(bytes) | \(digest)"], in: directory)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard !hex.isEmpty, hex.allSatisfy(\.isHexDigit) else { throw Subprocess.Failure("openssl gave '\(hex)'") }
        return "\(usage) \(selector) \(matching) \(hex)"
    }
}
