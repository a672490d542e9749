import DNSWire
import Foundation
import SigilTestSupport
import Testing

@testable import SigilServerTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// NSD, Knot and BIND as secondaries of a journaled Sigil zone: a zone-file change, a renewed
/// certificate (TLSA) and an nsupdate each reach all three by NOTIFY + IXFR within 2 s; with a
/// short signature validity, re-signing keeps every RRSIG they serve unexpired.
@Suite(.requires(.kdig, .nsd, .knotd, .named, .nsupdate, .openssl), .serialized)
struct JournalFleetTests {
    static let origin = "jfleet.test."

    static func zone(_ extra: String = "") -> String {
        """
        $TTL 300
        @ IN SOA ns1 hostmaster 1 3600 600 86400 60
        @ NS ns1
        ns1 A 127.0.0.1
        @ MX 10 mx1
        mx1 A 192.0.2.25
        www A 192.0.2.80
        \(extra)

        """
    }

    static func config(notify: [UInt16], validity: String? = nil, tlsa: Bool = false) -> String {
        let targets = notify.map { "{address: \"127.0.0.1:\($0)\", key: up-key}" }.joined(separator: ", ")
        return """
            keys: keys
            tsig-keys:
              - {name: up-key, file: up-key.conf}
            zones:
              - origin: jfleet.test
                file: jfleet.test.zone
                transfer:
                  - {address: 127.0.0.1/32, key: up-key}
                update:
                  - {address: 127.0.0.1/32, key: up-key}
                notify: [\(targets)]
            \(validity.map { "    dnssec: {validity: \($0)}" } ?? "")
            \(tlsa ? "    tlsa:\n          - {host: mx1, certificates: [certs/mx1.pem]}" : "")

            """
    }

    static func serial(_ port: UInt16) -> UInt32? {
        guard let reply = try? Kdig.ask(origin, "SOA", port: port, options: ["+norecurse"]),
            let soa = reply.message.answers.first(where: { $0.type == .soa }), case .soa(let data) = soa.data
        else { return nil }
        return data.serial
    }

