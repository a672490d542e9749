import DNSSEC
import DNSWire
import Foundation
import SigilTestSupport
import Synchronization
import Testing

@testable import SigilServerTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The acceptance test of automatic rollovers, the whole chain of trust: the parent `test.` is
/// served and signed by Knot with the child's DS; `rollover.test` by Sigil on an accelerated
/// policy of seconds; a registry script copies the child's CDS into the parent's DS (`knotc
/// zone-set`); a validating Unbound trusts only the parent's key. A query loop asks Unbound every
/// 200 ms for a name, an NXDOMAIN and the DNSKEY RRset and must see 0 SERVFAIL and 0 answers
/// without AD from start to end of each rollover; delv must say "fully validated" at each new
/// serial. The KSK run kills and restarts Sigil mid-rollover. One instance per rollover, in
/// parallel.
@Suite(.requires(.kdig, .knotd, .unbound, .delv, .bash, .ldnsVerifyZone))
struct KeyRolloverParentTests {
    static let child = "rollover.test."

    static let zone = """
        $ORIGIN rollover.test.
        $TTL 2
        @    SOA   ns1 hostmaster 1 7200 3600 1209600 2
        @    NS    ns1
        ns1  A     127.0.0.1
        www  A     192.0.2.80

        """

    enum Rollover: String, CaseIterable, Sendable {
        case zsk, ksk, csk, algorithm
    }

    static func policy(_ rollover: Rollover, algorithm: String, parent: UInt16?) -> String {
        let keySet = rollover == .csk ? "csk" : "ksk-zsk"
        let zskLifetime = rollover == .zsk ? "8" : "0"
        let servers = parent.map { "\n      parent: { servers: [\"127.0.0.1:\($0)\"], ds-ttl: 2 }" } ?? ""
        return """
                dnssec:
                  algorithm: \(algorithm)
                  key-set: \(keySet)
                  zsk-lifetime: \(zskLifetime)
                  ksk-lifetime: 0
                  propagation-delay: 1
                  dnskey-ttl: 2
                  max-zone-ttl: 2\(servers)
            """
    }

    /// The four rollovers at once, each on its own thread with its own peers: the integration run
    /// is serial (`--no-parallel`), and each rollover mostly waits for TTLs.
    @Test func rolloversValidateThroughout() throws {
        let results = Mutex<[Rollover: Result<[String], any Error>]>([:])
        let threads = Rollover.allCases.map { rollover in
            Thread {
                let result = Result { try Self.run(rollover) }
                results.withLock { $0[rollover] = result }
            }
        }
        for thread in threads { thread.start() }
        while results.withLock({ $0.count }) < Rollover.allCases.count { usleep(100_000) }
        for rollover in Rollover.allCases {
            switch results.withLock({ $0[rollover]! }) {
            case .success(let failures):
                #expect(failures.isEmpty, "\(rollover) rollover:\n\(failures.joined(separator: "\n"))")
            case .failure(let error):
                Issue.record("\(rollover) rollover: \(error)")
            }
        }
    }

