import Foundation
import SigilTestSupport
import Testing

@testable import SigilServerTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `sigil dane check` against the lab's STARTTLS server and a Sigil-served signed zone, through
/// both validation paths (a validating Unbound that must set AD; Sigil's own validation from the
/// DS), in the acceptance cases: right certificate, wrong certificate, expired certificate under
/// usage 3 (passes) and usage 2 (fails), a bogus zone (wrong DS), no TLSA, no STARTTLS; and a
/// server that never answers (timeout), an MX host that is a CNAME (RFC 7672 §2.2.2). In every
/// case the verdict must agree with Postfix's posttls-finger (run as in
/// `DANEIntegrationTests.posttlsFingerVerifiesServedTLSA`: a private mount namespace with its own
/// resolv.conf, as root) and, where a certificate was presented, with `ldns-dane verify` on the
/// TLSA match.
@Suite(.requires(.kdig, .openssl, .unbound, .python3, .root, .posttlsFinger, .unshare, .mount, .ldnsDane))
struct DANECheckCommandTests {
    /// One acceptance case: a domain `NAME.example.test` with MX `mx.NAME`, served by `server`.
    struct Case {
        var name: String
        var passes: Bool
        var records: String = "\"3 1 1\""
        var certificate: String = "good"
        var tlsa = true
        var bogus = false
        var starttls = true
        /// The certificate the server presents (nil: none, no STARTTLS).
        var presented: String? = "good"
        /// The MX host is a CNAME to this case's host (RFC 7672 §2.2.2: TLSA at the target).
        var alias: String? = nil
        /// The server accepts TCP connections and never says a word (the check must time out).
        var silent = false
    }

    static let cases: [Case] = [
        Case(name: "right", passes: true),
        Case(name: "wrong", passes: false, presented: "impostor"),
        Case(name: "expired3", passes: true, certificate: "expired", presented: "expired"),
        Case(name: "expired2", passes: false, records: "\"2 1 1\"", certificate: "expired", presented: "expired"),
        Case(name: "bogus", passes: false, bogus: true),
        Case(name: "notlsa", passes: false, tlsa: false),
        Case(name: "plain", passes: false, starttls: false, presented: nil),
        Case(name: "alias", passes: true, tlsa: false, alias: "right"),
        Case(name: "silent", passes: false, presented: nil, silent: true),
    ]

