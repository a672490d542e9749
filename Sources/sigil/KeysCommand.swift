import ArgumentParser
import DNSSEC
import DNSWire
import Foundation
import KeyManager
import SigilServer

#if canImport(Glibc)
import Glibc
#endif

/// `sigil keys list|roll|submitted ORIGIN`: the key rollover state of a zone under a policy, read
/// from and written to the key files' timing. The running server learns of `roll` and
/// `submitted` on SIGHUP: `--server-pid PID` sends it, or run `kill -HUP` yourself.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Show and steer a zone's key rollovers.",
        subcommands: [List.self, Roll.self, Submitted.self])

    struct Options: ParsableArguments {
        @Argument(help: "The zone's name, e.g. example.com.") var origin: String
        @Option(help: "The server's configuration file (for the zone's policy and key directory).")
        var config: String?
        @Option(help: "The key directory (default: the configuration's `keys:`, else keys).") var dir: String?

        /// The zone, its key directory, and its policy (nil without `dnssec:` policy keys).
        func zone() throws -> (DNSName, String, KeyPolicy?) {
            let name = try DNSName(typed: origin)
            let source = ConfigSource(configPath: config, overrides: ServeOverrides())
            let server = try source.load()
            let zone = server.zones.first { $0.origin == name }
            let policy = zone.flatMap { zone in zone.dnssec.policy?.policy(algorithm: zone.dnssec.algorithm) }
            return (name, dir ?? server.keysDirectory, policy)
        }

        func manager() throws -> ZoneKeyManager {
            let (name, directory, policy) = try zone()
            guard let policy else {
                throw CommandFailure("\(name.text) has no rollover policy in the configuration (dnssec: key-set, ...)")
            }
            return ZoneKeyManager(zone: name, directory: directory, policy: policy)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A table of the zone's keys: tag, role, algorithm, state, next event.")
        @OptionGroup var options: Options

        func run() throws {
            let (name, directory, policy) = try options.zone()
            let manager = ZoneKeyManager(zone: name, directory: directory, policy: policy ?? KeyPolicy())
            let (keys, _) = try manager.load()
            guard !keys.isEmpty else { throw CommandFailure("no keys for \(name.text) in \(directory)") }
            let now = Int64(time(nil))
            let planner = manager.planner
            let roles = planner.roles(keys, now: now)
            var rows = [["TAG", "ROLE", "ALGORITHM", "STATE", "NEXT EVENT (UTC)"]]
            for key in keys {
                rows.append([
                    "\(key.id.tag)", planner.role(key).rawValue, "\(key.id.algorithm)",
                    planner.state(key, roles: roles[key.id], now: now), planner.nextEvent(of: key, now: now) ?? "-",
                ])
            }
            let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max()! }
            for row in rows {
                print(
                    zip(row, widths).map { $0.0.padding(toLength: $0.1, withPad: " ", startingAt: 0) }
                        .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
            }
        }
    }

    struct Roll: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start a ZSK or KSK (CSK) rollover now.")
        @OptionGroup var options: Options
        @Flag(help: "Roll the zone-signing key.") var zsk = false
        @Flag(help: "Roll the key-signing key (the CSK with key-set: csk).") var ksk = false
        @Option(help: "Send SIGHUP to this server process so it acts at once.") var serverPid: Int32?

        func run() throws {
            guard zsk != ksk else { throw CommandFailure("give one of --zsk and --ksk") }
            let manager = try options.manager()
            let role: KeyRole = zsk ? .zsk : (manager.planner.policy.keySet == .csk ? .csk : .ksk)
            let set = try manager.run(now: Int64(time(nil)), roll: [role])
            guard !set.steps.isEmpty else {
                throw CommandFailure("a \(role.rawValue) rollover is already under way; see sigil keys list")
            }
            for step in set.steps { print(step) }
            try signal(serverPid)
        }
    }

    struct Submitted: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Confirm by hand that the parent publishes the DS that CDS points at.")
        @OptionGroup var options: Options
        @Option(help: "Send SIGHUP to this server process so it acts at once.") var serverPid: Int32?

        func run() throws {
            let manager = try options.manager()
            let set = try manager.run(now: Int64(time(nil)), dsSeen: true)
            guard !set.steps.isEmpty else { throw CommandFailure("no key is waiting for its DS") }
            for step in set.steps { print(step) }
            try signal(serverPid)
        }
    }
}

/// Tells a running server to re-read its keys, or says how to.
private func signal(_ pid: Int32?) throws {
    guard let pid else {
        print("the key files are updated; a running server acts on them after SIGHUP (kill -HUP <pid>)")
        return
    }
    guard kill(pid, SIGHUP) == 0 else {
        throw CommandFailure("cannot signal process \(pid): \(String(cString: strerror(errno)))")
    }
    print("sent SIGHUP to \(pid)")
}
