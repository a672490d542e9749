import DNSWire
import Foundation
import SigilTestSupport
import Testing

@testable import SigilServerTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Sigil as the hidden signing primary of a fleet: NSD, Knot and BIND transfer the signed zone
/// with TSIG, serve it so that a validating resolver gets AD, follow a change by NOTIFY, and
/// transfers without the right key or from outside the ACL are refused.
@Suite(.requires(.kdig, .dig, .nsd, .knotd, .named, .unbound), .serialized)
struct SecondaryFleetTests {
    static let origin = "fleet.test."

    static func zone(serial: UInt32, extra: String = "") -> String {
        """
        $TTL 300
        @ IN SOA ns1 hostmaster \(serial) 3600 600 86400 60
        @ NS ns1
        @ NS ns2
        ns1 A 127.0.0.1
        ns2 A 127.0.0.2
        www A 192.0.2.80
        www AAAA 2001:db8::80
        @ MX 10 mail
        mail A 192.0.2.25
        _25._tcp.mail TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        \(extra)

        """
    }

    /// A Sigil primary of `fleet.test` (and `closed.test`, which only 127.0.0.2 may transfer), with
    /// a key made by `sigil tsig-keygen`.
    struct Primary {
        let work: TemporaryDirectory
        let sigil: SigilServerProcess
        let secret: String
        let zoneFile: String
        let ds: String

        init(work: TemporaryDirectory) throws {
            self.work = work
            let keyFile = try Subprocess.check(try SigilBinary.require(), ["tsig-keygen", "xfr-key"])
            try work.write("xfr-key.conf", keyFile)
            secret = try #require(
                keyFile.split(separator: "\"").dropFirst(3).first.map(String.init), "a secret in \(keyFile)")
            zoneFile = try work.write("fleet.test.zone", SecondaryFleetTests.zone(serial: 1))
            try work.write("closed.test.zone", SecondaryFleetTests.zone(serial: 1))
            // Big enough for several 64 KiB messages, each with its own chained TSIG.
            var bulk = (0..<1500).map { "host\($0) TXT \"\(String(repeating: "x", count: 60))\"" }
            // An answer of about 480 bytes: it fits 512 unsigned, not with a TSIG record.
            bulk += (0..<4).map { "wide TXT \"\($0)\(String(repeating: "w", count: 99))\"" }
            try work.write("big.test.zone", SecondaryFleetTests.zone(serial: 1, extra: bulk.joined(separator: "\n")))
            try work.write("sigil.yaml", Self.config(notify: []))
            sigil = try SigilServerProcess(["--config", work.path + "/sigil.yaml", "--udp-workers", "1"], in: work)
            ds = try Subprocess.check(
                try SigilBinary.require(), ["ds", SecondaryFleetTests.origin, "--dir", work.path + "/keys"]
            )
            .trimmingCharacters(in: .whitespacesAndNewlines)
        }

