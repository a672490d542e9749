import Testing

@testable import DNSWire

/// Names typed by a person (command line, config): absolute with or without the final dot.
@Suite struct TypedNameTests {
    @Test(arguments: ["example.test", "example.test.", "Example.TEST"])
    func aZoneNameWithOrWithoutItsDot(text: String) throws {
        #expect(try DNSName(typed: text) == DNSName(text: "example.test."))
        #expect(try DNSName(typed: text).labelCount == 2)
    }

    @Test func theRootAndEscapes() throws {
        #expect(try DNSName(typed: ".") == DNSName.root)
        // An escaped final dot is part of the last label, not the end of the name.
        #expect(try DNSName(typed: #"a\."#).labels == [Array("a.".utf8)[...]])
        #expect(try DNSName(typed: #"a\\."#) == DNSName(text: #"a\\."#))
    }

    @Test(arguments: ["", "a..b", "..", ".a", String(repeating: "x", count: 64)])
    func notANameIsAnError(text: String) {
        #expect(throws: TextError.self) { try DNSName(typed: text) }
    }

    @Test(arguments: [
        ("@", "example.test."),
        ("mx1", "mx1.example.test."),
        ("mx1.example.test", "mx1.example.test."),
        ("mx1.example.test.", "mx1.example.test."),
        ("MX1.Example.Test", "MX1.Example.Test."),
        ("example.test", "example.test."),
        ("mx.other.test.", "mx.other.test."),
        ("mx.other.test", "mx.other.test.example.test."),
    ])
    func aHostInAZone(text: String, expected: String) throws {
        let zone = try DNSName(text: "example.test.")
        let name = try DNSName(typed: text, zone: zone)
        #expect(name.text == expected)
    }

    @Test func aHostInTheRootZoneIsAbsolute() throws {
        #expect(try DNSName(typed: "mail.example.com", zone: .root).text == "mail.example.com.")
        #expect(throws: TextError.self) { try DNSName(typed: "a..b", zone: .root) }
    }
}
