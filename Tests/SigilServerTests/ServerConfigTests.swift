import DANE
import DNSWire
import Testing

@testable import SigilServer

@Suite struct ServerConfigTests {
    @Test func readsTheDocumentedShape() throws {
        let yaml = """
            listen: ["127.0.0.1:5353", "[::1]:5353"]
            keys: keys
            udp-workers: 2
            zones:
              - origin: example.test
                file: zones/example.test.zone
                dnssec: { algorithm: ed25519, denial: nsec3-narrow, validity: 14d }
                tlsa:
                  - host: mx1
                    certificates: [certs/mx1.pem, certs/mx1-next.pem]
                    records: ["3 1 1", "2 1 1"]
            """
        let config = try ServerConfig(yaml: yaml, source: "sigil.yaml")
        #expect(config.listen == ["127.0.0.1:5353", "[::1]:5353"])
        #expect(config.udpWorkers == 2)
        #expect(config.zones.count == 1)
        let zone = config.zones[0]
        #expect(zone.origin == (try DNSName(text: "example.test.")))
        #expect(zone.dnssec.algorithm == .ed25519 && zone.dnssec.denial == .nsec3Narrow)
        #expect(zone.dnssec.validitySeconds == 14 * 86_400)
        #expect(zone.tlsa[0].port == 25 && zone.tlsa[0].proto == "tcp")
        #expect(
            zone.tlsa[0].records == [
                .init(usage: 3, selector: 1, matchingType: 1), .init(usage: 2, selector: 1, matchingType: 1),
            ])
    }

    /// Zone and host names are typed with or without their final dot and mean the same.
    @Test(arguments: ["example.test", "example.test."])
    func originWithOrWithoutTheFinalDot(origin: String) throws {
        let yaml = "zones:\n  - origin: \(origin)\n    file: f.zone\n"
        let config = try ServerConfig(yaml: yaml, source: "sigil.yaml")
        #expect(config.zones.map(\.origin) == [try DNSName(text: "example.test.")])

        var overrides = ServeOverrides()
        overrides.zones = ["\(origin)=f.zone"]
        var flags = ServerConfig()
        try flags.apply(overrides)
        #expect(flags.zones.map(\.origin) == [try DNSName(text: "example.test.")])
    }

    @Test(arguments: ["mx1", "mx1.example.test", "mx1.example.test."])
    func tlsaHostShortOrFullWithOrWithoutTheDot(host: String) throws {
        let yaml = "zones:\n  - origin: example.test\n    file: f\n    tlsa: [{host: \(host), certificates: [c]}]\n"
        let zone = try ServerConfig(yaml: yaml, source: "sigil.yaml").zones[0]
        let owner = try TLSAService(host: zone.tlsa[0].host).owner(origin: zone.origin)
        #expect(owner.text == "_25._tcp.mx1.example.test.")
    }

    @Test func theRootIsAnOrigin() throws {
        let config = try ServerConfig(yaml: "zones:\n  - origin: .\n    file: root.zone\n", source: "s.yaml")
        #expect(config.zones[0].origin == .root)
    }

    @Test(arguments: [
        ("zones:\n  - origin: a..test\n    file: f", "sigil.yaml: zones[0].origin: not a domain name"),
        (
            "zones:\n  - tlsa: [{host: a..b, certificates: [c]}]\n    origin: a.test\n    file: f",
            "sigil.yaml: zones[0].tlsa[0].host: not a domain name"
        ),
        ("udp-workers: lots", "sigil.yaml: udp-workers: expected a whole number from 1 to 256"),
        ("listen: [1]\nzonez: []", "sigil.yaml: zonez: unknown key"),
        ("zones:\n  - file: x.zone", "sigil.yaml: zones[0]: missing key 'origin'"),
        (
            "zones:\n  - origin: a.test\n    file: f\n    dnssec: {algorithm: rsa}",
            "sigil.yaml: zones[0].dnssec.algorithm: expected ecdsap256sha256 or ed25519"
        ),
        (
            "zones:\n  - origin: a.test\n    file: f\n    tlsa: [{host: mx, certificates: [c], records: [\"1 1 1\"]}]",
            "sigil.yaml: zones[0].tlsa[0].records[0]: expected \"usage selector matching\""
        ),
        ("listen: [unclosed", "sigil.yaml: not valid YAML"),
    ])
    func badConfigNamesTheKey(yaml: String, expected: String) {
        #expect {
            _ = try ServerConfig(yaml: yaml, source: "sigil.yaml")
        } throws: { error in
            String(describing: error).hasPrefix(expected)
        }
    }
}