    /// One rollover from start to end; what went wrong, as messages.
    static func run(_ rollover: Rollover) throws -> [String] {
        var failures: [String] = []
        func check(_ condition: Bool, _ message: @autoclosure () -> String) {
            if !condition { failures.append(message()) }
        }
        let work = try TemporaryDirectory()
        let file = try work.write("rollover.test.zone", Self.zone)
        func config(algorithm: String = "ecdsap256sha256", parent: UInt16?) throws -> String {
            try work.write(
                "sigil.yaml",
                """
                keys: keys
                zones:
                  - origin: rollover.test
                    file: \(file)
                \(Self.policy(rollover, algorithm: algorithm, parent: parent))

                """)
        }
        let configPath = try config(parent: nil)
        var sigil = try SigilServerProcess(["--config", configPath, "--udp-workers", "1"], in: work)
        let sigilPort = sigil.port
        let ds = try Subprocess.check(try SigilBinary.require(), ["ds", Self.child, "--dir", work.path + "/keys"])
            .split(separator: "\n").map { $0.split(separator: " ").dropFirst(3).joined(separator: " ") }
        guard ds.count == 1 else { throw Subprocess.Failure("\(ds)\n\(sigil.log)") }

        let knot = try KnotParent(childDS: ds, in: work)
        // Now Sigil can ask the parent for the DS.
        _ = try config(parent: knot.port)
        sigil.signal(SIGHUP)
        guard sigil.waitForLog("reload done") else { throw Subprocess.Failure("no reload: \(sigil.log)") }

        let unbound = try UnboundProcess(
            trustAnchor: "test. DNSKEY \(try knot.ksk())", zone: "test.", stubPort: knot.port, in: work,
            // A second stub, for the child, after the server: lines.
            options: ["stub-zone:", "  name: \"rollover.test.\"", "  stub-addr: 127.0.0.1@\(sigilPort)", "server:"])
        let registry = try Registry(sigilPort: sigilPort, knot: knot, in: work)
        let anchor = try work.write(
            "anchor.conf",
            "trust-anchors {\n  \"test.\" static-key \(try knot.ksk().replacingOccurrences(of: "3 13 ", with: "3 13 \"", options: [], range: nil))\";\n};\n"
        )

        let loop = ValidationLoop(port: unbound.port)
        loop.start()
        defer { loop.stop() }
        usleep(600_000)

        let initial = try Self.dnskeys(port: sigilPort)
        switch rollover {
        case .zsk: break
        case .ksk, .csk:
            try Subprocess.check(
                try SigilBinary.require(),
                [
                    "keys", "roll", Self.child, "--ksk", "--config", configPath, "--dir", work.path + "/keys",
                    "--server-pid", "\(sigil.process.processIdentifier)",
                ])
        case .algorithm:
            _ = try config(algorithm: "ed25519", parent: knot.port)
            sigil.signal(SIGHUP)
        }

        var delvFailures: [String] = []
        var serials: Set<UInt32> = []
        var restarted = false
        var servedBeforeRestart: UInt32? = nil
        var servedAfterRestart: UInt32? = nil
        var done = false
        var history: [Observation] = []
        var cacheFailures: [String] = []
        let deadline = Date().addingTimeInterval(45)
        while Date() < deadline && !done {
            usleep(200_000)
            guard let soa = try Kdig.ask(Self.child, "SOA", port: sigilPort),
                case .soa(let data) = soa.message.answers.first?.data
            else { continue }
            if restarted && servedAfterRestart == nil { servedAfterRestart = data.serial }
            if serials.insert(data.serial).inserted {
                let output = try Subprocess.run(
                    "delv",
                    ["@127.0.0.1", "-p", "\(unbound.port)", "-a", anchor, "+root=test", "www.rollover.test", "A"])
                if !(output.stdout + output.stderr).contains("fully validated") {
                    delvFailures.append("serial \(data.serial): \(output.stdout)\(output.stderr)")
                }
            }
            let keys = try Self.dnskeys(port: sigilPort)
            let sep = keys.filter { $0.flags & 1 == 1 }
            if let observation = try Self.observe(sigilPort: sigilPort, knotPort: knot.port) {
                cacheFailures += Self.cacheCheck(observation, history: history)
                history.append(observation)
            }
            // Mid-rollover (two KSKs published), kill Sigil and start it again on the same port.
            if rollover == .ksk, !restarted, sep.count == 2 {
                restarted = true
                servedBeforeRestart = data.serial
                sigil.signal(SIGKILL)
                _ = sigil.waitForExit()
                sigil = try SigilServerProcess(
                    ["--config", configPath, "--udp-workers", "1", "--listen", "127.0.0.1:\(sigilPort)"], in: work,
                    listen: false)
            }
            switch rollover {
            case .zsk:
                let zsks = keys.filter { $0.flags == 256 }
                let first = initial.filter { $0.flags == 256 }
                done = zsks.count == 1 && Set(zsks) != Set(first) && serials.count >= 4
            case .ksk, .csk:
                done = sep.count == 1 && Set(sep) != Set(initial.filter { $0.flags & 1 == 1 })
            case .algorithm:
                let sigs =
                    try Kdig.ask(Self.child, "SOA", port: sigilPort, options: ["+dnssec"])?.message.answers
                    .compactMap { record -> UInt8? in
                        if case .rrsig(let sig) = record.data { return sig.algorithm }
                        return nil
                    } ?? []
                done =
                    !keys.isEmpty && keys.allSatisfy { $0.algorithm == 15 } && sigs.allSatisfy { $0 == 15 }
                    && !sigs.isEmpty
            }
        }
        usleep(1_000_000)
        loop.stop()
        check(done, "\(rollover) rollover did not finish\n\(sigil.log)\n\(registry.log)")
        if rollover == .ksk {
            check(restarted, "the server was restarted mid-rollover")
            // The serial is kept beside the keys: a restart goes on above it.
            if let before = servedBeforeRestart, let after = servedAfterRestart {
                check(after > before, "serial \(before) before the restart, \(after) after")
            }
        }
        let summary = loop.summary
        check(summary.queries >= 30, "\(summary.queries) queries")
        check(
            summary.failures.isEmpty,
            "\(summary.failures.prefix(10))\n\(sigil.log)\n\(registry.log)\n\(unbound.log.suffix(3000))")
        check(delvFailures.isEmpty, "\(delvFailures)")
        check(history.count >= 8, "\(history.count) observations of Sigil and the parent")
        check(cacheFailures.isEmpty, "\(cacheFailures.prefix(10).joined(separator: "\n"))")
        check(serials.count >= 2, "delv ran at each key-set change: serials \(serials.sorted())")
        if rollover != .zsk {
            check(registry.log.contains("DS now"), "\(registry.log)")
            check(sigil.log.contains("seen at the parent"), "\(sigil.log)")
        }

        // The offline signer's output over the same keys passes ldns-verify-zone.
        let signed = work.path + "/signed.zone"
        try Subprocess.check(
            try SigilBinary.require(), ["sign", Self.child, file, "--dir", work.path + "/keys", "-o", signed])
        let verify = try Subprocess.run("ldns-verify-zone", [signed])
        check(verify.succeeded, "\(verify.stdout)\(verify.stderr)")
        registry.stop()
        return failures
    }

    /// What a resolver could have cached at one moment: the child's DNSKEY set, the keys signing
    /// it and `www`, and the parent's DS set; keys as (algorithm, tag).
    struct Observation {
        var time: Double
        var dnskeys: Set<[UInt16]>
        var dnskeySigners: Set<[UInt16]>
        var dataSigners: Set<[UInt16]>
        var parentDS: Set<[UInt16]>
    }

    static func observe(sigilPort: UInt16, knotPort: UInt16) throws -> Observation? {
        let time = Date().timeIntervalSince1970
        guard let dnskey = try Kdig.ask(child, "DNSKEY", port: sigilPort, options: ["+dnssec"])?.message,
            let www = try Kdig.ask("www.rollover.test.", "A", port: sigilPort, options: ["+dnssec"])?.message,
            let ds = try Kdig.ask(child, "DS", port: knotPort, options: ["+dnssec"])?.message
        else { return nil }
        func signers(_ message: Message) -> Set<[UInt16]> {
            Set(
                message.answers.compactMap { record -> [UInt16]? in
                    guard case .rrsig(let sig) = record.data else { return nil }
                    return [UInt16(sig.algorithm), sig.keyTag]
                })
        }
        let keys = Set(
            dnskey.answers.compactMap { record -> [UInt16]? in
                guard case .dnskey(let key) = record.data else { return nil }
                let data = DNSKEYData(
                    flags: key.flags, algorithm: DNSSECAlgorithm(rawValue: key.algorithm), publicKey: key.publicKey)
                return [UInt16(key.algorithm), data.keyTag]
            })
        let parent = Set(
            ds.answers.compactMap { record -> [UInt16]? in
                guard case .ds(let ds) = record.data else { return nil }
                return [UInt16(ds.algorithm), ds.keyTag]
            })
        guard !keys.isEmpty, !parent.isEmpty else { return nil }
        return Observation(
            time: time, dnskeys: keys, dnskeySigners: signers(dnskey), dataSigners: signers(www), parentDS: parent)
    }

    /// The rollover timing judged from outside, stricter than a resolver that refetches on
    /// failure: against everything a cache may still hold from the last TTL (2 s), `www` must be
    /// signed by a key of each DNSKEY set served meanwhile (pre-publication), each signature
    /// served meanwhile must have a key still published (retirement), and the DNSKEY RRset must
    /// be signed by a key of each DS set the parent served meanwhile (double-DS).
    static func cacheCheck(_ now: Observation, history: [Observation]) -> [String] {
        var failures: [String] = []
        for then in history where now.time - then.time < 2 {
            let age = String(format: "%.1f s", now.time - then.time)
            if now.dataSigners.isDisjoint(with: then.dnskeys) {
                failures.append(
                    "www signed by \(now.dataSigners.sorted { $0.lexicographicallyPrecedes($1) }), none in the DNSKEY set of \(age) ago \(then.dnskeys)"
                )
            }
            if then.dataSigners.isDisjoint(with: now.dnskeys) {
                failures.append("www signatures of \(age) ago by \(then.dataSigners), none still published")
            }
            if now.dnskeySigners.isDisjoint(with: then.parentDS) {
                failures.append(
                    "DNSKEY signed by \(now.dnskeySigners), none in the parent's DS set of \(age) ago \(then.parentDS)")
            }
        }
        return failures
    }

    /// The child's DNSKEY RRset, asked of Sigil directly.
    static func dnskeys(port: UInt16) throws -> [DNSKEY] {
        try Kdig.ask(child, "DNSKEY", port: port)?.message.answers.compactMap { record -> DNSKEY? in
            if case .dnskey(let key) = record.data { return key }
            return nil
        } ?? []
    }
}

