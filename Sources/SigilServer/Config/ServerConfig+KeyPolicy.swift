import DNSWire
import KeyManager
import Yams

/// The rollover policy of a zone's `dnssec:` block. A zone with any of these keys has its keys
/// managed by Sigil (`KeyManager`); without them, its keys are used as found.
public struct KeyPolicyConfig: Sendable, Equatable {
    public var keySet: KeyPolicy.KeySet = .kskZsk
    public var zskLifetime: Int64 = 90 * 86_400
    public var kskLifetime: Int64 = 365 * 86_400
    public var propagationDelay: Int64 = 3600
    public var dnskeyTTL: Int64 = 3600
    public var dsTTL: Int64 = 86_400
    public var maxZoneTTL: Int64 = 86_400
    /// The parent's name servers (`host:port`), asked for the DS; empty: `sigil keys submitted`.
    public var parentServers: [String] = []

    public init() {}

    static let keys: Set<String> = [
        "key-set", "zsk-lifetime", "ksk-lifetime", "propagation-delay", "dnskey-ttl", "max-zone-ttl", "parent",
    ]

    /// The planner's policy for a zone signed with `algorithm`.
    public func policy(algorithm: DNSSECConfig.Algorithm) -> KeyPolicy {
        KeyPolicy(
            algorithm: algorithm.dnssec, keySet: keySet, zskLifetime: zskLifetime, kskLifetime: kskLifetime,
            propagationDelay: propagationDelay, dnskeyTTL: dnskeyTTL, dsTTL: dsTTL, maxZoneTTL: maxZoneTTL)
    }
}

extension YAMLReader {
    /// One policy key of a `dnssec:` block into `config.policy`.
    func keyPolicy(_ name: String, _ value: Node, _ path: String, into config: inout DNSSECConfig) throws(ConfigError) {
        var policy = config.policy ?? KeyPolicyConfig()
        switch name {
        case "key-set":
            guard let keySet = KeyPolicy.KeySet(rawValue: try string(value, path)) else {
                throw fail(path, "expected ksk-zsk or csk")
            }
            policy.keySet = keySet
        case "zsk-lifetime": policy.zskLifetime = try span(value, path)
        case "ksk-lifetime": policy.kskLifetime = try span(value, path)
        case "propagation-delay": policy.propagationDelay = try span(value, path)
        case "dnskey-ttl": policy.dnskeyTTL = try span(value, path)
        case "max-zone-ttl": policy.maxZoneTTL = try span(value, path)
        case "parent":
            for (key, item) in try mapping(value, path, allowed: ["servers", "ds-ttl"]) {
                switch key {
                case "servers": policy.parentServers = try strings(item, "\(path).servers")
                case "ds-ttl": policy.dsTTL = try span(item, "\(path).ds-ttl")
                default: break
                }
            }
        default: return
        }
        config.policy = policy
    }

    /// After the whole block is read: a policy whose lifetimes cannot hold a rollover is an
    /// error naming the lifetime.
    func checkKeyPolicy(_ config: DNSSECConfig, _ key: String) throws(ConfigError) {
        guard let policy = config.policy else { return }
        if let problem = policy.policy(algorithm: config.algorithm).problems.first {
            throw fail("\(key).\(problem.key)", problem.message)
        }
    }

    /// A duration that may be 0: seconds, or with units up to `y` (365 days).
    func span(_ node: Node, _ key: String) throws(ConfigError) -> Int64 {
        guard let text = node.scalar?.string.lowercased() else {
            throw fail(key, "expected a duration like 90d or 3600")
        }
        if text.hasSuffix("y"), let years = Int64(text.dropLast()), years >= 0, years < 100 {
            return years * 365 * 86_400
        }
        if text == "0" { return 0 }
        guard let seconds = TTL.parse(text) else { throw fail(key, "expected a duration like 90d or 3600") }
        return Int64(seconds)
    }
}
