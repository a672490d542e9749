import DNSWire
import Foundation
import SigilTestSupport
import Testing

@testable import SigilServerTestSupport

/// The Knot differential suite, against the live server: the zones and queries of
/// `Tests/Peers/differential` (the WORKDIR format of `Tests/Peers/knot-answers.py`) are answered
/// by knotd through that script, and by `sigil serve` through kdig over UDP and over TCP. Rcode,
/// AA, question, answer and authority must agree, with the two allowances of the DNSZone suite
/// (an RRset given with differing TTLs; Knot's optional NS in a positive answer's authority).
@Suite(.requires(.knotd, .kdig, .python3, .dnspython))
struct LiveKnotDifferentialTests {
    static var fixtures: String { SigilBinary.packageRoot + "/Tests/Peers/differential" }
    static var peerScript: String { SigilBinary.packageRoot + "/Tests/Peers/knot-answers.py" }

    static func lines(_ file: String) throws -> [[String]] {
        try String(contentsOfFile: fixtures + "/" + file, encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: " ").map(String.init) }.filter { $0.count == 2 }
    }

    /// Knot's answer to each query of `queries.txt` in `work`, keyed "NAME TYPE": the peer script
    /// starts its own knotd on the zones of `zones.txt` there and prints each answer in hex.
    static func knotAnswers(in work: TemporaryDirectory) throws -> [String: Message] {
        let script = try Subprocess.run("python3", [peerScript, work.path])
        try #require(script.succeeded, "knot-answers.py: \(script.stderr)")
        var knot: [String: Message] = [:]
        for line in script.stdout.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 3, let bytes = Base16.decode(parts[2]) else { continue }
            knot["\(parts[0]) \(parts[1])"] = try Message(decoding: bytes)
        }
        return knot
    }

    @Test func liveAnswersMatchKnot() throws {
        let zones = try Self.lines("zones.txt")
        let queries = try Self.lines("queries.txt")
        #expect(zones.count == 3 && queries.count > 60)

        // Knot's answers (the script starts and stops its own knotd on a copy of the fixtures).
        let work = try TemporaryDirectory()
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.fixtures) {
            try FileManager.default.copyItem(atPath: Self.fixtures + "/" + name, toPath: work.path + "/" + name)
        }
        let knot = try Self.knotAnswers(in: work)
        #expect(knot.count == queries.count)

        // Knot serves these zones unsigned, so Sigil must too: ANY at an apex would otherwise
        // show the signer's DNSKEY, CDS, CDNSKEY and NSEC3PARAM.
        let entries = zones.map { "  - origin: \($0[0])\n    file: \($0[1])\n    dnssec: false\n" }
        let config = try work.write("sigil.yaml", "zones:\n" + entries.joined())
        let server = try SigilServerProcess(["--config", config, "--udp-workers", "1"], in: work)
        for tcp in [false, true] {
            for query in queries {
                let label = "\(query[0]) \(query[1]) over \(tcp ? "TCP" : "UDP")"
                let theirs = try #require(knot["\(query[0]) \(query[1])"], "Knot's answer to \(label)")
                // Like the script: no RD, no EDNS.
                let reply = try Kdig.ask(query[0], query[1], port: server.port, tcp: tcp, options: ["+nordflag"])
                let ours = try #require(reply, "our answer to \(label)").message
                compare(ours, theirs, name: query[0], label: label)
            }
        }
        server.signal(SIGTERM)
        #expect(server.waitForExit() == 0)
    }

    /// What does not fit in 512 bytes, against knotd: a positive answer whose additional data does
    /// not all fit (kept as far as it fits, no TC), a referral whose glue does not all fit (the
    /// glue that fits, and TC), and a referral whose NS RRset does not fit (question only, TC).
    @Test func truncationMatchesKnot() throws {
        var zone =
            "$ORIGIN it.test.\n$TTL 300\n@ SOA ns1 hostmaster 1 7200 3600 1209600 60\n@ NS ns1\nns1 A 192.0.2.53\n"
        for index in 1...12 {
            let short = String(repeating: "x", count: 10)
            let long = String(repeating: "y", count: 30)
            zone += "wide NS n\(index)-\(short).wide\nn\(index)-\(short).wide AAAA 2001:db8::\(index)\n"
            zone += "mxs MX \(index) m\(index)-\(short)\nm\(index)-\(short) AAAA 2001:db8::1:\(index)\n"
            zone += "out NS o\(index)-\(long).out\no\(index)-\(long).out AAAA 2001:db8::2:\(index)\n"
        }
        let work = try TemporaryDirectory()
        try work.write("it.zone", zone)
        try work.write("zones.txt", "it.test. it.zone\n")
        let queries = [("a.wide.it.test.", "A"), ("mxs.it.test.", "MX"), ("a.out.it.test.", "A")]
        try work.write("queries.txt", queries.map { "\($0.0) \($0.1)\n" }.joined())
        let knot = try Self.knotAnswers(in: work)
        let server = try SigilServerProcess(["--zone", "it.test=\(work.path)/it.zone"], in: work)
        for (name, type) in queries {
            let theirs = try #require(knot["\(name) \(type)"])
            let reply = try Kdig.ask(name, type, port: server.port, options: ["+nordflag", "+noedns", "+ignore"])
            let ours = try #require(reply, "our answer to \(name) \(type)")
            #expect(ours.size <= 512)
            compare(ours.message, theirs, name: name, label: "\(name) \(type) in 512 bytes")
        }
        #expect(knot["a.wide.it.test. A"]?.header.truncated == true, "the fixture exercises glue truncation")
        #expect(knot["mxs.it.test. MX"]?.additional.isEmpty == false)
    }

    func compare(_ ours: Message, _ theirs: Message, name: String, label: String) {
        #expect(ours.rcode == theirs.rcode, "rcode for \(label)")
        #expect(ours.header.authoritative == theirs.header.authoritative, "AA for \(label)")
        #expect(ours.header.truncated == theirs.header.truncated, "TC for \(label)")
        #expect(!ours.header.recursionAvailable, "RA for \(label)")
        #expect(ours.questions == theirs.questions, "question for \(label)")
        #expect(ours.edns == nil, "no OPT without one in the query, for \(label)")
        var theirAnswers = theirs.answers
        if name == "mixed.ugly.test." {
            // Sigil keeps the first record's TTL (as BIND does); Knot 3.2 serves the last one's.
            for index in theirAnswers.indices { theirAnswers[index].ttl = 300 }
        }
        #expect(Set(ours.answers) == Set(theirAnswers), "answer for \(label)")
        var theirAuthority = Set(theirs.authority)
        if !ours.answers.isEmpty && ours.authority.isEmpty {
            theirAuthority = theirAuthority.filter { $0.type != .ns }
        }
        #expect(Set(ours.authority) == theirAuthority, "authority for \(label)")
        #expect(Set(ours.additional) == Set(theirs.additional), "additional for \(label)")
    }
}
