import NIOCore
import Testing

@testable import SigilServer

/// The TCP limit and service keys (`tcp-io-timeout` ..., `user:`, `group:`).
@Suite struct ServerConfigServiceTests {
    @Test func readsTheTCPLimitsAndTheServiceKeys() throws {
        let yaml = """
            tcp-io-timeout: 3
            tcp-busy-idle-timeout: 1
            tcp-max-connections-per-client: 20
            tcp-ipv4-prefix: 24
            tcp-ipv6-prefix: 56
            tcp-max-queries-per-connection: 0
            user: sigil
            group: "53"
            """
        let config = try ServerConfig(yaml: yaml, source: "sigil.yaml")
        #expect(config.tcp.ioTimeoutSeconds == 3 && config.tcp.busyIdleTimeoutSeconds == 1)
        #expect(config.tcp.maxConnectionsPerClient == 20)
        #expect(config.tcp.ipv4Prefix == 24 && config.tcp.ipv6Prefix == 56)
        #expect(config.tcpMaxQueriesPerConnection == 0)
        #expect(config.user == "sigil" && config.group == "53")
        var transport = TransportConfiguration()
        transport.applyTCP(config)
        #expect(transport.tcpIOTimeout == .seconds(3) && transport.tcpBusyIdleTimeout == .seconds(1))
        #expect(transport.tcpMaxConnectionsPerClient == 20 && transport.tcpIPv4Prefix == 24)
    }

    @Test func defaultsHaveNoQueryCap() {
        let config = ServerConfig()
        #expect(config.tcpMaxQueriesPerConnection == 0 && TransportConfiguration().tcpMaxQueriesPerConnection == 0)
        #expect(config.tcp.maxConnectionsPerClient == 100 && config.tcp.ioTimeoutSeconds == 2)
    }

    @Test(arguments: [
        ("tcp-ipv4-prefix: 33", "sigil.yaml: tcp-ipv4-prefix: expected a whole number from 1 to 32"),
        ("tcp-io-timeout: soon", "sigil.yaml: tcp-io-timeout: expected a duration"),
        ("user: \"\"", "sigil.yaml: user: expected a user or group name"),
    ])
    func badValuesNameTheKey(yaml: String, expected: String) {
        #expect {
            _ = try ServerConfig(yaml: yaml, source: "sigil.yaml")
        } throws: { error in
            "\(error)".hasPrefix(expected)
        }
    }

    @Test func unknownUsersAreConfigurationErrors() throws {
        #expect(throws: ConfigError.self) {
            _ = try ProcessIdentity.resolve(user: "no-such-user-sigil", group: nil)
        }
        #expect(try ProcessIdentity.resolve(user: nil, group: nil) == nil)
        #expect(try ProcessIdentity.resolve(user: "root", group: nil)?.uid == 0)
    }
}
