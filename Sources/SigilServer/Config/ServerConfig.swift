import DNSWire

/// Everything `sigil serve` needs, after the config file and the command-line flags are merged.
public struct ServerConfig: Sendable, Equatable {
    public var listen: [String] = ["127.0.0.1:5353"]
    public var keysDirectory: String = "keys"
    public var udpWorkers: Int? = nil
    public var tcpIdleTimeoutSeconds: Int = 10
    public var tcpMaxConnections: Int = 1000
    /// 0: no limit.
    public var tcpMaxQueriesPerConnection: Int = 0
    public var tcp = TCPLimitsConfig()
    /// The user and group to run as once the sockets are bound (`user:`, `group:`); nil: stay as started.
    public var user: String? = nil
    public var group: String? = nil
    public var logLevel: String = "info"
    public var zones: [ZoneConfig] = []
    /// Rate limiting, cookies and the signing budget (`ServerConfig+Controls.swift`).
    public var controls = ControlsConfig()

    public init() {}
}

/// One zone to serve.
public struct ZoneConfig: Sendable, Equatable {
    public var origin: DNSName
    public var file: String
    public var dnssec: DNSSECConfig
    public var tlsa: [TLSAConfig]

    public init(origin: DNSName, file: String, dnssec: DNSSECConfig = DNSSECConfig(), tlsa: [TLSAConfig] = []) {
        self.origin = origin
        self.file = file
        self.dnssec = dnssec
        self.tlsa = tlsa
    }
}

/// The `dnssec:` block of a zone. Signing is on unless `enabled: false`.
public struct DNSSECConfig: Sendable, Equatable {
    public enum Algorithm: String, Sendable, CaseIterable { case ecdsap256sha256, ed25519 }
    public enum Denial: String, Sendable, CaseIterable {
        case nsec3
        case nsec3Narrow = "nsec3-narrow"
    }

    public var enabled: Bool = true
    public var algorithm: Algorithm = .ecdsap256sha256
    public var denial: Denial = .nsec3
    /// Signature validity in seconds (default 14 days).
    public var validitySeconds: UInt32 = 14 * 86_400
    /// The rollover policy; nil: keys are used as found (`ServerConfig+KeyPolicy.swift`).
    public var policy: KeyPolicyConfig? = nil

    public init() {}
}

/// One `tlsa:` entry: TLSA records at `_PORT._PROTOCOL.HOST` made from certificate files.
public struct TLSAConfig: Sendable, Equatable {
    public var host: String
    public var port: UInt16 = 25
    public var proto: String = "tcp"
    public var certificates: [String]
    /// Usage, selector and matching type of each record to publish, e.g. (3, 1, 1).
    public var records: [TLSAParameters] = [TLSAParameters(usage: 3, selector: 1, matchingType: 1)]

    public init(host: String, certificates: [String]) {
        self.host = host
        self.certificates = certificates
    }
}

public struct TLSAParameters: Sendable, Equatable {
    public var usage: UInt8
    public var selector: UInt8
    public var matchingType: UInt8

    public init(usage: UInt8, selector: UInt8, matchingType: UInt8) {
        self.usage = usage
        self.selector = selector
        self.matchingType = matchingType
    }
}

/// A problem in the configuration, naming the key it is about.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    /// Where: the file, or "command line".
    public var source: String
    /// The key path, like `zones[0].dnssec.algorithm`.
    public var key: String
    public var message: String

    public init(source: String, key: String, _ message: String) {
        self.source = source
        self.key = key
        self.message = message
    }

    public var description: String { key.isEmpty ? "\(source): \(message)" : "\(source): \(key): \(message)" }
}