/// Knot serving and signing the parent `test.` (its own KASP, one CSK), with the child's
/// delegation and DS; `knotc` reaches it through its control socket.
final class KnotParent {
    let process: Process
    let port: UInt16
    let socket: String
    let logPath: String

    init(childDS: [String], in work: TemporaryDirectory) throws {
        let directory = work.path + "/knot"
        try FileManager.default.createDirectory(atPath: directory + "/db", withIntermediateDirectories: true)
        try
            ("""
        $ORIGIN test.
        $TTL 2
        @ SOA ns1 hostmaster 1 7200 3600 1209600 2
        @ NS ns1
        ns1 A 127.0.0.1
        rollover NS ns1.rollover
        ns1.rollover A 127.0.0.1

        """ + childDS.map { "rollover 2 DS \($0)\n" }.joined()).write(
            toFile: directory + "/test.zone", atomically: true, encoding: .utf8)
        socket = directory + "/knot.sock"
        logPath = directory + "/knot.log"
        let socket = self.socket
        let logPath = self.logPath
        (process, port) = try PeerPort.start { port -> (Process, UInt16) in
            let config = directory + "/knot.conf"
            try """
            server:
              rundir: \(directory)
              listen: 127.0.0.1@\(port)
            log:
              - target: stderr
                any: info
            database:
              storage: \(directory)/db
            control:
              listen: \(socket)
            policy:
              - id: fast
                algorithm: ecdsap256sha256
                single-type-signing: on
                dnskey-ttl: 2
                zone-max-ttl: 2
                propagation-delay: 0
                ksk-lifetime: 0
                zsk-lifetime: 0
            template:
              - id: default
                storage: \(directory)
                file: "%s.zone"
                zonefile-sync: -1
            zone:
              - domain: test.
                dnssec-signing: on
                dnssec-policy: fast

            """.write(toFile: config, atomically: true, encoding: .utf8)
            let process = try Subprocess.start(
                try Subprocess.find("knotd").orThrow("knotd"), ["-c", config], log: logPath)
            let deadline = Date().addingTimeInterval(15)
            while Date() < deadline, process.isRunning {
                if let reply = try? Kdig.ask("test.", "DNSKEY", port: port), !reply.message.answers.isEmpty {
                    return (process, port)
                }
                usleep(50_000)
            }
            if process.isRunning {
                kill(process.processIdentifier, SIGTERM)
                process.waitUntilExit()
            }
            let log = String(decoding: Subprocess.readFile(logPath), as: UTF8.self)
            if PeerPort.bindFailed(log) || log.contains("cannot bind") { throw PeerPort.InUse(port: port, log: log) }
            throw Subprocess.Failure("knotd did not start: \(log)")
        }
    }

