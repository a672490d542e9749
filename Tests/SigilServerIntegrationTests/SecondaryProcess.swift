import DNSWire
import Foundation
import SigilTestSupport

@testable import SigilServerTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A secondary nameserver (NSD, Knot or BIND's named) run in the foreground with its own
/// configuration and state in a test's temporary directory, transferring one zone from a primary
/// with a TSIG key. Stopped when the value goes away.
final class SecondaryProcess {
    enum Kind: String, CaseIterable {
        case nsd, knot, bind
    }

    let kind: Kind
    let process: Process
    let port: UInt16
    let logPath: String

    /// Starts `kind` on a free loopback port (`PeerPort`), secondary for `zone` from the primary at
    /// 127.0.0.1:`primaryPort`, with the key `keyName`/`secret` (hmac-sha256) for transfers and
    /// NOTIFY. It does not wait for the zone: see ``waitForSerial(_:zone:timeout:)``.
    /// `ixfr`: NSD asks for IXFR first too (Knot and BIND always do).
    init(
        _ kind: Kind, zone: String, primaryPort: UInt16, keyName: String, secret: String,
        in directory: TemporaryDirectory, ixfr: Bool = false
    ) throws {
        self.kind = kind
        (process, port, logPath) = try PeerPort.start { port in
            try Self.launch(
                kind, zone: zone, primaryPort: primaryPort, keyName: keyName, secret: secret, port: port,
                in: directory, ixfr: ixfr)
        }
    }

    private static func launch(
        _ kind: Kind, zone: String, primaryPort: UInt16, keyName: String, secret: String, port: UInt16,
        in directory: TemporaryDirectory, ixfr: Bool
    ) throws -> (Process, UInt16, String) {
        let state = directory.path + "/\(kind)-\(port)"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let logPath = state + "/log"
        let bare = zone.hasSuffix(".") ? String(zone.dropLast()) : zone
        let program: String
        let arguments: [String]
        switch kind {
        case .nsd:
            let config = try directory.write(
                "nsd-\(port).conf",
                """
                server:
                  ip-address: 127.0.0.1@\(port)
                  port: \(port)
                  do-ip6: no
                  server-count: 1
                  username: ""
                  chroot: ""
                  zonesdir: "\(state)"
                  database: ""
                  zonelistfile: "\(state)/zone.list"
                  xfrdfile: "\(state)/xfrd.state"
                  xfrdir: "\(state)"
                  pidfile: "\(state)/nsd.pid"
                  logfile: "\(logPath)"
                  verbosity: 2
                remote-control:
                  control-enable: no
                key:
                  name: "\(keyName)"
                  algorithm: hmac-sha256
                  secret: "\(secret)"
                zone:
                  name: "\(bare)"
                  zonefile: "\(bare).zone"
                  request-xfr: \(ixfr ? "" : "AXFR ")127.0.0.1@\(primaryPort) \(keyName)
                  allow-notify: 127.0.0.1 \(keyName)

                """)
            program = "nsd"
            arguments = ["-d", "-c", config]
        case .knot:
            let config = try directory.write(
                "knot-\(port).conf",
                """
                server:
                  rundir: "\(state)"
                  listen: 127.0.0.1@\(port)
                  udp-workers: 1
                  tcp-workers: 1
                  background-workers: 1
                log:
                  - target: stderr
                    any: info
                database:
                  storage: "\(state)"
                key:
                  - id: \(keyName)
                    algorithm: hmac-sha256
                    secret: \(secret)
                remote:
                  - id: primary
                    address: 127.0.0.1@\(primaryPort)
                    key: \(keyName)
                acl:
                  - id: notify-from-primary
                    address: 127.0.0.1
                    key: \(keyName)
                    action: notify
                zone:
                  - domain: \(bare)
                    storage: "\(state)"
                    file: "\(bare).zone"
                    master: primary
                    acl: notify-from-primary
                    zonefile-sync: -1
                    journal-content: none

                """)
            program = "knotd"
            arguments = ["-c", config]
        case .bind:
            let config = try directory.write(
                "named-\(port).conf",
                """
                options {
                  directory "\(state)";
                  listen-on port \(port) { 127.0.0.1; };
                  listen-on-v6 { none; };
                  pid-file "\(state)/named.pid";
                  session-keyfile "\(state)/session.key";
                  managed-keys-directory "\(state)";
                  recursion no;
                  dnssec-validation no;
                  notify no;
                };
                controls { };
                key "\(keyName)" { algorithm hmac-sha256; secret "\(secret)"; };
                server 127.0.0.1 { keys { "\(keyName)"; }; };
                zone "\(bare)" {
                  type secondary;
                  primaries port \(primaryPort) { 127.0.0.1 key "\(keyName)"; };
                  file "\(bare).zone";
                };

                """)
            program = "named"
            arguments = ["-g", "-n", "1", "-c", config]
        }
        let process = try Subprocess.start(
            try Subprocess.find(program).orThrow(program), arguments, log: logPath)
        // Up when it answers anything on its port (the zone may not be there yet).
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if process.isRunning,
                (try? Kdig.ask(".", "SOA", port: port, options: ["+timeout=1", "+norecurse"])) != nil
            {
                return (process, port, logPath)
            }
            guard process.isRunning else { break }
            usleep(50_000)
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let log = String(decoding: Subprocess.readFile(logPath), as: UTF8.self)
        if PeerPort.bindFailed(log) { throw PeerPort.InUse(port: port, log: log) }
        throw Subprocess.Failure("\(program) did not start: \(log)")
    }

    deinit { stop() }

    var log: String { String(decoding: Subprocess.readFile(logPath), as: UTF8.self) }

    /// The serial it serves for `zone` (authoritatively), or nil.
    func serial(of zone: String) -> UInt32? {
        guard let reply = try? Kdig.ask(zone, "SOA", port: port, options: ["+timeout=1", "+norecurse"]),
            reply.message.header.authoritative,
            let soa = reply.message.answers.first(where: { $0.type == .soa }),
            case .soa(let data) = soa.data
        else { return nil }
        return data.serial
    }

    /// Waits until it serves `zone` with at least `serial`; the time it took, or nil on timeout.
    func waitForSerial(_ serial: UInt32, zone: String, timeout: Double) -> Double? {
        let start = Date()
        while Date().timeIntervalSince(start) < timeout {
            if let served = self.serial(of: zone), served >= serial { return Date().timeIntervalSince(start) }
            usleep(20_000)
        }
        return nil
    }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
