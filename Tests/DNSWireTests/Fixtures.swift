import Foundation
import Testing

@testable import DNSWire

/// The golden files written by `Tests/fixtures/make_wire_fixtures.py` (dnspython).
enum Fixtures {
    /// The lines of a fixture file, comments and blank lines dropped, split at tabs.
    static func rows(_ name: String) -> [[String]] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "tsv", subdirectory: "Fixtures"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { return [] }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
    }

    static func bytes(_ hex: String) -> [UInt8] { Base16.decode(hex) ?? [0xDE, 0xAD] }
}

/// One record of `records.tsv`.
struct GoldenRecord: Sendable, CustomTestStringConvertible {
    var type: RRType
    var input: String
    var dnspythonText: String
    var wire: [UInt8]
    var canonical: [UInt8]

    var testDescription: String { "\(type) \(input.prefix(60))" }

    static let all: [GoldenRecord] = Fixtures.rows("records").map { row in
        GoldenRecord(
            type: RRType(text: row[0]) ?? RRType(0), input: row[1], dnspythonText: row[2],
            wire: Fixtures.bytes(row[3]), canonical: Fixtures.bytes(row[4]))
    }
}
