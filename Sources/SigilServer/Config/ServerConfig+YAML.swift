import DNSWire
import Yams

extension ServerConfig {
    /// Reads a YAML config. Unknown keys are errors, so a typo does not silently fall back to a
    /// default; every error names the key path.
    public init(yaml text: String, source: String) throws(ConfigError) {
        self.init()
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw ConfigError(source: source, key: "", "not valid YAML: \(error)")
        }
        guard let node else { return }
        var reader = YAMLReader(source: source)
        try reader.read(node, into: &self)
    }
}

/// Walks the YAML tree with the current key path at hand for messages.
struct YAMLReader {
    let source: String

    func fail(_ key: String, _ message: String) -> ConfigError { ConfigError(source: source, key: key, message) }

    func mapping(_ node: Node, _ key: String, allowed: Set<String>) throws(ConfigError) -> [(String, Node)] {
        guard let mapping = node.mapping else { throw fail(key, "expected a mapping of keys") }
        var pairs: [(String, Node)] = []
        for (keyNode, value) in mapping {
            guard let name = keyNode.string else { throw fail(key, "keys must be strings") }
            let path = key.isEmpty ? name : "\(key).\(name)"
            guard allowed.contains(name) else {
                throw fail(path, "unknown key (expected one of: \(allowed.sorted().joined(separator: ", ")))")
            }
            pairs.append((name, value))
        }
        return pairs
    }

    func string(_ node: Node, _ key: String) throws(ConfigError) -> String {
        guard let scalar = node.scalar else { throw fail(key, "expected a string") }
        return scalar.string
    }

