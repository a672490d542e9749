import DNSSEC
import DNSWire
import Foundation
import SigilTestSupport
import Testing

@testable import SigilServerTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Automatic rollovers in the running server, on an accelerated policy of seconds, judged by a
/// validating Unbound (the zone's KSK DS as trust anchor) that a query loop asks every 200 ms:
/// not one SERVFAIL and not one answer without AD while the ZSK is rolled twice.
@Suite(.requires(.kdig, .unbound, .delv, .dnssecSettime))
struct KeyRolloverTests {
    static let origin = "rollover.test."

    static let zone = """
        $ORIGIN rollover.test.
        $TTL 2
        @    SOA   ns1 hostmaster 1 7200 3600 1209600 2
        @    NS    ns1
        ns1  A     192.0.2.53
        www  A     192.0.2.80

        """

    @Test func zskRolloverKeepsValidating() throws {
        let work = try TemporaryDirectory()
        let file = try work.write("rollover.test.zone", Self.zone)
        // ZSK rollover takes 2+1 (pre-publication) + 2+1 (retirement) = 6 s; lifetime 9 s.
        let config = try work.write(
            "sigil.yaml",
            """
            keys: keys
            zones:
              - origin: rollover.test
                file: \(file)
                dnssec:
                  key-set: ksk-zsk
                  zsk-lifetime: 9
                  ksk-lifetime: 0
                  propagation-delay: 1
                  dnskey-ttl: 2
                  max-zone-ttl: 2

            """)
        let sigil = try SigilServerProcess(["--config", config, "--udp-workers", "1"], in: work)
        let ds = try Subprocess.check(try SigilBinary.require(), ["ds", Self.origin, "--dir", work.path + "/keys"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(ds.split(separator: "\n").count == 1, "one KSK: \(ds)\n\(sigil.log)")
        let unbound = try UnboundProcess(trustAnchor: ds, zone: Self.origin, stubPort: sigil.port, in: work)
        let anchor = try work.write("anchor.conf", DNSSECValidationTests.delvAnchor(ds))

        var failures: [String] = []
        var zsks: Set<String> = []
        var serials: Set<UInt32> = []
        let deadline = Date().addingTimeInterval(16)
        var loops = 0
        while Date() < deadline {
            for (name, type, rcode) in [
                ("www.rollover.test.", "A", RCode.noError), ("nope.rollover.test.", "A", .nxDomain),
                ("rollover.test.", "DNSKEY", .noError),
            ] {
                guard let reply = try Kdig.ask(name, type, port: unbound.port, options: ["+dnssec"]) else {
                    failures.append("\(name) \(type): no answer")
                    continue
                }
                let message = reply.message
                if message.rcode != rcode || !message.header.authenticData {
                    failures.append("\(name) \(type): \(message.rcode) AD=\(message.header.authenticData)")
                }
                for record in message.answers {
                    if case .dnskey(let key) = record.data, key.flags == 256 {
                        zsks.insert(Base64.encode(key.publicKey))
                    }
                }
            }
            if let soa = try Kdig.ask(Self.origin, "SOA", port: sigil.port),
                case .soa(let data) = soa.message.answers.first?.data
            {
                serials.insert(data.serial)
            }
            loops += 1
            usleep(200_000)
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))\n\(unbound.log.suffix(2000))\n\(sigil.log)")
        #expect(loops > 15)
        // At least one rollover ran to its end: two successors seen, each key-set change a new serial.
        #expect(zsks.count >= 2, "\(sigil.log)")
        #expect(serials.count >= 3, "serials \(serials.sorted())\n\(sigil.log)")
        #expect(sigil.log.contains("ZSK rollover started"), "\(sigil.log)")
        // delv, on its own, asking Sigil directly.
        let output = try Subprocess.run(
            "delv",
            ["@127.0.0.1", "-p", "\(sigil.port)", "-a", anchor, "+root=rollover.test", "www.rollover.test", "A"])
        #expect((output.stdout + output.stderr).contains("fully validated"), "\(output.stdout)\(output.stderr)")

        // The timing is BIND's: dnssec-settime reads what Sigil wrote.
        let keys = try FileManager.default.contentsOfDirectory(atPath: work.path + "/keys").filter {
            $0.hasSuffix(".private")
        }
        try #require(keys.count >= 3)
        let retired = try keys.map {
            try Subprocess.check("dnssec-settime", ["-K", work.path + "/keys", "-p", "all", String($0.dropLast(8))])
        }
        #expect(retired.contains { $0.contains("Inactive: ") && !$0.contains("Inactive: UNSET") }, "\(retired)")
        #expect(retired.contains { $0.contains("SYNC Publish: ") && !$0.contains("SYNC Publish: UNSET") }, "\(retired)")

        // `sigil keys list` shows every key with its role and state.
        let list = try Subprocess.check(
            try SigilBinary.require(), ["keys", "list", Self.origin, "--config", config, "--dir", work.path + "/keys"])
        #expect(list.contains("KSK") && list.contains("ZSK") && list.contains("active"), "\(list)")
        print("sigil keys list:\n\(list)\nserials \(serials.sorted()), \(loops) loops\n\(sigil.log)")
    }

    /// A key file deleted mid-rollover (the pre-published successor's) is logged as critical and
    /// the zone goes on serving, and validating, with its last good key set.
    @Test func vanishedKeyKeepsTheLastGoodKeySet() throws {
        let work = try TemporaryDirectory()
        let file = try work.write("rollover.test.zone", Self.zone)
        let config = try work.write(
            "sigil.yaml",
            """
            keys: keys
            zones:
              - origin: rollover.test
                file: \(file)
                dnssec: { zsk-lifetime: 9, ksk-lifetime: 0, propagation-delay: 1, dnskey-ttl: 2, max-zone-ttl: 2 }

            """)
        let keys = work.path + "/keys"
        let sigil = try SigilServerProcess(["--config", config, "--udp-workers", "1"], in: work)
        let ds = try Subprocess.check(try SigilBinary.require(), ["ds", Self.origin, "--dir", keys])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let unbound = try UnboundProcess(trustAnchor: ds, zone: Self.origin, stubPort: sigil.port, in: work)
        try #require(sigil.waitForLog("ZSK rollover started", timeout: 15), "\(sigil.log)")
        let list = try Subprocess.check(
            try SigilBinary.require(), ["keys", "list", Self.origin, "--config", config, "--dir", keys])
        let successor = try #require(
            list.split(separator: "\n").first { $0.contains("ZSK") && $0.contains("published") }?
                .split(separator: " ").first,
            "\(list)")
        let published = try Self.dnskeyTags(port: sigil.port)
        #expect(published.contains(UInt16(successor)!), "\(published) \(list)")
        for name in try FileManager.default.contentsOfDirectory(atPath: keys)
        where name.hasSuffix("+\(String(repeating: "0", count: 5 - successor.count))\(successor).key")
            || name.hasSuffix("+\(String(repeating: "0", count: 5 - successor.count))\(successor).private")
        {
            try FileManager.default.removeItem(atPath: keys + "/" + name)
        }
        try #require(sigil.waitForLog("vanished while the key was in use", timeout: 10), "\(sigil.log)")
        #expect(try Self.dnskeyTags(port: sigil.port) == published, "the last good key set is served")
        for _ in 0..<5 {
            let reply = try #require(try Kdig.ask("www.rollover.test.", "A", port: unbound.port, options: ["+dnssec"]))
            #expect(reply.message.rcode == .noError && reply.message.header.authenticData, "\(reply.stdout)")
            usleep(400_000)
        }
    }

