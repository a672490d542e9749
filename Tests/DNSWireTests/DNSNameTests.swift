import Testing

@testable import DNSWire

@Suite struct DNSNameTests {
    @Test func parsesAndPrintsEscapes() throws {
        let name = try DNSName(text: #"a\.b.c\032d.\255.example."#)
        #expect(name.labelCount == 4)
        #expect(name.labels[0] == [UInt8(ascii: "a"), UInt8(ascii: "."), UInt8(ascii: "b")][...])
        #expect(name.text == #"a\.b.c\032d.\255.example."#)
        #expect(try DNSName(text: name.text) == name)
    }

    @Test func relativeNamesUseTheOrigin() throws {
        let origin = try DNSName(text: "example.test.")
        #expect(try DNSName(text: "www", origin: origin).text == "www.example.test.")
        #expect(throws: TextError.self) { try DNSName(text: "www") }
        #expect(try DNSName(text: "www.example.test.").text(relativeTo: origin) == "www")
        #expect(origin.text(relativeTo: origin) == "@")
    }

    @Test func caseInsensitiveEqualityKeepsCase() throws {
        let upper = try DNSName(text: "WWW.Example.TEST.")
        let lower = try DNSName(text: "www.example.test.")
        #expect(upper == lower)
        #expect(upper.hashValue == lower.hashValue)
        #expect(upper.text == "WWW.Example.TEST.")
        #expect(upper.lowercased().wire == lower.wire)
    }

    @Test func enforcesLimits() {
        let label63 = String(repeating: "a", count: 63)
        #expect(throws: TextError.self) { try DNSName(text: label63 + "a.") }
        let long = Array(repeating: label63, count: 4).joined(separator: ".") + "."
        #expect(throws: TextError.self) { try DNSName(text: long) }
        #expect(throws: TextError.self) { try DNSName(text: "a..b.") }
        #expect(throws: WireError.self) { try DNSName(wire: [64] + Array(repeating: 97, count: 64) + [0]) }
    }

    @Test func hierarchy() throws {
        let name = try DNSName(text: "_25._tcp.mx.example.test.")
        let zone = try DNSName(text: "example.test.")
        #expect(name.isSubdomain(of: zone))
        #expect(!zone.isSubdomain(of: name))
        #expect(try !DNSName(text: "xexample.test.").isSubdomain(of: zone))
        #expect(name.parent?.text == "_tcp.mx.example.test.")
        #expect(name.dropping(labels: 3) == zone)
        #expect(zone.wildcard.isWildcard)
        #expect(DNSName.root.parent == nil)
    }

    /// The example ordering of RFC 4034 §6.1.
    @Test func canonicalOrder() throws {
        let ordered = [
            "example.", "a.example.", "yljkjljk.a.example.", "Z.a.example.", "zABC.a.EXAMPLE.", "z.example.",
            "\\001.z.example.", "*.z.example.", "\\200.z.example.",
        ].map { try! DNSName(text: $0) }
        #expect(ordered.shuffled().sorted() == ordered)
        for (a, b) in zip(ordered, ordered.dropFirst()) { #expect(a < b) }
    }
}
