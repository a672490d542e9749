import QueryControls
import QueryPipeline
import SigilServer
import Testing

/// The `rate-limit:`, `cookies:` and `signing-budget:` keys.
struct ServerConfigControlsTests {
    @Test func readsTheControls() throws {
        let config = try ServerConfig(
            yaml: """
                rate-limit:
                  responses-per-second: 20
                  slip: 2
                  window: 15s
                  ipv4-prefix: 24
                  ipv6-prefix: 56
                  exempt: [192.0.2.0/24, "2001:db8::/32"]
                cookies: { secret: 0x00112233445566778899aabbccddeeff }
                signing-budget: { global: 500, per-client: 50 }
                """, source: "test")
        let limit = try #require(config.controls.rateLimit)
        #expect(limit.responsesPerSecond == 20 && limit.slip == 2 && limit.windowSeconds == 15)
        #expect(limit.clients.exempt.map(\.description) == ["192.0.2.0/24", "2001:db8::/32"])
        #expect(config.controls.cookies?.secret?.count == 16 && config.controls.cookies?.secret?.first == 0)
        #expect(config.controls.signingBudget?.global == 500 && config.controls.signingBudget?.perClient == 50)
        #expect(try ServerConfig(yaml: "cookies: true", source: "t").controls.cookies == CookiesConfig())
        #expect(try ServerConfig(yaml: "listen: [\"127.0.0.1:53\"]", source: "t").controls == ControlsConfig())
    }

    @Test(arguments: [
        ("rate-limit: { slip: 11 }", "rate-limit.slip"),
        ("rate-limit: { exempt: [300.1.1.1/8] }", "rate-limit.exempt[0]"),
        ("rate-limit: { burst: 3 }", "rate-limit.burst"),
        ("cookies: { secret: 0011 }", "cookies.secret"),
        ("cookies: { previous-secret: 00112233445566778899aabbccddeeff }", "cookies"),
        ("signing-budget: { global: 0 }", "signing-budget.global"),
    ])
    func badValuesNameTheKey(yaml: String, key: String) {
        #expect(throws: ConfigError.self) { try ServerConfig(yaml: yaml, source: "t") }
        do {
            _ = try ServerConfig(yaml: yaml, source: "t")
        } catch {
            #expect(error.key == key, "\(error)")
        }
    }

    @Test func prefixes() throws {
        let prefix = try #require(AddressPrefix("192.0.2.0/24"))
        #expect(prefix.contains(try #require(IPAddress("192.0.2.200"))))
        #expect(!prefix.contains(try #require(IPAddress("192.0.3.1"))))
        let six = try #require(AddressPrefix("2001:db8:0:100::/56"))
        #expect(six.contains(try #require(IPAddress("2001:db8:0:1ff::1"))))
        #expect(!six.contains(try #require(IPAddress("2001:db8:0:200::1"))))
        #expect(AddressPrefix("192.0.2.0/33") == nil && AddressPrefix("nonsense") == nil)
    }
}
