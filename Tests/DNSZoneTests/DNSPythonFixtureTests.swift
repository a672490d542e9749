import DNSWire
import Foundation
import Testing

@testable import DNSZone

/// Our parser against dnspython's (`Tests/fixtures/make_zone_fixtures.py`) on the ugly zones in
/// `Zones/`: the same records, owner by owner, TTL by TTL, RDATA byte for byte.
@Suite struct DNSPythonFixtureTests {
    static let zones = ["ugly.zone", "legacy.zone", "reverse.zone"]

    @Test(arguments: zones) func matchesDNSPython(zone: String) throws {
        let directory = try #require(Bundle.module.url(forResource: "Zones", withExtension: nil)).path
        let expectedText = try String(contentsOfFile: "\(directory)/\(zone).expected", encoding: .utf8)
        var lines = expectedText.split(separator: "\n").map(String.init)
        // The first line is "; origin NAME - ...".
        let header = lines.removeFirst().split(separator: " ")
        let origin = try DNSName(text: header[2])
        // dnspython keys nodes case-insensitively and prints an owner as first seen, so owners
        // are compared without case; RDATA is compared exactly.
        let expected = lines.map { line in
            lowercasedOwner(String(line[..<line.range(of: " ; ")!.lowerBound]))
        }.sorted()

        let result = ZoneFileParser.parse(file: "\(directory)/\(zone)", origin: origin)
        #expect(result.errors.isEmpty, "\(result.errors)")
        let actual = result.records.map { record in
            let wire = record.data.wire
            let hex = wire.map {
                String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16)
            }
            let generic = wire.isEmpty ? "\\# 0" : "\\# \(wire.count) \(hex.joined())"
            return lowercasedOwner(
                "\(record.name.text) \(record.ttl) \(record.rrClass) TYPE\(record.type.rawValue) \(generic)")
        }.sorted()
        #expect(actual.count == expected.count)
        for (ours, theirs) in zip(actual, expected) { #expect(ours == theirs) }
        #expect(Set(actual).symmetricDifference(expected).isEmpty)
    }

    private func lowercasedOwner(_ line: String) -> String {
        let space = line.firstIndex(of: " ")!
        return line[..<space].lowercased() + line[space...]
    }
}