    @Test func agreesWithPosttlsFingerAndLdnsDane() throws {
        let started = Date()
        let sigil = try SigilBinary.require()
        let directory = try TemporaryDirectory()
        let certs = directory.path + "/certs"
        try FileManager.default.createDirectory(atPath: certs, withIntermediateDirectories: true)
        let pki = try LabCertificates(in: certs)
        try pki.issue("good", key: .p256, serial: 1, host: "mx.right")
        try pki.issue("impostor", key: .p256, serial: 2, host: "mx.wrong")
        try pki.issue("expired", key: .p256, serial: 3, host: "mx.expired2", days: -1)
        var servers: [String: StartTLSServer] = [:]
        for name in ["good", "impostor", "expired"] {
            servers[name] = try StartTLSServer(
                certificate: "\(certs)/\(name).pem", key: "\(certs)/\(name).key", in: directory.path, lifetime: 60)
        }
        servers["plain"] = try StartTLSServer(
            certificate: "\(certs)/good.pem", key: "\(certs)/good.key", in: directory.path, lifetime: 60,
            starttls: false)
        // A listener that never accepts: the kernel completes the handshake, nobody answers.
        let silent = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(silent) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(silent, $0, length) == 0 && listen(silent, 16) == 0 && getsockname(silent, $0, &length) == 0
            }
        }
        try #require(bound, "a silent listener")
        let silentPort = UInt16(bigEndian: address.sin_port)
        func port(_ test: Case) -> UInt16 {
            test.silent ? silentPort : servers[test.starttls ? test.presented! : "plain"]!.port
        }

        var zone = """
            $ORIGIN example.test.
            $TTL 300
            @    SOA  ns1 hostmaster 1 7200 3600 1209600 60
            @    NS   ns1
            ns1  A    127.0.0.1

            """
        var tlsa = ""
        for test in Self.cases {
            zone +=
                "\(test.name) MX 0 mx.\(test.name)\nmx.\(test.name) "
                + (test.alias.map { "CNAME mx.\($0)\n" } ?? "A 127.0.0.1\n")
            if test.tlsa {
                tlsa +=
                    "      - { host: mx.\(test.name), port: \(port(test)), certificates: [certs/\(test.certificate).pem], records: [\(test.records)] }\n"
            }
        }
        try directory.write("example.test.zone", zone)
        let config = try directory.write(
            "sigil.yaml",
            """
            keys: \(directory.path)/keys
            zones:
              - origin: example.test
                file: example.test.zone
                tlsa:
            \(tlsa)
            """)
        let server = try SigilServerProcess(["--config", config], in: directory)
        let ds = try Subprocess.check(sigil, ["ds", "example.test.", "--dir", directory.path + "/keys"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let wrongDS = String(ds.dropLast()) + (ds.last == "0" ? "1" : "0")
        let dsData = ds.split(separator: " ").suffix(4).joined(separator: " ")
        let wrongDSData = wrongDS.split(separator: " ").suffix(4).joined(separator: " ")

        /// Unbound on port 53 of a random loopback address (posttls-finger's resolver can only
        /// use port 53), with the right or a wrong trust anchor.
        func resolver(anchor: String) throws -> (UnboundProcess, String) {
            var unbound: UnboundProcess? = nil
            for _ in 1...3 where unbound == nil {
                let address = "127.53.\(UInt8.random(in: 1...254)).\(UInt8.random(in: 1...254))"
                unbound = try? UnboundProcess(
                    trustAnchor: anchor, zone: "example.test.", stubPort: server.port, in: directory,
                    address: address, port: 53, options: ["cache-max-ttl: 0", "cache-max-negative-ttl: 0"])
            }
            let started = try #require(unbound, "an Unbound on port 53 of a loopback address")
            let resolvConf = try directory.write(
                "resolv-\(started.address).conf", "nameserver \(started.address)\noptions attempts:1 timeout:5\n")
            return (started, resolvConf)
        }
        let (good, goodResolvConf) = try resolver(anchor: ds)
        let (bad, badResolvConf) = try resolver(anchor: wrongDS)

        let mailConfig = directory.path + "/postfix"
        try FileManager.default.createDirectory(atPath: mailConfig, withIntermediateDirectories: true)
        try directory.write(
            "postfix/main.cf",
            "compatibility_level = 3.6\nsmtp_dns_support_level = dnssec\nsmtp_tls_security_level = dane\n")
        func finger(_ destination: String, resolvConf: String, timeout: Int = 10) throws -> String {
            let script =
                "mount --bind \"$0\" /etc/resolv.conf && export MAIL_CONFIG=\"$2\""
                + " && exec posttls-finger -c -a ipv4 -t \(timeout) -T \(timeout) -l dane -L summary \"$1\""
            let output = try Subprocess.run(
                "unshare", ["-m", "--propagation", "private", "sh", "-c", script, resolvConf, destination, mailConfig])
            return output.stdout + output.stderr
        }

        for test in Self.cases {
            let domain = "\(test.name).example.test"
            let smtpPort = "\(port(test))"
            let (unbound, resolvConf) = test.bogus ? (bad, badResolvConf) : (good, goodResolvConf)
            // Both validation paths.
            let viaResolver = try Subprocess.run(
                sigil,
                ["dane", "check", domain, "--resolver", "\(unbound.address):53", "--smtp-port", smtpPort, "--json"]
                    + (test.silent ? ["--timeout", "2"] : []))
            let viaDS = try Subprocess.run(
                sigil,
                [
                    "dane", "check", domain, "--server", "127.0.0.1:\(server.port)", "--ds",
                    test.bogus ? wrongDSData : dsData, "--smtp-port", smtpPort,
                ] + (test.silent ? ["--timeout", "2"] : []))
            for (path, run) in [("resolver", viaResolver), ("ds", viaDS)] {
                #expect(run.succeeded == test.passes, "\(test.name) via \(path): \(run.stdout)\(run.stderr)")
                #expect(run.stderr.isEmpty || !run.stderr.contains("Fatal"), "\(run.stderr)")
            }
            #expect(
                viaResolver.stdout.contains("\"verdict\" : \"\(test.passes ? "pass" : "fail")\""),
                "\(viaResolver.stdout)")
            // Postfix's verdict.
            let fingered = try finger("\(domain):\(smtpPort)", resolvConf: resolvConf, timeout: test.silent ? 3 : 10)
            #expect(
                fingered.contains("Verified TLS connection established") == test.passes,
                "\(test.name): posttls-finger disagrees: \(fingered)")
            // The reason, as the table says it.
            let table = viaDS.stdout
            switch test.name {
            case "right": #expect(table.contains("DANE match: 3 1 1"), "\(table)")
            case "alias":
                #expect(table.contains("_\(smtpPort)._tcp.mx.right.example.test: 1 secure record"), "\(table)")
                #expect(table.contains("DANE match: 3 1 1"), "\(table)")
            case "wrong": #expect(table.contains("no TLSA record matches"), "\(table)")
            case "expired3": #expect(table.contains("expired 1 day ago (DANE-EE ignores expiry)"), "\(table)")
            case "expired2": #expect(table.contains("certificate has expired"), "\(table)")
            case "bogus": #expect(table.contains("no DNSKEY of example.test. matches the DS"), "\(table)")
            case "notlsa":
                #expect(
                    table.contains("no TLSA records at _\(smtpPort)._tcp.mx.notlsa.example.test (securely denied)"),
                    "\(table)")
            case "silent": #expect(table.contains("timed out waiting for an answer"), "\(table)")
            default: #expect(table.contains("the server does not offer STARTTLS"), "\(table)")
            }
            #expect(
                viaResolver.stdout.contains(test.bogus ? "SERVFAIL" : "\"mxSecurity\" : \"secure\""),
                "\(viaResolver.stdout)")

            // ldns-dane on the TLSA match of the presented certificate, with the served RRset.
            guard let presented = test.presented, !test.bogus, test.alias == nil else { continue }
            let owner = "_\(smtpPort)._tcp.mx.\(test.name).example.test."
            let served = try Subprocess.check("kdig", ["@127.0.0.1", "-p", "\(server.port)", "+short", owner, "TLSA"])
            let lines = served.split(separator: "\n").map { "\(owner) 300 IN TLSA \($0)" }
            let tlsaFile = try directory.write("\(test.name).tlsa", lines.joined(separator: "\n") + "\n")
            let ldns = try Subprocess.run(
                "ldns-dane", ["-n", "-c", "\(certs)/\(presented).pem", "-t", tlsaFile, "verify"])
            #expect(
                ldns.succeeded == test.passes, "\(test.name): ldns-dane disagrees: \(ldns.stdout)\(ldns.stderr)")
        }
        _ = (good, bad)
        #expect(Date().timeIntervalSince(started) < 60)
    }

    /// `--mta-sts`: the policy fetched over HTTPS (Python's http.server with ssl, a certificate
    /// for mta-sts.example.test from the lab CA, verified with `--ca-file`), validated, and each
    /// MX matched against its patterns; a policy that leaves an MX out, and a server whose
    /// certificate the CA file does not cover, fail.
    @Test(.requires(.python3, .openssl)) func mtaSTSPolicy() throws {
        let sigil = try SigilBinary.require()
        let directory = try TemporaryDirectory()
        let certs = directory.path + "/certs"
        try FileManager.default.createDirectory(atPath: certs, withIntermediateDirectories: true)
        let pki = try LabCertificates(in: certs)
        try pki.issue("mta-sts", key: .p256, serial: 1, host: "mta-sts")
        let otherCA = try TemporaryDirectory()
        _ = try LabCertificates(in: otherCA.path)
        try directory.write(
            "example.test.zone",
            """
            $ORIGIN example.test.
            $TTL 300
            @    SOA  ns1 hostmaster 1 7200 3600 1209600 60
            @    NS   ns1
            @    MX   0 mx1
            @    MX   10 mx2
            ns1  A    127.0.0.1
            mx1  A    127.0.0.1
            mx2  A    127.0.0.1
            _mta-sts TXT "v=STSv1; id=20260101"

            """)
        let server = try SigilServerProcess(
            ["--zone", "example.test=\(directory.path)/example.test.zone", "--keys", directory.path + "/keys"],
            in: directory)
        let ds = try Subprocess.check(sigil, ["ds", "example.test.", "--dir", directory.path + "/keys"])
            .split(separator: " ").suffix(4).joined(separator: " ").trimmingCharacters(in: .whitespacesAndNewlines)
        let web = directory.path + "/web"
        try FileManager.default.createDirectory(atPath: web + "/.well-known", withIntermediateDirectories: true)
        let script = try directory.write(
            "https.py",
            """
            import http.server, os, ssl, sys
            os.chdir(sys.argv[3])
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(sys.argv[1], sys.argv[2])
            server = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
            server.socket = context.wrap_socket(server.socket, server_side=True)
            print(server.server_address[1], flush=True)
            server.serve_forever()

            """)
        let log = directory.path + "/https.log"
        let https = try Subprocess.start(
            try Subprocess.find("python3").orThrow("python3"),
            [script, certs + "/mta-sts.pem", certs + "/mta-sts.key", web],
            log: log)
        defer {
            kill(https.processIdentifier, SIGKILL)
            https.waitUntilExit()
        }
        var port = ""
        for _ in 0..<100 where port.isEmpty {
            port =
                String(decoding: Subprocess.readFile(log), as: UTF8.self).split(separator: "\n").first.map(String.init)
                ?? ""
            if port.isEmpty { usleep(50_000) }
        }
        func check(_ policy: String, caFile: String) throws -> String {
            try directory.write("web/.well-known/mta-sts.txt", policy)
            let run = try Subprocess.run(
                sigil,
                [
                    "dane", "check", "example.test", "--server", "127.0.0.1:\(server.port)", "--ds", ds, "--mta-sts",
                    "--ca-file", caFile, "--mta-sts-connect", "127.0.0.1:\(port)", "--timeout", "2",
                ])
            return run.stdout + run.stderr
        }
        let good = try check(
            "version: STSv1\nmode: enforce\nmx: mx1.example.test\nmx: *.example.test\nmax_age: 86400\n",
            caFile: certs + "/ca.pem")
        #expect(good.contains("PASS  mta-sts.example.test"), "\(good)")
        #expect(good.contains("mode enforce, max_age 86400"), "\(good)")
        #expect(
            good.contains("mx1.example.test matches the policy")
                && good.contains("mx2.example.test matches the policy"), "\(good)")
        #expect(good.contains("\"v=STSv1; id=20260101\""), "the TXT id is checked: \(good)")
        let partial = try check(
            "version: STSv1\nmode: enforce\nmx: mx1.example.test\nmax_age: 86400\n", caFile: certs + "/ca.pem")
        #expect(partial.contains("mx2.example.test matches no mx pattern"), "\(partial)")
        let invalid = try check(
            "version: STSv1\nmode: sometimes\nmx: mx1.example.test\nmax_age: 86400\n", caFile: certs + "/ca.pem")
        #expect(invalid.contains("invalid policy: mode must be one of"), "\(invalid)")
        let untrusted = try check(
            "version: STSv1\nmode: enforce\nmx: *.example.test\nmax_age: 86400\n", caFile: otherCA.path + "/ca.pem")
        #expect(untrusted.contains("TLS to mta-sts.example.test failed"), "\(untrusted)")
    }

    /// Bad input gets a clear message and exit status, never a trace or a hang.
    @Test func badInputIsAnError() throws {
        let sigil = try SigilBinary.require()
        for arguments in [
            ["dane", "check", "example.test"], ["dane", "check", "example.test", "--resolver", "nowhere"],
            ["dane", "check", "example.test", "--server", "127.0.0.1:53"],
            ["dane", "check", "example.test", "--server", "127.0.0.1:53", "--ds", "1 2"],
        ] {
            let run = try Subprocess.run(sigil, arguments)
            #expect(!run.succeeded && run.stderr.contains("Error:"), "\(arguments): \(run.stderr)")
        }
        // A malformed TLS report is named with the reason, and the others are still summarised.
        let samples = SigilBinary.packageRoot + "/Tests/fixtures/tlsrpt/"
        let reports = try Subprocess.run(
            sigil,
            ["tlsrpt", "summary", samples + "success.json", samples + "malformed.json", samples + "failures.json.gz"])
        #expect(reports.status == 1, "\(reports.stdout)\(reports.stderr)")
        #expect(reports.stdout.contains("Mail Provider A  2026-01-10  tlsa  example.test: 412 successful, 0 failed"))
        #expect(reports.stdout.contains("starttls-not-supported: 1 session"), "\(reports.stdout)")
        #expect(
            reports.stdout.contains("malformed report \(samples)malformed.json: policies[0]: no valid summary counts"),
            "\(reports.stdout)")
        // Nothing listens: each lookup times out after --timeout, and the check fails cleanly.
        let start = Date()
        let run = try Subprocess.run(
            sigil, ["dane", "check", "example.test", "--resolver", "127.0.0.1:9", "--timeout", "1"])
        #expect(run.status == 1 && run.stdout.contains("FAIL"), "\(run.stdout)\(run.stderr)")
        #expect(Date().timeIntervalSince(start) < 30)
    }
}