    deinit {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }

    /// The parent's SEP key as `257 3 13 BASE64`, for trust anchors.
    func ksk() throws -> String {
        guard let reply = try Kdig.ask("test.", "DNSKEY", port: port) else {
            throw Subprocess.Failure("Knot did not answer for test. DNSKEY")
        }
        for record in reply.message.answers {
            if case .dnskey(let key) = record.data, key.flags == 257 {
                return "257 3 \(key.algorithm) \(Base64.encode(key.publicKey))"
            }
        }
        throw Subprocess.Failure("Knot published no KSK for test.")
    }
}

/// The registry: a shell script that polls the child's CDS and, when it changes, replaces the
/// parent's DS with it in one `knotc` transaction.
final class Registry {
    let process: Process
    let logPath: String

    init(sigilPort: UInt16, knot: KnotParent, in work: TemporaryDirectory) throws {
        let knotc = "knotc -s \(knot.socket)"
        let script = try work.write(
            "registry.sh",
            """
            last=""
            while sleep 0.3; do
              cds=$(kdig @127.0.0.1 -p \(sigilPort) +short +norecurse +timeout=1 +retry=0 rollover.test. CDS | sort)
              [ -z "$cds" ] && continue
              [ "$cds" = "$last" ] && continue
              \(knotc) zone-begin test. >/dev/null || continue
              \(knotc) zone-unset test. rollover DS >/dev/null
              while read -r rdata; do \(knotc) zone-set test. rollover 2 DS $rdata >/dev/null; done <<< "$cds"
              if \(knotc) zone-commit test. >/dev/null; then
                last="$cds"
                echo "DS now: $(echo $cds)"
              else
                \(knotc) zone-abort test. >/dev/null
              fi
            done

            """)
        logPath = work.path + "/registry.log"
        process = try Subprocess.start(try Subprocess.find("bash").orThrow("bash"), [script], log: logPath)
    }