    func int(_ node: Node, _ key: String, range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard let value = node.int, range.contains(value) else {
            throw fail(key, "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func bool(_ node: Node, _ key: String) throws(ConfigError) -> Bool {
        guard let value = node.bool else { throw fail(key, "expected true or false") }
        return value
    }

    func strings(_ node: Node, _ key: String) throws(ConfigError) -> [String] {
        if node.scalar != nil { return [try string(node, key)] }
        guard let sequence = node.sequence else { throw fail(key, "expected a list of strings") }
        var result: [String] = []
        for (index, item) in sequence.enumerated() { result.append(try string(item, "\(key)[\(index)]")) }
        return result
    }

    func duration(_ node: Node, _ key: String) throws(ConfigError) -> UInt32 {
        guard let text = node.scalar?.string, let seconds = TTL.parse(text), seconds > 0 else {
            throw fail(key, "expected a duration like 14d or 3600")
        }
        return seconds
    }

    mutating func read(_ node: Node, into config: inout ServerConfig) throws(ConfigError) {
        var keys: Set<String> = [
            "listen", "keys", "udp-workers", "tcp-idle-timeout", "tcp-max-connections",
            "tcp-max-queries-per-connection", "log-level", "zones", "rate-limit", "cookies", "signing-budget",
        ]
        keys.formUnion(Self.serviceKeys)
        for (name, value) in try mapping(node, "", allowed: keys) {
            switch name {
            case "listen": config.listen = try strings(value, name)
            case "keys": config.keysDirectory = try string(value, name)
            case "udp-workers": config.udpWorkers = try int(value, name, range: 1...256)
            case "tcp-idle-timeout": config.tcpIdleTimeoutSeconds = Int(try duration(value, name))
            case "tcp-max-connections": config.tcpMaxConnections = try int(value, name, range: 1...1_000_000)
            case "tcp-max-queries-per-connection":
                config.tcpMaxQueriesPerConnection = try int(value, name, range: 0...1_000_000)
            case "log-level":
                let level = try string(value, name)
                guard ServerConfig.logLevels.contains(level) else {
                    throw fail(name, "expected one of \(ServerConfig.logLevels.joined(separator: ", "))")
                }
                config.logLevel = level
            case "zones":
                guard let sequence = value.sequence else { throw fail(name, "expected a list of zones") }
                config.zones = []
                for (index, item) in sequence.enumerated() {
                    config.zones.append(try zone(item, "zones[\(index)]"))
                }
            case let key where YAMLReader.controlKeys.contains(key): try control(key, value, into: &config.controls)
            default: try readServiceKey(name, value, into: &config)
            }
        }
    }

    func zone(_ node: Node, _ key: String) throws(ConfigError) -> ZoneConfig {
        var origin: DNSName? = nil
        var file: String? = nil
        var dnssec = DNSSECConfig()
        var tlsa: [TLSAConfig] = []
        for (name, value) in try mapping(node, key, allowed: ["origin", "file", "dnssec", "tlsa"]) {
            let path = "\(key).\(name)"
            switch name {
            case "origin":
                let text = try string(value, path)
                do {
                    origin = try DNSName(typed: text)
                } catch {
                    throw fail(path, "not a domain name: \(error.message)")
                }
            case "file": file = try string(value, path)
            case "dnssec": dnssec = try self.dnssec(value, path)
            case "tlsa":
                guard let sequence = value.sequence else { throw fail(path, "expected a list") }
                for (index, item) in sequence.enumerated() { tlsa.append(try self.tlsa(item, "\(path)[\(index)]")) }
            default: break
            }
        }
        guard let origin else { throw fail(key, "missing key 'origin'") }
        guard let file else { throw fail(key, "missing key 'file'") }
        // Checked here, once the origin is known, so a bad host stops the server naming its key.
        for (index, entry) in tlsa.enumerated() {
            do {
                _ = try DNSName(typed: entry.host, zone: origin)
            } catch {
                throw fail("\(key).tlsa[\(index)].host", "not a domain name: \(error.message)")
            }
        }
        return ZoneConfig(origin: origin, file: file, dnssec: dnssec, tlsa: tlsa)
    }

    func dnssec(_ node: Node, _ key: String) throws(ConfigError) -> DNSSECConfig {
        var config = DNSSECConfig()
        if let on = node.bool {
            config.enabled = on
            return config
        }
        let allowed: Set<String> = ["enabled", "algorithm", "denial", "validity"]
        for (name, value) in try mapping(node, key, allowed: allowed.union(KeyPolicyConfig.keys)) {
            let path = "\(key).\(name)"
            switch name {
            case "enabled": config.enabled = try bool(value, path)
            case "algorithm":
                let text = try string(value, path).lowercased()
                guard let algorithm = DNSSECConfig.Algorithm(rawValue: text) else {
                    throw fail(path, "expected ecdsap256sha256 or ed25519")
                }
                config.algorithm = algorithm
            case "denial":
                guard let denial = DNSSECConfig.Denial(rawValue: try string(value, path)) else {
                    throw fail(path, "expected nsec3 or nsec3-narrow")
                }
                config.denial = denial
            case "validity":
                config.validitySeconds = try duration(value, path)
                guard config.validitySeconds >= 3 * 3600 else { throw fail(path, "must be at least 3h") }
            default: try keyPolicy(name, value, path, into: &config)
            }
        }
        try checkKeyPolicy(config, key)
        return config
    }

    func tlsa(_ node: Node, _ key: String) throws(ConfigError) -> TLSAConfig {
        var host: String? = nil
        var certificates: [String] = []
        var entry = TLSAConfig(host: "", certificates: [])
        let allowed: Set<String> = ["host", "port", "protocol", "certificates", "records"]
        for (name, value) in try mapping(node, key, allowed: allowed) {
            let path = "\(key).\(name)"
            switch name {
            case "host": host = try string(value, path)
            case "port": entry.port = UInt16(try int(value, path, range: 1...65535))
            case "protocol":
                entry.proto = try string(value, path).lowercased()
                guard ["tcp", "udp", "sctp"].contains(entry.proto) else {
                    throw fail(path, "expected tcp, udp or sctp")
                }
            case "certificates": certificates = try strings(value, path)
            case "records":
                entry.records = []
                for (index, text) in try strings(value, path).enumerated() {
                    let parts = text.split(separator: " ").compactMap { UInt8($0) }
                    guard parts.count == 3, [2, 3].contains(parts[0]), parts[1] <= 1, parts[2] <= 2 else {
                        throw fail("\(path)[\(index)]", "expected \"usage selector matching\" like \"3 1 1\"")
                    }
                    entry.records.append(TLSAParameters(usage: parts[0], selector: parts[1], matchingType: parts[2]))
                }
            default: break
            }
        }
        guard let host else { throw fail(key, "missing key 'host'") }
        guard !certificates.isEmpty else { throw fail(key, "missing key 'certificates'") }
        entry.host = host
        entry.certificates = certificates
        return entry
    }
}

extension ServerConfig {
    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
}
