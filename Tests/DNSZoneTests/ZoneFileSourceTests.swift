import DNSWire
import Testing

@testable import DNSZone

/// `$INCLUDE` through an in-memory `ZoneFileSource`, as the zone-file fuzzer reads its files.
@Suite struct ZoneFileSourceTests {
    static func source(_ files: [String: String]) -> ZoneFileSource {
        ZoneFileSource(
            contents: { path, maxBytes in
                guard let text = files[path] else { return .failure(.init(message: "no such file")) }
                guard text.utf8.count <= maxBytes else { return .failure(.init(message: "too large")) }
                return .success(Array(text.utf8))
            },
            identity: { $0 })
    }

    @Test func includesAreReadFromTheSource() throws {
        let files = [
            "/z/zone": "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n$INCLUDE sub.inc sub\n",
            "/z/sub.inc": "www A 192.0.2.2\n",
        ]
        let origin = try DNSName(text: "example.test.")
        let result = ZoneFileParser.parse(file: "/z/zone", origin: origin, source: Self.source(files))
        #expect(result.isValid, "\(result)")
        #expect(result.records.map(\.name.text).last == "www.sub.example.test.")
    }

    @Test func loopsAndLimitsHoldInMemoryToo() throws {
        let origin = try DNSName(text: "example.test.")
        let loop = ZoneFileParser.parse(
            file: "/z/zone", origin: origin, source: Self.source(["/z/zone": "$INCLUDE zone\n"]))
        #expect(loop.errors.contains { $0.message.contains("loop") })

        let fanOut = ["/z/zone": String(repeating: "$INCLUDE a\n", count: 5), "/z/a": "x 60 TXT y\n"]
        let limited = ZoneFileParser.parse(
            file: "/z/zone", origin: origin, limits: ZoneFileParser.Limits(includes: 3), source: Self.source(fanOut))
        #expect(limited.records.count == 3)
        #expect(limited.errors.contains { $0.message.contains("more than 3 $INCLUDEs") })
    }
}