    var log: String { String(decoding: Subprocess.readFile(logPath), as: UTF8.self) }

    /// SIGKILL: a shell started by the test runner may have SIGTERM ignored, which it cannot undo.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// Asks a validating resolver every 200 ms for a positive name, an NXDOMAIN and the DNSKEY
/// RRset, on its own thread, and counts every answer that is not the expected rcode with AD.
final class ValidationLoop: @unchecked Sendable {
    let port: UInt16
    private let state = Mutex<(queries: Int, failures: [String], running: Bool)>((0, [], false))
    private var thread: Thread?

    init(port: UInt16) { self.port = port }

    func start() {
        state.withLock { $0.running = true }
        let thread = Thread { [self] in
            while state.withLock({ $0.running }) {
                for (name, type, rcode) in [
                    ("www.rollover.test.", "A", RCode.noError), ("nope.rollover.test.", "A", .nxDomain),
                    ("rollover.test.", "DNSKEY", .noError),
                ] {
                    let reply = try? Kdig.ask(name, type, port: port, options: ["+dnssec", "+timeout=3"])
                    let time = ISO8601DateFormatter().string(from: Date())
                    state.withLock { state in
                        state.queries += 1
                        guard let message = reply?.message else {
                            state.failures.append("\(time) \(name) \(type): no answer")
                            return
                        }
                        if message.rcode != rcode || !message.header.authenticData {
                            state.failures.append(
                                "\(time) \(name) \(type): \(message.rcode) AD=\(message.header.authenticData)")
                        }
                    }
                }
                usleep(200_000)
            }
            state.withLock { $0.running = false }
        }
        self.thread = thread
        thread.start()
    }

    func stop() {
        state.withLock { $0.running = false }
        while thread?.isExecuting == true { usleep(10_000) }
    }

    var summary: (queries: Int, failures: [String]) { state.withLock { ($0.queries, $0.failures) } }
}