    /// A ZSK rollover done the BIND way, by hand: `dnssec-keygen -P/-A` for the successor and
    /// `dnssec-settime -I/-D` on the old key, then SIGHUP. Sigil follows the times as written
    /// and starts no rollover of its own.
    @Test(.requires(.dnssecKeygen)) func handTimedRolloverIsFollowed() throws {
        let work = try TemporaryDirectory()
        let keys = work.path + "/keys"
        try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
        func keygen(_ arguments: [String]) throws -> String {
            try Subprocess.check(
                "dnssec-keygen", ["-q", "-a", "ECDSAP256SHA256", "-K", keys] + arguments + [Self.origin]
            )
            .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        _ = try keygen(["-f", "KSK"])
        let oldZSK = try keygen([])
        let file = try work.write("rollover.test.zone", Self.zone)
        let config = try work.write(
            "sigil.yaml",
            """
            keys: keys
            zones:
              - origin: rollover.test
                file: \(file)
                dnssec: { zsk-lifetime: 0, ksk-lifetime: 0, propagation-delay: 1, dnskey-ttl: 2, max-zone-ttl: 2 }

            """)
        let sigil = try SigilServerProcess(["--config", config, "--udp-workers", "1"], in: work)
        let before = try Self.dnskeyTags(port: sigil.port)
        #expect(before.count == 2, "\(sigil.log)")

        let newZSK = try keygen(["-P", "now", "-A", "now+3"])
        try Subprocess.check("dnssec-settime", ["-K", keys, "-I", "now+3", "-D", "now+6", oldZSK])
        sigil.signal(SIGHUP)
        let newTag = UInt16(newZSK.split(separator: "+").last!)!
        let oldTag = UInt16(oldZSK.split(separator: "+").last!)!
        func wwwSigners() throws -> Set<UInt16> {
            Set(
                try Kdig.ask("www.rollover.test.", "A", port: sigil.port, options: ["+dnssec"])?.message.answers
                    .compactMap { record -> UInt16? in
                        guard case .rrsig(let sig) = record.data else { return nil }
                        return sig.keyTag
                    } ?? [])
        }
        try #require(sigil.waitForLog("reload done"), "\(sigil.log)")
        #expect(try Self.dnskeyTags(port: sigil.port) == before.union([newTag]), "published at once")
        #expect(try wwwSigners() == [oldTag], "the new ZSK does not sign before its Activate")
        usleep(4_000_000)
        #expect(try wwwSigners() == [newTag], "\(sigil.log)")
        usleep(3_000_000)
        #expect(try Self.dnskeyTags(port: sigil.port) == before.subtracting([oldTag]).union([newTag]), "\(sigil.log)")
        #expect(!sigil.log.contains("rollover started"), "\(sigil.log)")
    }

    /// A KSK rollover without parent servers: started by `sigil keys roll --ksk`, it waits for the
    /// DS until `sigil keys submitted` says so, then retires the old KSK (both commands reach the
    /// server by SIGHUP through `--server-pid`).
    @Test func kskRolloverConfirmedByHand() throws {
        let work = try TemporaryDirectory()
        let file = try work.write("rollover.test.zone", Self.zone)
        let config = try work.write(
            "sigil.yaml",
            """
            keys: keys
            zones:
              - origin: rollover.test
                file: \(file)
                dnssec:
                  zsk-lifetime: 0
                  ksk-lifetime: 0
                  propagation-delay: 1
                  dnskey-ttl: 2
                  max-zone-ttl: 2
                  parent: { ds-ttl: 1 }

            """)
        let sigil = try SigilServerProcess(["--config", config, "--udp-workers", "1"], in: work)
        let before = try Self.dnskeyTags(port: sigil.port)
        let common = ["rollover.test", "--config", config, "--dir", work.path + "/keys"]
        let pid = ["--server-pid", "\(sigil.process.processIdentifier)"]
        let sigilPath = try SigilBinary.require()
        // The first KSK's DS is taken as given.
        try Subprocess.check(sigilPath, ["keys", "submitted"] + common + pid)
        let roll = try Subprocess.check(sigilPath, ["keys", "roll", "--ksk"] + common + pid)
        #expect(roll.contains("KSK rollover started"), "\(roll)")
        #expect(try Subprocess.run(sigilPath, ["keys", "roll", "--ksk"] + common).status != 0, "one at a time")
        usleep(4_000_000)
        let list = try Subprocess.check(sigilPath, ["keys", "list"] + common)
        #expect(list.contains("CDS (DS awaited)"), "\(list)")
        #expect(try Self.dnskeyTags(port: sigil.port).count == 3, "\(sigil.log)")
        usleep(2_000_000)
        #expect(try Self.dnskeyTags(port: sigil.port).count == 3, "nothing retired before the DS: \(sigil.log)")
        let submitted = try Subprocess.check(sigilPath, ["keys", "submitted"] + common + pid)
        #expect(submitted.contains("seen at the parent"), "\(submitted)")
        usleep(3_500_000)
        let after = try Self.dnskeyTags(port: sigil.port)
        #expect(after.count == 2 && after != before, "\(before) → \(after)\n\(sigil.log)")
    }

    static func dnskeyTags(port: UInt16) throws -> Set<UInt16> {
        Set(
            try Kdig.ask(origin, "DNSKEY", port: port)?.message.answers.compactMap { record -> UInt16? in
                guard case .dnskey(let key) = record.data else { return nil }
                return DNSKEYData(
                    flags: key.flags, algorithm: DNSSECAlgorithm(rawValue: key.algorithm), publicKey: key.publicKey
                ).keyTag
            } ?? [])
    }

    /// A lifetime too short for the TTLs and delays it must wait out stops the server, naming it.
    @Test func impossiblePolicyIsAConfigError() throws {
        let work = try TemporaryDirectory()
        let file = try work.write("rollover.test.zone", Self.zone)
        let config = try work.write(
            "sigil.yaml",
            """
            zones:
              - origin: rollover.test
                file: \(file)
                dnssec: { zsk-lifetime: 1h, propagation-delay: 1h, dnskey-ttl: 1h }

            """)
        let result = try Subprocess.run(
            try SigilBinary.require(), ["serve", "--config", config, "--listen", "127.0.0.1:0"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("zones[0].dnssec.zsk-lifetime"), "\(result.stderr)")
    }
}
