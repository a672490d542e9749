import DNSWire
import Foundation
import SigilTestSupport
import Testing

@testable import SigilServerTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Dynamic updates (RFC 2136) with `nsupdate`, the journal across restarts and SIGHUP, IXFR from
/// it, and propagation to NSD, Knot and BIND by NOTIFY + IXFR.
@Suite(.requires(.kdig, .dig, .nsupdate), .serialized)
struct JournalUpdateTests {
    /// A work directory with a key made by `sigil tsig-keygen`.
    struct Setup {
        let work: TemporaryDirectory
        let secret: String

        init() throws {
            work = try TemporaryDirectory()
            let keyFile = try Subprocess.check(try SigilBinary.require(), ["tsig-keygen", "up-key"])
            try work.write("up-key.conf", keyFile)
            secret = try #require(keyFile.split(separator: "\"").dropFirst(3).first.map(String.init))
        }

        var key: String { "hmac-sha256:up-key:\(secret)" }

        /// Runs an nsupdate script against `port` with the key; its exit status and output.
        func nsupdate(_ port: UInt16, _ lines: [String], key: String? = nil) throws -> (Int32, String) {
            let script = (["server 127.0.0.1 \(port)", "zone mig.test"] + lines + ["send", ""]).joined(separator: "\n")
            let output = try Subprocess.run("nsupdate", ["-y", key ?? self.key], stdin: Array(script.utf8))
            return (output.status, output.stdout + output.stderr)
        }

        /// `dig IXFR=serial` over TCP (or UDP), signed: the answer's records, one line each.
        func ixfr(_ port: UInt16, zone: String = "mig.test", from serial: UInt32, tcp: Bool = true) throws -> [String] {
            let output = try Subprocess.run(
                "dig",
                [
                    "-y", key, "@127.0.0.1", "-p", "\(port)", tcp ? "+tcp" : "+notcp", "+nocmd", "+nostats",
                    "\(zone)", "IXFR=\(serial)",
                ])
            return output.stdout.split(separator: "\n").map(String.init).filter {
                !$0.hasPrefix(";") && !$0.isEmpty && !$0.contains("TSIG")
            }
        }
    }

    static let zone = """
        $TTL 3600
        @ IN SOA ns1 hostmaster 1 3600 600 86400 60
        @ NS ns1
        ns1 A 127.0.0.1
        @ MX 10 mail
        mail A 192.0.2.25
        mx2 A 192.0.2.26

        """

    static func config(extra: String = "") -> String {
        """
        keys: keys
        tsig-keys:
          - {name: up-key, file: up-key.conf}
        zones:
          - origin: mig.test
            file: mig.test.zone
            transfer:
              - {address: 127.0.0.1/32, key: up-key}
            update:
              - {address: 127.0.0.1/32, key: up-key}
            serial: increment
        \(extra)
        """
    }

    /// The MX RRset: TTL and "pref host" strings.
    static func mx(_ port: UInt16) throws -> (ttl: UInt32?, records: Set<String>) {
        let reply = try #require(try Kdig.ask("mig.test.", "MX", port: port))
        let records = reply.message.answers.filter { $0.type == .mx }
        return (records.first?.ttl, Set(records.map(\.data.text)))
    }

    static func serial(_ port: UInt16, zone: String = "mig.test.") throws -> UInt32? {
        guard let reply = try Kdig.ask(zone, "SOA", port: port),
            let soa = reply.message.answers.first(where: { $0.type == .soa }), case .soa(let data) = soa.data
        else { return nil }
        return data.serial
    }

