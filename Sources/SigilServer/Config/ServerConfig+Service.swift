import Yams

/// The TCP limits beyond the connection cap (RFC 7766 §6.2; Knot's `tcp-io-timeout` and friends).
public struct TCPLimitsConfig: Sendable, Equatable {
    public var ioTimeoutSeconds: Int = 2
    public var busyIdleTimeoutSeconds: Int = 2
    public var maxConnectionsPerClient: Int = 100
    public var ipv4Prefix: Int = 32
    public var ipv6Prefix: Int = 64

    public init() {}
}

extension YAMLReader {
    /// The top-level keys read by ``readServiceKey(_:_:into:)``.
    static let serviceKeys: Set<String> = [
        "tcp-io-timeout", "tcp-busy-idle-timeout", "tcp-max-connections-per-client", "tcp-ipv4-prefix",
        "tcp-ipv6-prefix", "user", "group",
    ]

    func readServiceKey(_ name: String, _ value: Node, into config: inout ServerConfig) throws(ConfigError) {
        switch name {
        case "tcp-io-timeout": config.tcp.ioTimeoutSeconds = Int(try duration(value, name))
        case "tcp-busy-idle-timeout": config.tcp.busyIdleTimeoutSeconds = Int(try duration(value, name))
        case "tcp-max-connections-per-client":
            config.tcp.maxConnectionsPerClient = try int(value, name, range: 1...1_000_000)
        case "tcp-ipv4-prefix": config.tcp.ipv4Prefix = try int(value, name, range: 1...32)
        case "tcp-ipv6-prefix": config.tcp.ipv6Prefix = try int(value, name, range: 1...128)
        case "user": config.user = try nonEmpty(value, name)
        case "group": config.group = try nonEmpty(value, name)
        default: break
        }
    }

    private func nonEmpty(_ node: Node, _ key: String) throws(ConfigError) -> String {
        let text = try string(node, key)
        guard !text.isEmpty else { throw fail(key, "expected a user or group name, or a numeric id") }
        return text
    }
}

extension TransportConfiguration {
    /// The TCP settings of `config`.
    mutating func applyTCP(_ config: ServerConfig) {
        self.tcpIdleTimeout = .seconds(Int64(config.tcpIdleTimeoutSeconds))
        self.tcpMaxConnections = config.tcpMaxConnections
        self.tcpMaxQueriesPerConnection = config.tcpMaxQueriesPerConnection
        self.tcpIOTimeout = .seconds(Int64(config.tcp.ioTimeoutSeconds))
        self.tcpBusyIdleTimeout = .seconds(Int64(config.tcp.busyIdleTimeoutSeconds))
        self.tcpMaxConnectionsPerClient = config.tcp.maxConnectionsPerClient
        self.tcpIPv4Prefix = config.tcp.ipv4Prefix
        self.tcpIPv6Prefix = config.tcp.ipv6Prefix
    }
}
