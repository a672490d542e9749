import DNSWire
import DNSZone
import Foundation
import SigilTestSupport
import Testing

@testable import DNSZoneTestSupport

/// Differential test against Knot DNS: the same zones served by `knotd` (through
/// `Tests/Peers/knot-answers.py`) and by the answer logic here must give the same rcode, AA flag,
/// answer section and authority section for every query. Records are compared as sets; Knot's
/// NS RRset in the authority of a positive answer would be allowed, though Knot 3 sends none.
/// The zone text is read by `ZoneFileParser`, the same text `knotd` loads.
@Suite(.requires(.knotd, .python3, .dnspython))
struct KnotDifferentialTests {
    /// The zones and queries, shared with the live-server suite (SigilServerTests): `zones.txt`
    /// lists "ORIGIN FILE", `queries.txt` "NAME TYPE", the work-directory format of the peer script.
    static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Peers/differential")
    }

    static func fixtureLines(_ name: String) -> [[String]] {
        let text = (try? String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }.filter { $0.count == 2 }
    }

    static let zones: [(origin: String, text: String)] = fixtureLines("zones.txt").map { line in
        (line[0], (try? String(contentsOf: fixtures.appendingPathComponent(line[1]), encoding: .utf8)) ?? "")
    }

    static let queries: [(String, String)] = fixtureLines("queries.txt").map { ($0[0], $0[1]) }

    /// The directory of this file's package, to find the peer script.
    static var peerScript: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Peers/knot-answers.py").path
    }

    /// Knot's raw responses, keyed by "NAME TYPE".
    static func knotResponses() throws -> [String: [UInt8]] {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("sigil-knot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        var zoneList = ""
        for (index, zone) in zones.enumerated() {
            try zone.text.write(to: work.appendingPathComponent("zone\(index)"), atomically: true, encoding: .utf8)
            zoneList += "\(zone.origin) zone\(index)\n"
        }
        try zoneList.write(to: work.appendingPathComponent("zones.txt"), atomically: true, encoding: .utf8)
        try queries.map { "\($0.0) \($0.1)\n" }.joined()
            .write(to: work.appendingPathComponent("queries.txt"), atomically: true, encoding: .utf8)
        let result = try Subprocess.run("python3", [peerScript, work.path])
        guard result.succeeded else {
            let log = (try? String(contentsOf: work.appendingPathComponent("knotd.log"), encoding: .utf8)) ?? ""
            throw TestZoneText.Failure(description: "knot-answers.py failed: \(log)")
        }
        var responses: [String: [UInt8]] = [:]
        for line in result.stdout.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 3, let bytes = Base16.decode(String(parts[2])) else { continue }
            responses["\(parts[0]) \(parts[1])"] = bytes
        }
        return responses
    }

    @Test func answersMatchKnot() throws {
        #expect(Self.zones.count == 3 && Self.queries.count > 60)
        let knot = try Self.knotResponses()
        #expect(knot.count == Self.queries.count)
        var built: [Zone] = []
        for zone in Self.zones {
            let origin = try DNSName(text: zone.origin)
            built.append(try Zone.build(origin: origin, records: TestZoneText.records(zone.text, origin: origin)).zone)
        }
        var responder = Responder(built)
        for (name, typeText) in Self.queries {
            let type = try #require(RRType(text: typeText))
            let theirs = try Message(decoding: try #require(knot["\(name) \(typeText)"], "\(name) \(typeText)"))
            let ours = try responder.ask(name, type)
            let label = "\(name) \(typeText)"
            #expect(ours.rcode == theirs.rcode, "rcode for \(label)")
            #expect(ours.header.authoritative == theirs.header.authoritative, "AA for \(label)")
            #expect(ours.questions == theirs.questions, "question for \(label)")
            var theirAnswers = theirs.answers
            if name == "mixed.ugly.test." {
                // The one deliberate difference: an RRset given with differing TTLs. Sigil uses the
                // first record's TTL (as BIND does); Knot 3.2 serves the last one's.
                #expect(theirAnswers.map(\.ttl) == [60, 60] && ours.answers.map(\.ttl) == [300, 300])
                for index in theirAnswers.indices { theirAnswers[index].ttl = 300 }
            }
            #expect(
                Set(ours.answers) == Set(theirAnswers),
                "answer for \(label): \(ours.answerTexts) vs \(theirs.answerTexts)")
            var theirAuthority = Set(theirs.authority)
            if !ours.answers.isEmpty && ours.authority.isEmpty {
                theirAuthority = theirAuthority.filter { $0.type != .ns }
            }
            #expect(
                Set(ours.authority) == theirAuthority,
                "authority for \(label): \(ours.authorityTexts) vs \(theirs.authorityTexts)")
        }
    }
}
