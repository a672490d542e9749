import Foundation
import SigilTestSupport
import Testing

@testable import SigilServerTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Runs docs/dane-lab.md: every ```sh block, in order, as one bash script with `set -eu -o
/// pipefail`, against the built `sigil` on a free loopback port and the lab's validating Unbound
/// on another. A guide command that stops working fails this test; so does a guide whose signed
/// zone stops validating (delv's "; fully validated", Unbound's AD flag).
@Suite(.requires(.kdig, .openssl, .python3, .bash, .delv, .unbound, .unboundCheckconf))
struct DANELabGuideTests {
    static let guide = SigilBinary.packageRoot + "/docs/dane-lab.md"

    /// The contents of the ```sh blocks.
    static func shellBlocks(_ markdown: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]? = nil
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```sh" {
                current = []
            } else if current != nil, line == "```" {
                blocks.append(current!.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    @Test func guideRunsAsWritten() throws {
        let sigil = try SigilBinary.require()
        let blocks = Self.shellBlocks(try String(contentsOfFile: Self.guide, encoding: .utf8))
        #expect(blocks.count >= 10, "the guide's commands were found")
        let scratch = try TemporaryDirectory()
        // The guide's background servers hold the script's stdout open: when a command fails,
        // stop them as the script exits, or reading its output would wait for them forever.
        let prologue = "set -eu -o pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n"
        let script = try scratch.write("dane-lab.sh", prologue + blocks.joined(separator: "\n"))
        // The guide takes fixed ports (PORT, UNBOUND_PORT) as a reader would: free ones from
        // PeerPort, and the whole guide again on new ones if its sigil or Unbound found one taken.
        var attempt = 0
        let run = try PeerPort.start { port -> Subprocess.Output in
            attempt += 1
            let labs = scratch.path + "/attempt-\(attempt)"
            try FileManager.default.createDirectory(atPath: labs, withIntermediateDirectories: true)
            defer { Self.stopLeftovers(in: labs) }
            let run = try Subprocess.run(
                "env",
                [
                    "SIGIL=\(sigil)", "PORT=\(port)", "UNBOUND_PORT=\(try PeerPort.free())", "TMPDIR=\(labs)", "bash",
                    script,
                ],
                in: SigilBinary.packageRoot)
            let logs = Self.serverLogs(in: labs)
            if !run.succeeded && PeerPort.bindFailed(logs) { throw PeerPort.InUse(port: port, log: logs) }
            return run
        }
        #expect(run.succeeded, "the guide failed (exit \(run.status)):\n\(run.stderr)\n\(run.stdout)")
        #expect(run.stdout.contains("Verification: OK"), "\(run.stdout)")
        // The signed TLSA RRset validates, for delv and for Unbound.
        #expect(run.stdout.contains("; fully validated"), "\(run.stdout)")
        let flags = run.stdout.split(separator: "\n").filter { $0.hasPrefix(";; Flags:") }
        #expect(flags.contains { $0.split(separator: ";")[0].split(separator: " ").contains("ad") }, "\(run.stdout)")
        #expect(
            run.stdout.contains("_25._tcp.mx2.example.test.") && run.stdout.contains("RRSIG"),
            "the validated answers are the signed TLSA RRset: \(run.stdout)")
    }

    /// The logs of the lab's sigil and Unbound.
    static func serverLogs(in directory: String) -> String {
        let labs = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return labs.flatMap { lab in
            ["sigil.log", "unbound.log"].map {
                String(decoding: Subprocess.readFile("\(directory)/\(lab)/\($0)"), as: UTF8.self)
            }
        }.joined(separator: "\n")
    }

    /// A failed run leaves the lab's sigil and Unbound running: stop them by the pid files the
    /// guide writes.
    static func stopLeftovers(in directory: String) {
        let labs = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for lab in labs {
            for file in ["sigil.pid", "unbound.pid"] {
                let text = String(decoding: Subprocess.readFile("\(directory)/\(lab)/\(file)"), as: UTF8.self)
                if let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) { kill(pid, SIGKILL) }
            }
        }
    }
}