        static func config(notify ports: [UInt16]) -> String {
            let notify = ports.map { "{address: \"127.0.0.1:\($0)\", key: xfr-key}" }.joined(separator: ", ")
            return """
                keys: keys
                tsig-keys:
                  - {name: xfr-key, file: xfr-key.conf}
                zones:
                  - origin: fleet.test
                    file: fleet.test.zone
                    transfer:
                      - {address: 127.0.0.1/32, key: xfr-key}
                    notify: [\(notify)]
                  - origin: big.test
                    file: big.test.zone
                    transfer:
                      - {address: 127.0.0.1/32, key: xfr-key}
                  - origin: closed.test
                    file: closed.test.zone
                    transfer:
                      - {address: 127.0.0.2/32, key: xfr-key}

                """
        }
    }

    @Test func secondariesServeValidateAndFollowNotify() throws {
        let work = try TemporaryDirectory()
        let primary = try Primary(work: work)
        var secondaries: [SecondaryProcess] = []
        for kind in SecondaryProcess.Kind.allCases {
            secondaries.append(
                try SecondaryProcess(
                    kind, zone: Self.origin, primaryPort: primary.sigil.port, keyName: "xfr-key",
                    secret: primary.secret,
                    in: work))
        }
        for secondary in secondaries {
            let took = secondary.waitForSerial(1, zone: Self.origin, timeout: 20)
            try #require(took != nil, "\(secondary.kind) got no zone:\n\(secondary.log)\n\(primary.sigil.log)")
        }
        #expect(primary.sigil.log.contains("AXFR of fleet.test."), "\(primary.sigil.log)")

        // A validating resolver pointed at each secondary: AD on positive, NXDOMAIN and NODATA.
        for secondary in secondaries {
            let unbound = try UnboundProcess(
                trustAnchor: primary.ds, zone: Self.origin, stubPort: secondary.port, in: work)
            for (name, type, rcode) in [
                ("www.fleet.test.", "A", RCode.noError), ("nope.fleet.test.", "A", .nxDomain),
                ("www.fleet.test.", "TXT", .noError), ("_25._tcp.mail.fleet.test.", "TLSA", .noError),
            ] {
                let reply = try #require(
                    try Kdig.ask(name, type, port: unbound.port, options: ["+dnssec", "+timeout=5"]),
                    "\(secondary.kind): no answer to \(name) \(type)")
                #expect(reply.message.rcode == rcode, "\(secondary.kind) \(name) \(type): \(reply.stdout)")
                #expect(
                    reply.message.header.authenticData,
                    "\(secondary.kind) \(name) \(type) must validate: \(reply.stdout)\n\(unbound.log)")
            }
        }

        // A zone-file change and SIGHUP (which also turns NOTIFY on): every secondary has it in 2 s.
        try work.write("sigil.yaml", Primary.config(notify: secondaries.map(\.port)))
        try work.write("fleet.test.zone", Self.zone(serial: 2, extra: "new A 192.0.2.2"))
        let hangup = Date()
        primary.sigil.signal(SIGHUP)
        for secondary in secondaries {
            let took = secondary.waitForSerial(2, zone: Self.origin, timeout: 10)
            let elapsed = Date().timeIntervalSince(hangup)
            #expect(took != nil && elapsed <= 2.0, "\(secondary.kind) serial 2 after \(elapsed) s:\n\(secondary.log)")
            print("\(secondary.kind): serial 2 served \(elapsed) s after SIGHUP")
            let reply = try Kdig.ask("new.fleet.test.", "A", port: secondary.port, options: ["+norecurse"])
            #expect(
                reply?.message.answers.contains { $0.type == .a } == true, "\(secondary.kind): \(reply?.stdout ?? "")")
        }
        #expect(primary.sigil.log.contains("NOTIFY fleet.test. serial 2"), "\(primary.sigil.log)")
        // Each secondary's answer carries a TSIG chained to our NOTIFY's, and it verifies.
        for secondary in secondaries {
            let acknowledged = "NOTIFY fleet.test. serial 2 to 127.0.0.1:\(secondary.port): acknowledged"
            #expect(primary.sigil.waitForLog(acknowledged), "\(secondary.kind):\n\(primary.sigil.log)")
        }
        #expect(!primary.sigil.log.contains("answer discarded"), "\(primary.sigil.log)")
    }

    /// `dig` AXFR output: the status of a refused transfer, or the records.
    static func dig(_ arguments: [String]) throws -> String {
        let output = try Subprocess.run("dig", arguments + ["+tries=1", "+time=3"])
        return output.stdout + output.stderr
    }

    @Test func transfersNeedTheKeyTheAddressAndTCP() throws {
        let work = try TemporaryDirectory()
        let primary = try Primary(work: work)
        let port = "\(primary.sigil.port)"
        let good = "hmac-sha256:xfr-key:\(primary.secret)"

        // With the key: the whole signed zone, NSEC3 chain included, SOA first and last.
        let full = try Self.dig(["@127.0.0.1", "-p", port, "-y", good, "fleet.test", "AXFR"])
        #expect(full.contains("NSEC3") && full.contains("RRSIG") && full.contains("DNSKEY"), "\(full)")
        #expect(!full.contains("failed") && !full.contains("BADSIG"), "\(full)")

        // Several messages: dig checks every message's TSIG, each MAC chained to the one before.
        let big = try Self.dig(["@127.0.0.1", "-p", port, "-y", good, "big.test", "AXFR"])
        let messages = big.split(separator: "messages ").dropFirst().first.flatMap { Int($0.prefix { $0.isNumber }) }
        #expect((messages ?? 0) >= 3, "\(big.suffix(400))")
        #expect(big.contains("XFR size") && !big.contains("failed") && !big.contains("verify"), "\(big.suffix(400))")

        // No key: refused.
        let none = try Self.dig(["@127.0.0.1", "-p", port, "fleet.test", "AXFR"])
        #expect(none.contains("Transfer failed") && !none.contains("DNSKEY"), "\(none)")
        // A wrong secret: BADSIG.
        let wrongSecret = try Self.dig([
            "@127.0.0.1", "-p", port, "-y", "hmac-sha256:xfr-key:\(Base64.encode([UInt8](repeating: 7, count: 32)))",
            "fleet.test", "AXFR",
        ])
        #expect(wrongSecret.contains("BADSIG") && !wrongSecret.contains("DNSKEY"), "\(wrongSecret)")
        // A key the server does not know: BADKEY.
        let unknown = try Self.dig([
            "@127.0.0.1", "-p", port, "-y", "hmac-sha256:other-key:\(primary.secret)", "fleet.test", "AXFR",
        ])
        #expect(unknown.contains("BADKEY") && !unknown.contains("DNSKEY"), "\(unknown)")
        // The right key from an address outside the ACL (closed.test allows only 127.0.0.2).
        let outside = try Self.dig(["@127.0.0.1", "-p", port, "-y", good, "closed.test", "AXFR"])
        #expect(outside.contains("Transfer failed") && !outside.contains("DNSKEY"), "\(outside)")

        // AXFR over UDP is refused (RFC 5936 §4.2), even with an ACL that would allow it over TCP.
        let udp = try Kdig.ask("fleet.test.", "AXFR", port: primary.sigil.port, options: ["+notcp"])
        if let udp { #expect(udp.message.rcode == .refused, "\(udp.stdout)") }

        // A signed ordinary query is answered signed (what secondaries' SOA checks need).
        let soa = try Self.dig(["@127.0.0.1", "-p", port, "-y", good, "fleet.test", "SOA"])
        #expect(soa.contains("status: NOERROR") && soa.contains("TSIG") && !soa.contains("failure"), "\(soa)")

        // Signed, the answer no longer fits the client's 512 bytes: header and question with TC, still
        // signed (RFC 8945 §5.3), never a datagram over the client's size.
        let wide = try Self.dig(["@127.0.0.1", "-p", port, "-y", good, "+noedns", "+ignore", "wide.big.test", "TXT"])
        let received = wide.split(separator: "rcvd: ").dropFirst().first.flatMap { Int($0.prefix { $0.isNumber }) }
        #expect((received ?? 0) > 0 && (received ?? 513) <= 512, "\(wide)")
        #expect(wide.contains(" tc") && wide.contains("TSIG") && !wide.contains("failure"), "\(wide)")
        let unsigned = try Self.dig(["@127.0.0.1", "-p", port, "+noedns", "+ignore", "wide.big.test", "TXT"])
        #expect(!unsigned.contains(" tc") && unsigned.contains("ANSWER: 4"), "the unsigned answer fits: \(unsigned)")
    }

    @Test func instancesSharingTheKeyDirectoryPublishTheSameDNSKEYs() throws {
        let work = try TemporaryDirectory()
        let primary = try Primary(work: work)
        let second = try SigilServerProcess(["--config", work.path + "/sigil.yaml", "--udp-workers", "1"], in: work)
        #expect(!second.log.contains("generated signing key"), "\(second.log)")
        func dnskeys(_ port: UInt16) throws -> Set<String> {
            let reply = try #require(try Kdig.ask(Self.origin, "DNSKEY", port: port, options: ["+norecurse"]))
            return Set(reply.message.answers.filter { $0.type == .dnskey }.map(\.text))
        }
        let first = try dnskeys(primary.sigil.port)
        #expect(!first.isEmpty)
        #expect(first == (try dnskeys(second.port)))
        for port in [primary.sigil.port, second.port] {
            let unbound = try UnboundProcess(trustAnchor: primary.ds, zone: Self.origin, stubPort: port, in: work)
            let reply = try #require(try Kdig.ask("www.fleet.test.", "A", port: unbound.port, options: ["+dnssec"]))
            #expect(reply.message.header.authenticData, "\(reply.stdout)")
        }
    }
}