    /// Waits until the primary serves a serial above `above`; that serial.
    static func waitForPrimary(_ port: UInt16, above: UInt32, timeout: Double) -> UInt32? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let serial = serial(port), serial > above { return serial }
            usleep(20_000)
        }
        return nil
    }

    /// Starts the three secondaries (NSD asking for IXFR too) and waits for their first copy.
    static func fleet(_ primary: SigilServerProcess, _ setup: JournalUpdateTests.Setup) throws -> [SecondaryProcess] {
        var secondaries: [SecondaryProcess] = []
        for kind in SecondaryProcess.Kind.allCases {
            secondaries.append(
                try SecondaryProcess(
                    kind, zone: origin, primaryPort: primary.port, keyName: "up-key", secret: setup.secret,
                    in: setup.work, ixfr: true))
        }
        for secondary in secondaries {
            try #require(
                secondary.waitForSerial(1, zone: origin, timeout: 20) != nil,
                "\(secondary.kind) got no zone:\n\(secondary.log)\n\(primary.log)")
        }
        return secondaries
    }

    /// Whether a secondary's log shows incremental transfers after its first full one: Knot names
    /// them; NSD and BIND log each transfer's size, and every later one is much smaller than the
    /// first (the whole zone).
    static func loggedIXFR(_ secondary: SecondaryProcess) -> Bool {
        let lines = secondary.log.split(separator: "\n")
        func sizes(after marker: String, before end: String) -> [Int] {
            lines.compactMap { line -> Int? in
                guard let range = line.range(of: marker) else { return nil }
                return Int(line[range.upperBound...].prefix { $0.isNumber })
            }
        }
        let transfers: [Int]
        switch secondary.kind {
        case .knot: return lines.contains { $0.contains("IXFR, incoming") && $0.contains("finished") }
        case .nsd: transfers = sizes(after: "TSIG verified with key up-key of ", before: " bytes")
        case .bind: transfers = sizes(after: "Transfer completed: 1 messages, ", before: " records")
        }
        guard let first = transfers.first, transfers.count >= 4 else { return false }
        return transfers.dropFirst().allSatisfy { $0 * 2 < first }
    }

    @Test func fileTLSAAndUpdateChangesReachSecondariesByIXFR() throws {
        let setup = try JournalUpdateTests.Setup()
        let work = setup.work
        try FileManager.default.createDirectory(atPath: work.path + "/certs", withIntermediateDirectories: true)
        let pki = try LabCertificates(in: work.path + "/certs")
        try pki.issue("mx1", key: .p256, serial: 1)
        try work.write("jfleet.test.zone", Self.zone())
        try work.write("sigil.yaml", Self.config(notify: [], tlsa: true))
        let primary = try SigilServerProcess(["--config", work.path + "/sigil.yaml", "--udp-workers", "1"], in: work)
        let secondaries = try Self.fleet(primary, setup)
        var current = try #require(Self.serial(primary.port))

        // Turn NOTIFY on (the data is unchanged: no new serial).
        try work.write("sigil.yaml", Self.config(notify: secondaries.map(\.port), tlsa: true))
        primary.signal(SIGHUP)
        #expect(primary.waitForLog("reload done"))
        #expect(Self.serial(primary.port) == current)

        func propagate(_ what: String, timeout: Double = 5, change: () throws -> Void) throws {
            try change()
            let next = try #require(
                Self.waitForPrimary(primary.port, above: current, timeout: timeout), "\(what): \(primary.log)")
            for secondary in secondaries {
                let took = secondary.waitForSerial(next, zone: Self.origin, timeout: 2)
                #expect(took != nil, "\(what): \(secondary.kind) not at \(next) within 2 s:\n\(secondary.log)")
            }
            current = next
        }
        try propagate("zone-file change") {
            try work.write("jfleet.test.zone", Self.zone("new A 192.0.2.2"))
            primary.signal(SIGHUP)
        }
        try propagate("certificate renewal", timeout: 10) { try pki.issue("mx1", key: .p256, serial: 2) }
        try propagate("nsupdate") {
            let script =
                "server 127.0.0.1 \(primary.port)\nzone jfleet.test\nupdate add txt.jfleet.test 300 TXT \"hi\"\nsend\n"
            let output = try Subprocess.run("nsupdate", ["-y", setup.key], stdin: Array(script.utf8))
            #expect(output.status == 0, "\(output.stderr)")
        }
        for secondary in secondaries {
            #expect(Self.loggedIXFR(secondary), "\(secondary.kind) shows no IXFR:\n\(secondary.log)")
            let reply = try #require(
                try Kdig.ask("txt.jfleet.test.", "TXT", port: secondary.port, options: ["+norecurse"]))
            #expect(reply.message.answers.contains { $0.type == .txt }, "\(secondary.kind)")
        }
        // Sigil's side: nine incremental answers (three changes, three secondaries), and no full
        // transfer after the three first ones.
        #expect(
            primary.log.components(separatedBy: "IXFR of jfleet.test. from serial").count - 1 >= 9, "\(primary.log)")
        let fullTransfers = primary.log.split(separator: "\n").filter {
            $0.contains(" done: ") && $0.contains(" messages")
        }
        #expect(fullTransfers.count == 3, "\(primary.log)")
    }

    /// Validity one minute: the zone is re-signed (new serial, IXFR, NOTIFY) once a quarter and a
    /// little is left, so no secondary ever serves an expired RRSIG.
    @Test func resigningKeepsSecondariesSignaturesValid() throws {
        let setup = try JournalUpdateTests.Setup()
        let work = setup.work
        try work.write("jfleet.test.zone", Self.zone())
        try work.write("sigil.yaml", Self.config(notify: [], validity: "60"))
        // Past the first signatures' expiry (a minute after the primary starts), with a margin.
        let end = Date().addingTimeInterval(66)
        let primary = try SigilServerProcess(["--config", work.path + "/sigil.yaml", "--udp-workers", "1"], in: work)
        let secondaries = try Self.fleet(primary, setup)
        try work.write("sigil.yaml", Self.config(notify: secondaries.map(\.port), validity: "60"))
        primary.signal(SIGHUP)
        #expect(primary.waitForLog("reload done"))
        let first = try #require(Self.serial(primary.port))

        var checks = 0
        while Date() < end {
            let now = Int64(Date().timeIntervalSince1970)
            for secondary in secondaries {
                for (name, type) in [(Self.origin, "SOA"), (Self.origin, "DNSKEY"), ("www." + Self.origin, "A")] {
                    guard
                        let reply = try Kdig.ask(name, type, port: secondary.port, options: ["+dnssec", "+norecurse"])
                    else { continue }
                    for record in reply.message.answers {
                        guard case .rrsig(let rrsig) = record.data else { continue }
                        let left = Int64(Int32(bitPattern: rrsig.expiration &- UInt32(truncatingIfNeeded: now)))
                        #expect(left > 0, "\(secondary.kind) serves an expired RRSIG \(name) \(type)")
                        checks += 1
                    }
                }
            }
            usleep(500_000)
        }
        #expect(checks > 100)
        let last = try #require(Self.serial(primary.port))
        #expect(last > first, "re-signed at least once: \(primary.log)")
        for secondary in secondaries { #expect(secondary.serial(of: Self.origin) == last, "\(secondary.kind)") }
        #expect(primary.log.contains("re-signing for secondaries"))
    }
}