    /// The seed scenario's MX migration, step by step with prerequisites; refusals; IXFR from the
    /// journal; the journal and the updates across a restart; and the SIGHUP rule: the file's
    /// changes, then the updates on top.
    @Test func mxMigrationWithNsupdateSurvivesRestartAndReload() throws {
        let setup = try Setup()
        let work = setup.work
        try work.write("mig.test.zone", Self.zone)
        try work.write("sigil.yaml", Self.config())
        var sigil = try SigilServerProcess(["--config", work.path + "/sigil.yaml", "--udp-workers", "1"], in: work)
        var port = sigil.port
        #expect(try Self.serial(port) == 1)

        // 1. Lower the TTL, only if the MX RRset is still exactly "10 mail".
        var (status, output) = try setup.nsupdate(
            port,
            [
                "prereq yxrrset mig.test MX 10 mail.mig.test.", "update delete mig.test MX",
                "update add mig.test 300 MX 10 mail.mig.test.",
            ])
        #expect(status == 0, "\(output)\n\(sigil.log)")
        #expect(try Self.mx(port) == (300, ["10 mail.mig.test."]))
        // 2. The new MX at 20, if its host exists.
        (status, output) = try setup.nsupdate(
            port, ["prereq yxdomain mx2.mig.test", "update add mig.test 300 MX 20 mx2.mig.test."])
        #expect(status == 0, "\(output)")
        #expect(try Self.mx(port) == (300, ["10 mail.mig.test.", "20 mx2.mig.test."]))
        // 3. Swap the priorities in one update.
        (status, output) = try setup.nsupdate(
            port,
            [
                "prereq yxrrset mig.test MX", "update delete mig.test MX 10 mail.mig.test.",
                "update delete mig.test MX 20 mx2.mig.test.", "update add mig.test 300 MX 10 mx2.mig.test.",
                "update add mig.test 300 MX 20 mail.mig.test.",
            ])
        #expect(status == 0, "\(output)")
        #expect(try Self.mx(port) == (300, ["10 mx2.mig.test.", "20 mail.mig.test."]))
        // 4. Remove the old one. 5. Raise the TTL.
        (status, output) = try setup.nsupdate(port, ["update delete mig.test MX 20 mail.mig.test."])
        #expect(status == 0, "\(output)")
        (status, output) = try setup.nsupdate(port, ["update add mig.test 3600 MX 10 mx2.mig.test."])
        #expect(status == 0, "\(output)")
        #expect(try Self.mx(port) == (3600, ["10 mx2.mig.test."]))
        #expect(try Self.serial(port) == 6, "one serial per update (serial: increment)")

        // Refusals: a prerequisite that no longer holds, a server-made DNSSEC type, a wrong key.
        (status, output) = try setup.nsupdate(
            port, ["prereq yxrrset mig.test MX 10 mail.mig.test.", "update delete mig.test MX"])
        #expect(status != 0 && output.contains("NXRRSET"), "\(output)")
        (status, output) = try setup.nsupdate(
            port,
            [
                "update add mig.test 300 DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ=="
            ])
        #expect(status != 0 && output.contains("REFUSED"), "\(output)")
        (status, output) = try setup.nsupdate(
            port, ["update add x.mig.test 300 A 192.0.2.9"],
            key: "hmac-sha256:up-key:" + Data(repeating: 7, count: 32).base64EncodedString())
        #expect(status != 0, "a wrong secret must fail: \(output)")
        #expect(try Self.serial(port) == 6)

        // IXFR from serial 1: incremental (SOA 6, SOA 1, deletions, SOA 6, additions, SOA 6), over
        // TCP and, as it fits, over UDP.
        func checkIXFR() throws {
            for tcp in [true, false] {
                let lines = try setup.ixfr(port, from: 1, tcp: tcp)
                let soas = lines.filter { $0.contains("\tSOA\t") }.map { $0.split(separator: " ")[2] }
                #expect(soas == ["6", "1", "6", "6"], "\(lines.joined(separator: "\n"))")
                #expect(
                    lines.contains {
                        $0.split(whereSeparator: \.isWhitespace) == [
                            "mig.test.", "3600", "IN", "MX", "10", "mx2.mig.test.",
                        ]
                    }, "\(lines.joined(separator: "\n"))")
                #expect(lines.count < 30, "incremental, not the whole zone")
            }
            #expect(try setup.ixfr(port, from: 6).filter { $0.contains("\tSOA\t") }.count == 1, "up to date: one SOA")
        }
        try checkIXFR()
        // Older than the journal reaches: the whole zone, AXFR-style (one SOA first, one last).
        let full = try setup.ixfr(port, from: 0)
        #expect(full.filter { $0.contains("\tSOA\t") }.count == 2 && full.contains { $0.contains("\tDNSKEY\t") })

        // A restart: same serial, same data, same history (the image's signatures are reused).
        sigil.stop()
        sigil = try SigilServerProcess(["--config", work.path + "/sigil.yaml", "--udp-workers", "1"], in: work)
        port = sigil.port
        #expect(try Self.serial(port) == 6, "\(sigil.log)")
        #expect(try Self.mx(port) == (3600, ["10 mx2.mig.test."]))
        try checkIXFR()

        // SIGHUP with an edited file (still MX 10 mail, serial 1): the file's new records come in,
        // the updates stay on top, and the serial moves on.
        try work.write("mig.test.zone", Self.zone + "www A 192.0.2.80\n")
        sigil.signal(SIGHUP)
        #expect(sigil.waitForLog("reload done"), "\(sigil.log)")
        #expect(try Self.serial(port) == 7)
        #expect(try Self.mx(port) == (3600, ["10 mx2.mig.test."]), "the update wins over the file")
        let www = try #require(try Kdig.ask("www.mig.test.", "A", port: port))
        #expect(www.message.answers.map(\.data.text) == ["192.0.2.80"])
        let lines = try setup.ixfr(port, from: 6)
        #expect(lines.contains { $0.hasPrefix("www.mig.test.") }, "\(lines)")
    }
}
