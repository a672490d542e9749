import Foundation
import SigilTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Runs docs/dane-lab.md: every ```sh block, in order, as one bash script with `set -eu -o
/// pipefail`, against the built `sigil` on a free loopback port. A guide command that stops
/// working fails this test.
@Suite(
    .enabled(
        if: ["kdig", "openssl", "python3", "bash"].allSatisfy { Subprocess.find($0) != nil }))
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
        let script = try scratch.write("dane-lab.sh", "set -eu -o pipefail\n" + blocks.joined(separator: "\n"))
        let port = try Subprocess.check(
            "python3",
            ["-c", "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"]
        ).trimmingCharacters(in: .whitespacesAndNewlines)
        defer { Self.stopLeftovers(in: scratch.path) }
        let run = try Subprocess.run(
            "env", ["SIGIL=\(sigil)", "PORT=\(port)", "TMPDIR=\(scratch.path)", "bash", script],
            in: SigilBinary.packageRoot)
        #expect(run.succeeded, "the guide failed (exit \(run.status)):\n\(run.stderr)\n\(run.stdout)")
        #expect(run.stdout.contains("Verification: OK"), "\(run.stdout)")
    }

    /// A failed run leaves the lab's sigil running: stop it by the pid file the guide writes.
    static func stopLeftovers(in directory: String) {
        let labs = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for lab in labs {
            let text = String(decoding: Subprocess.readFile("\(directory)/\(lab)/sigil.pid"), as: UTF8.self)
            if let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) { kill(pid, SIGKILL) }
        }
    }
}
