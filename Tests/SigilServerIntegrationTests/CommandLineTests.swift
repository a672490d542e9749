import Foundation
import SigilTestSupport
import Testing

@testable import SigilServerTestSupport

/// The `sigil` commands as people type them: a zone name with or without its final dot.
@Suite struct CommandLineTests {
    /// `keygen`, `ds` and `sign` give the same result for `example.test` and `example.test.`.
    @Test func zoneNamesWithOrWithoutTheFinalDot() throws {
        let sigil = try SigilBinary.require()
        let work = try TemporaryDirectory()
        var tags: [String: String] = [:]
        for (name, dir) in [("example.test", "short"), ("example.test.", "full")] {
            // Ed25519 signs deterministically, so the two signed zones can be compared.
            let tag = try Subprocess.check(
                sigil, ["keygen", name, "--algorithm", "ed25519", "--ksk", "--dir", dir], in: work.path)
            tags[dir] = tag.trimmingCharacters(in: .whitespacesAndNewlines)
            let files = try FileManager.default.contentsOfDirectory(atPath: work.path + "/" + dir).sorted()
            // BIND's file names give the key tag in five digits.
            let padded = String(repeating: "0", count: max(0, 5 - tags[dir]!.count)) + tags[dir]!
            #expect(files == ["Kexample.test.+015+\(padded).key", "Kexample.test.+015+\(padded).private"])
        }
        try FileManager.default.removeItem(atPath: work.path + "/full")
        try FileManager.default.copyItem(atPath: work.path + "/short", toPath: work.path + "/full")

        let dsShort = try Subprocess.check(sigil, ["ds", "example.test", "--dir", "short"], in: work.path)
        let dsFull = try Subprocess.check(sigil, ["ds", "example.test.", "--dir", "full"], in: work.path)
        #expect(dsShort == dsFull)
        #expect(dsShort.hasPrefix("example.test. IN DS \(tags["short"]!) 15 2 "), "\(dsShort)")

        let zone = SigilBinary.packageRoot + "/zones/example.test.zone"
        let signedShort = try Subprocess.check(sigil, ["sign", "example.test", zone, "--dir", "short"], in: work.path)
        let signedFull = try Subprocess.check(sigil, ["sign", "example.test.", zone, "--dir", "full"], in: work.path)
        #expect(signedShort.contains("example.test. 3600 IN DNSKEY 257 3 15 "), "\(signedShort)")
        #expect(Self.withoutTimes(signedShort) == Self.withoutTimes(signedFull))

        // No keys: an error, not an empty answer a script would take for a trust anchor.
        let none = try Subprocess.run(sigil, ["ds", "other.test", "--dir", "short"], in: work.path)
        #expect(none.status == 1 && none.stdout.isEmpty && none.stderr.contains("no keys for other.test."), "\(none)")

        // A name that is not one is still refused, whatever the form.
        let bad = try Subprocess.run(sigil, ["ds", "example..test", "--dir", "short"], in: work.path)
        #expect(bad.status != 0 && bad.stderr.contains("empty label"), "\(bad.stderr)")
    }

    /// The signed zone with each RRSIG's expiration, inception and signature left out: the two runs
    /// may fall in different seconds.
    static func withoutTimes(_ signed: String) -> [String] {
        signed.split(separator: "\n").map { line in
            let fields = line.split(separator: " ")
            guard fields.count > 12, fields[3] == "RRSIG" else { return String(line) }
            return (fields[0..<8] + fields[10..<12]).joined(separator: " ")
        }
    }

    /// The README's delv step, run as written: its trust anchor from `sigil ds example.test` is not
    /// empty, and delv validates the bundled zone served with that key.
    @Test(.requires(.delv, .bash, .kdig))
    func readmeTrustAnchorValidates() throws {
        let sigil = try SigilBinary.require()
        let work = try TemporaryDirectory()
        try Subprocess.check(sigil, ["keygen", "example.test", "--dir", "keys"], in: work.path)

        let fields = try Subprocess.check(
            "bash", ["-c", "\"$0\" ds example.test --dir keys | cut -d' ' -f4-6", sigil], in: work.path)
        #expect(
            fields.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }.count
                == 3)

        let readme = try String(contentsOfFile: SigilBinary.packageRoot + "/README.md", encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(lines.firstIndex { $0.hasPrefix("printf 'trust-anchors") }, "README's anchor step")
        let end = try #require(lines[start...].firstIndex { $0.contains("> /tmp/anchor.conf") })
        let delv = try #require(lines[end...].first { $0.hasPrefix("delv ") })
        let anchorPath = work.path + "/anchor.conf"
        let script = lines[start...end].joined(separator: "\n").replacingOccurrences(
            of: "/tmp/anchor.conf", with: anchorPath)
        let directory = URL(fileURLWithPath: sigil).deletingLastPathComponent().path
        try Subprocess.check("bash", ["-c", "PATH=\"$0:$PATH\"\n" + script, directory], in: work.path)
        let anchor = String(decoding: Subprocess.readFile(anchorPath), as: UTF8.self)
        #expect(
            anchor.range(
                of: #"^trust-anchors \{ "example\.test\." static-ds [0-9]+ 13 2 "[0-9A-F]{64}"; \};\n$"#,
                options: .regularExpression) != nil, "\(anchor)")

        let zones = work.path + "/zones"
        try FileManager.default.createDirectory(atPath: zones, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: SigilBinary.packageRoot + "/zones/example.test.zone", toPath: zones + "/example.test.zone")
        let server = try SigilServerProcess(["--keys", "keys", "--udp-workers", "1"], in: work)
        let command =
            delv.replacingOccurrences(of: "/tmp/anchor.conf", with: anchorPath)
            .replacingOccurrences(of: "-p 5353", with: "-p \(server.port)")
            .components(separatedBy: "#")[0]
        let output = try Subprocess.run("bash", ["-c", command], in: work.path)
        #expect(output.stdout.contains("; fully validated"), "\(command)\n\(output.stdout)\(output.stderr)")
    }

    /// `check-zone` shows a syntax error and a CNAME conflict in one run, each at file:line:column,
    /// and `serve` refuses the zone with the very same lines in its log.
    @Test func checkZoneAndServeReportSyntaxAndSemanticErrorsTogether() throws {
        let sigil = try SigilBinary.require()
        let work = try TemporaryDirectory()
        let file = try work.write(
            "bad.zone",
            """
            $ORIGIN example.test.
            $TTL 3600
            @ SOA ns1 host 1 7200 3600 1209600 300
            @ NS ns1
            ns1 A 192.0.2.1
            bad A 1.2.3
            www CNAME ns1
            www TXT "x"

            """)
        let expected = [
            #"\#(file):6:7: error: expected an IPv4 address, found "1.2.3""#,
            "\(file):8:1: error: www.example.test. TXT: data beside a CNAME (RFC 1034 §3.6.2); the CNAME is at line 7",
        ]
        for origin in [[], ["--origin", "example.test"]] {
            let checked = try Subprocess.run(sigil, ["check-zone", file] + origin)
            #expect(checked.status == 1)
            #expect(
                checked.stdout.split(separator: "\n").map(String.init).prefix(2) == expected[...], "\(checked.stdout)")
            #expect(checked.stdout.contains("zone example.test.: 2 errors, not loaded"), "\(checked.stdout)")
        }
        let served = try Subprocess.run(
            sigil, ["serve", "--zone", "example.test=\(file)", "--listen", "127.0.0.1:0"], in: work.path)
        #expect(served.status == 1)
        for line in expected { #expect(served.stderr.contains(line), "\(served.stderr)") }
    }
}
