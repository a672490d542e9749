import Foundation
import SigilTestSupport
import Testing

@testable import SigilServerTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Issue #13, running as a service: the `user:`/`group:` drop after binding, port 53 with only
/// CAP_NET_BIND_SERVICE, and the systemd unit `make install` installs.
@Suite(.requires(.kdig))
struct ServiceTests {
    /// A loopback address for port 53 that no other test or resolver uses.
    static func port53Address() -> String { "127.53.\(Int.random(in: 1...250)).\(Int.random(in: 1...250))" }

    /// Starts `command` (sigil serve, perhaps behind setpriv) in `directory` and waits for its
    /// "listening on" line.
    static func start(_ command: [String], in directory: TemporaryDirectory) throws -> (Process, String) {
        let log = directory.path + "/sigil.log"
        let process = try Subprocess.start(command[0], Array(command.dropFirst()), log: log, in: directory.path)
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline && process.isRunning {
            if String(decoding: Subprocess.readFile(log), as: UTF8.self).contains("listening on") {
                return (process, log)
            }
            usleep(20_000)
        }
        let text = String(decoding: Subprocess.readFile(log), as: UTF8.self)
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        throw Subprocess.Failure("sigil did not start: \(text)")
    }

    /// `Name:\tvalue` lines of /proc/PID/task/TID/status for every thread of `pid`.
    static func threadStatus(_ pid: Int32, _ field: String) -> [String] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.compactMap { task in
            let status = String(decoding: Subprocess.readFile("/proc/\(pid)/task/\(task)/status"), as: UTF8.self)
            return status.split(separator: "\n").first { $0.hasPrefix(field + ":") }
                .map { $0.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces) }
        }
    }

    /// A directory nobody can use: the zone readable, the keys directory its own.
    static func serviceDirectory(serial: Int = 1) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        chmod(directory.path, 0o755)
        try directory.write("it.test.zone", integrationZone(serial: serial))
        chmod(directory.path + "/it.test.zone", 0o644)
        try FileManager.default.createDirectory(atPath: directory.path + "/keys", withIntermediateDirectories: false)
        chown(directory.path + "/keys", 65534, 65534)
        return directory
    }

    /// Started as root with `user: nobody`: binds port 53, then every thread runs as nobody/nogroup with no
    /// supplementary groups before the zone's key is generated (the key file is nobody's), and a reload
    /// (which re-reads the zone) still works.
    @Test(.requires(.root)) func dropsToTheConfiguredUserAfterBinding() throws {
        let directory = try Self.serviceDirectory()
        let address = Self.port53Address()
        try directory.write(
            "sigil.yaml",
            """
            listen: ["127.0.0.1:0", "\(address):53"]
            user: nobody
            group: nogroup
            keys: keys
            zones:
              - origin: it.test
                file: it.test.zone
            """)
        let (process, log) = try Self.start(
            [try SigilBinary.require(), "serve", "--config", directory.path + "/sigil.yaml"], in: directory)
        defer {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let pid = process.processIdentifier
        let uids = Self.threadStatus(pid, "Uid")
        #expect(
            uids.count > 3 && uids.allSatisfy { $0.split(separator: "\t") == ["65534", "65534", "65534", "65534"] },
            "\(uids)")
        #expect(Self.threadStatus(pid, "Gid").allSatisfy { $0.split(separator: "\t").allSatisfy { $0 == "65534" } })
        #expect(Self.threadStatus(pid, "Groups").allSatisfy { $0.isEmpty || $0 == "65534" })
        // The key was generated after the drop.
        let keys = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/keys")
        let privateKey = try #require(keys.first { $0.hasSuffix(".private") })
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.path + "/keys/" + privateKey)
        #expect((attributes[.ownerAccountID] as? NSNumber)?.intValue == 65534)

        let reply = try #require(try Kdig.ask("www.it.test", "A", server: address, port: 53, tcp: true))
        #expect(reply.message.answers.map(\.data.text) == ["192.0.2.80"])

        try directory.write("it.test.zone", integrationZone(serial: 2))
        kill(pid, SIGHUP)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline && !String(decoding: Subprocess.readFile(log), as: UTF8.self).contains("reload done") {
            usleep(50_000)
        }
        let soa = try #require(try Kdig.ask("it.test", "SOA", server: address, port: 53))
        #expect(soa.stdout.contains(" 2 7200 3600"), "\(String(decoding: Subprocess.readFile(log), as: UTF8.self))")
    }

    /// Not root at all: `nobody` with CAP_NET_BIND_SERVICE as its only (ambient) capability binds port 53.
    @Test(.requires(.root, .setpriv)) func bindsPort53WithOnlyTheCapability() throws {
        let directory = try Self.serviceDirectory()
        let address = Self.port53Address()
        let zone = directory.path + "/it.test.zone"
        let (process, _) = try Self.start(
            [
                try #require(Subprocess.find("setpriv")), "--reuid", "nobody", "--regid", "nogroup", "--clear-groups",
                "--inh-caps", "+net_bind_service", "--ambient-caps", "+net_bind_service",
                try SigilBinary.require(), "serve", "--zone", "it.test=\(zone)", "--keys", directory.path + "/keys",
                "--listen", "\(address):53",
            ], in: directory)
        defer {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        #expect(Self.threadStatus(process.processIdentifier, "Uid").first?.hasPrefix("65534") == true)
        #expect(Self.threadStatus(process.processIdentifier, "CapEff").first == "0000000000000400")
        let reply = try #require(try Kdig.ask("www.it.test", "A", server: address, port: 53, tcp: true))
        #expect(reply.message.answers.map(\.data.text) == ["192.0.2.80"])
    }

    /// `make install-service` (part of `make install`) installs dist/sigil.service pointing at the binary,
    /// and `systemd-analyze verify` accepts it without a warning.
    @Test(.requires(.systemdAnalyze, .make)) func systemdUnitVerifies() throws {
        let directory = try TemporaryDirectory()
        let binary = URL(fileURLWithPath: try SigilBinary.require()).deletingLastPathComponent().path
        let make = try Subprocess.run(
            "make",
            [
                "-s", "-C", SigilBinary.packageRoot, "install-service", "DESTDIR=\(directory.path)",
                "BINDIR=\(binary)", "SYSTEMDDIR=/lib/systemd/system",
            ])
        #expect(make.status == 0, "\(make.stderr)")
        let unit = directory.path + "/lib/systemd/system/sigil.service"
        let text = String(decoding: Subprocess.readFile(unit), as: UTF8.self)
        for line in [
            "ExecStart=\(binary)/sigil serve", "Type=exec", "NoNewPrivileges=yes", "ProtectSystem=strict",
            "AmbientCapabilities=CAP_NET_BIND_SERVICE", "ExecReload=/bin/kill -HUP $MAINPID", "ReadWritePaths=",
        ] {
            #expect(text.contains(line), "the unit lacks \(line)")
        }
        let verify = try Subprocess.run("systemd-analyze", ["verify", unit])
        #expect(verify.status == 0 && !verify.stderr.contains("sigil.service"), "\(verify.stderr)")
    }
}
