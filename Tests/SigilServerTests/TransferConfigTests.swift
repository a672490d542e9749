import DNSWire
import QueryPipeline
import SigilServer
import TSIG
import Testing
import ZoneTransfer

@Suite struct TransferConfigTests {
    static let secret = Base64.encode([UInt8](repeating: 1, count: 32))

    @Test func readsKeysACLsAndNotifyTargets() throws {
        let yaml = """
            tsig-keys:
              - {name: xfr-key, algorithm: hmac-sha512, secret: "\(Self.secret)"}
            zones:
              - origin: example.test
                file: e.zone
                transfer:
                  - {address: 192.0.2.0/24, key: xfr-key}
                  - {address: "::1"}
                notify: ["127.0.0.1:5301", {address: 192.0.2.53, key: xfr-key}]

            """
        let config = try ServerConfig(yaml: yaml, source: "sigil.yaml")
        let zone = config.zones[0]
        let key = try DNSName(typed: "xfr-key")
        #expect(zone.transfer.allows(IPAddress("192.0.2.9")!, key: key))
        #expect(!zone.transfer.allows(IPAddress("192.0.2.9")!, key: nil))
        #expect(zone.transfer.allows(.loopbackV6, key: nil))
        #expect(zone.notify.map(\.endpoint.port) == [5301, 53])
        #expect(zone.notify[1].key == key)
        let keyring = try config.loadTSIGKeys()
        #expect(keyring.key(named: key)?.algorithm == .hmacSHA512)
        // Nobody by default.
        let plain = try ServerConfig(yaml: "zones:\n  - origin: a.test\n    file: a.zone\n", source: "s.yaml")
        #expect(!plain.zones[0].transfer.allows(.loopbackV4, key: nil) && plain.zones[0].notify.isEmpty)
    }

    @Test(arguments: [
        ("tsig-keys: [{name: k, algorithm: hmac-md5, secret: \"\(secret)\"}]", "tsig-keys[0].algorithm"),
        ("tsig-keys: [{name: k}]", "tsig-keys[0]"),
        ("tsig-keys: [{name: k, secret: \"not base64!\"}]", "tsig-keys[0].secret"),
        ("zones: [{origin: a.test, file: a.zone, transfer: [{address: 300.1.1.1/8}]}]", "zones[0].transfer[0].address"),
        ("zones: [{origin: a.test, file: a.zone, transfer: [{address: 127.0.0.1, key: nokey}]}]", "zones[0].transfer"),
        ("zones: [{origin: a.test, file: a.zone, notify: [\"nowhere:53\"]}]", "zones[0].notify[0]"),
    ])
    func badValuesNameTheirKey(yaml: String, key: String) {
        #expect {
            try ServerConfig(yaml: yaml, source: "s.yaml")
        } throws: { error in
            (error as? ConfigError)?.key == key
        }
    }
}
