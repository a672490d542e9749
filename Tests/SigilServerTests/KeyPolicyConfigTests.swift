import KeyManager
import Testing

@testable import SigilServer

@Suite struct KeyPolicyConfigTests {
    @Test func readsTheIssuesShape() throws {
        let yaml = """
            zones:
              - origin: example.test
                file: example.test.zone
                dnssec:
                  algorithm: ecdsap256sha256
                  key-set: csk
                  zsk-lifetime: 90d
                  ksk-lifetime: 1y
                  propagation-delay: 1h
                  parent:
                    servers: ["192.0.2.1:53"]
            """
        let config = try ServerConfig(yaml: yaml, source: "sigil.yaml")
        let policy = try #require(config.zones[0].dnssec.policy)
        #expect(policy.keySet == .csk)
        #expect(policy.zskLifetime == 90 * 86_400 && policy.kskLifetime == 365 * 86_400)
        #expect(policy.propagationDelay == 3600 && policy.parentServers == ["192.0.2.1:53"])
        // Without policy keys the zone's keys are used as found.
        let plain = try ServerConfig(
            yaml: "zones: [{origin: a.test, file: a.zone, dnssec: {algorithm: ed25519}}]", source: "s")
        #expect(plain.zones[0].dnssec.policy == nil)
    }

    /// Seconds and 0 (never) are durations too; an impossible lifetime names its key.
    @Test func acceleratedAndImpossiblePolicies() throws {
        let fast = try ServerConfig(
            yaml: """
                zones: [{origin: a.test, file: a.zone, dnssec: {zsk-lifetime: 8, ksk-lifetime: 0, propagation-delay: 1,
                         dnskey-ttl: 2, max-zone-ttl: 2}}]
                """, source: "s")
        #expect(fast.zones[0].dnssec.policy?.zskLifetime == 8)
        #expect(fast.zones[0].dnssec.policy?.kskLifetime == 0)
        #expect {
            try ServerConfig(
                yaml: "zones: [{origin: a.test, file: a.zone, dnssec: {ksk-lifetime: 2h, propagation-delay: 1h}}]",
                source: "s")
        } throws: { error in
            (error as? ConfigError)?.key == "zones[0].dnssec.ksk-lifetime"
        }
        #expect(throws: ConfigError.self) {
            try ServerConfig(yaml: "zones: [{origin: a.test, file: a.zone, dnssec: {key-set: kzk}}]", source: "s")
        }
    }
}
