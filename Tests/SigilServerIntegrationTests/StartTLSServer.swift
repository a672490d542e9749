import Foundation
import SigilTestSupport

@testable import SigilServerTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A tiny SMTP server that speaks just enough for a STARTTLS client (`220`, `EHLO` →
/// `250 STARTTLS`, `STARTTLS` → `220` and a TLS handshake with the given certificate), in Python
/// with its `ssl` module (`lab/starttls-smtp-server.py`), on a free loopback port and for a
/// bounded time. `openssl s_server`
/// cannot do STARTTLS server-side, and a DANE client for SMTP needs it.
final class StartTLSServer {
    let process: Process
    let port: UInt16

    /// The lab's server script, which docs/dane-lab.md uses too.
    static let script = SigilBinary.packageRoot + "/lab/starttls-smtp-server.py"

    /// Starts the server with `certificate` (chain file) and `key`; it exits after `lifetime`
    /// seconds without a connection. With `starttls: false` it does not offer STARTTLS.
    init(certificate: String, key: String, in directory: String, lifetime: Double = 20, starttls: Bool = true) throws {
        // The script prints its port as its first line; later lines are its log.
        let log = directory + "/starttls-\(UUID().uuidString).log"
        process = try Subprocess.start(
            try Subprocess.find("python3").orThrow("python3"),
            [Self.script, certificate, key, "\(lifetime)"] + (starttls ? [] : ["no-starttls"]),
            log: log)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let text = String(decoding: Subprocess.readFile(log), as: UTF8.self)
            if let newline = text.firstIndex(of: "\n"), let port = UInt16(text[..<newline]) {
                self.port = port
                return
            }
            usleep(20_000)
        }
        process.terminate()
        throw Subprocess.Failure("the STARTTLS test server did not start")
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// `openssl s_client -starttls smtp` with DANE: verifies the server's certificate against
    /// `rrdata` ("3 1 1 HEX"), failing the handshake on a mismatch.
    func daneClient(rrdata: String) throws -> Subprocess.Output {
        try Subprocess.run(
            "openssl",
            [
                "s_client", "-starttls", "smtp", "-connect", "127.0.0.1:\(port)", "-dane_tlsa_domain",
                "mx1.example.test", "-dane_tlsa_rrdata", rrdata, "-verify_return_error",
            ], stdin: Array("QUIT\r\n".utf8))
    }
}

extension Optional {
    func orThrow(_ what: String) throws -> Wrapped {
        guard let self else { throw Subprocess.Failure("\(what) was not found (needed by this test)") }
        return self
    }
}
