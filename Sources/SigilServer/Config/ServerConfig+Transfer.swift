import DNSWire
import Foundation
import QueryPipeline
import TSIG
import Yams
import ZoneTransfer

/// One `tsig-keys:` entry: a key given inline (`algorithm` and `secret`) or read from a file in
/// BIND's format (`file:`, e.g. the output of `tsig-keygen` or `sigil tsig-keygen`).
public struct TSIGKeyConfig: Sendable, Equatable {
    public var name: DNSName
    public var algorithm: TSIGAlgorithm = .hmacSHA256
    /// Base64, as in BIND's key files.
    public var secret: String? = nil
    /// A BIND key file holding a key of this name; relative paths are the config file's directory.
    public var file: String? = nil

    public init(name: DNSName) { self.name = name }
}

/// Zone-transfer settings of a zone (`transfer:`, `notify:`); both empty by default: no one may
/// transfer the zone and no one is notified.
extension ZoneConfig {
    /// Who may AXFR/IXFR the zone.
    public var transfer: AccessList {
        get { transferSettings.transfer }
        set { transferSettings.transfer = newValue }
    }

    /// Servers told of every new serial (NOTIFY), with the key to sign with, if any.
    public var notify: [NotifyTarget] {
        get { transferSettings.notify }
        set { transferSettings.notify = newValue }
    }
}

/// A `notify:` target: an address and port (53 if not given), and optionally a TSIG key name.
public struct NotifyTarget: Sendable, Hashable, CustomStringConvertible {
    public var endpoint: IPEndpoint
    public var key: DNSName?

    public init(endpoint: IPEndpoint, key: DNSName? = nil) {
        self.endpoint = endpoint
        self.key = key
    }

    public var description: String { endpoint.description }
}

/// The stored form of a zone's transfer settings (kept in one field so `ZoneConfig` grows by one).
public struct ZoneTransferSettings: Sendable, Equatable {
    public var transfer = AccessList.nobody
    public var notify: [NotifyTarget] = []
    public init() {}
}

extension YAMLReader {
    /// `tsig-keys:` — a list of `{name, algorithm, secret}` or `{name, file}`.
    func tsigKeys(_ node: Node, _ key: String) throws(ConfigError) -> [TSIGKeyConfig] {
        guard let sequence = node.sequence else { throw fail(key, "expected a list of keys") }
        var keys: [TSIGKeyConfig] = []
        for (index, item) in sequence.enumerated() {
            let path = "\(key)[\(index)]"
            var name: DNSName? = nil
            var algorithm: TSIGAlgorithm? = nil
            var secret: String? = nil
            var file: String? = nil
            for (field, value) in try mapping(item, path, allowed: ["name", "algorithm", "secret", "file"]) {
                let fieldPath = "\(path).\(field)"
                switch field {
                case "name":
                    do {
                        name = try DNSName(typed: try string(value, fieldPath))
                    } catch let error as ConfigError {
                        throw error
                    } catch {
                        throw fail(fieldPath, "not a key name")
                    }
                case "algorithm":
                    guard let known = TSIGAlgorithm(name: try string(value, fieldPath)) else {
                        throw fail(fieldPath, "expected hmac-sha256, hmac-sha512 or hmac-sha1")
                    }
                    algorithm = known
                case "secret":
                    let text = try string(value, fieldPath)
                    guard let bytes = Base64.decode(text), !bytes.isEmpty else { throw fail(fieldPath, "not base64") }
                    secret = text
                case "file": file = try string(value, fieldPath)
                default: break
                }
            }
            guard let name else { throw fail(path, "missing key 'name'") }
            guard (secret == nil) != (file == nil) else { throw fail(path, "give either 'secret' or 'file'") }
            guard !keys.contains(where: { $0.name == name }) else {
                throw fail(path, "a second key named \(name.text)")
            }
            var config = TSIGKeyConfig(name: name)
            config.algorithm = algorithm ?? .hmacSHA256
            config.secret = secret
            config.file = file
            keys.append(config)
        }
        return keys
    }

    /// An access list: `[{address: PREFIX, key: NAME}]`, key optional.
    func accessList(_ node: Node, _ key: String) throws(ConfigError) -> AccessList {
        guard let sequence = node.sequence else { throw fail(key, "expected a list of {address, key}") }
        var rules: [AccessRule] = []
        for (index, item) in sequence.enumerated() {
            let path = "\(key)[\(index)]"
            var prefix: AddressPrefix? = nil
            var keyName: DNSName? = nil
            for (field, value) in try mapping(item, path, allowed: ["address", "key"]) {
                let fieldPath = "\(path).\(field)"
                switch field {
                case "address":
                    guard let parsed = AddressPrefix(try string(value, fieldPath)) else {
                        throw fail(fieldPath, "expected an address or prefix like 127.0.0.1/32")
                    }
                    prefix = parsed
                case "key": keyName = try self.keyName(value, fieldPath)
                default: break
                }
            }
            guard let prefix else { throw fail(path, "missing key 'address'") }
            rules.append(AccessRule(prefix: prefix, key: keyName))
        }
        return AccessList(rules)
    }

    /// `notify:` — addresses (`"127.0.0.1:5301"`, port 53 by default) or `{address, key}`.
    func notifyTargets(_ node: Node, _ key: String) throws(ConfigError) -> [NotifyTarget] {
        let items: [Node] = node.sequence.map { Array($0) } ?? [node]
        var targets: [NotifyTarget] = []
        for (index, item) in items.enumerated() {
            let path = "\(key)[\(index)]"
            var address: String? = nil
            var keyName: DNSName? = nil
            if item.scalar != nil {
                address = try string(item, path)
            } else {
                for (field, value) in try mapping(item, path, allowed: ["address", "key"]) {
                    let fieldPath = "\(path).\(field)"
                    if field == "address" { address = try string(value, fieldPath) }
                    if field == "key" { keyName = try self.keyName(value, fieldPath) }
                }
            }
            guard let address else { throw fail(path, "missing key 'address'") }
            do {
                targets.append(NotifyTarget(endpoint: try IPEndpoint(parsing: address, defaultPort: 53), key: keyName))
            } catch {
                throw fail(path, error.description)
            }
        }
        return targets
    }

    private func keyName(_ node: Node, _ key: String) throws(ConfigError) -> DNSName {
        let text = try string(node, key)
        do {
            return try DNSName(typed: text)
        } catch {
            throw fail(key, "not a key name: \(error.message)")
        }
    }

    /// Every key an ACL or notify target names must be in `tsig-keys:`.
    func checkTransferKeys(_ config: ServerConfig) throws(ConfigError) {
        let known = Set(config.tsigKeys.map { $0.name.lowercased() })
        for (index, zone) in config.zones.enumerated() {
            for rule in zone.transfer.rules {
                if let key = rule.key, !known.contains(key) {
                    throw fail("zones[\(index)].transfer", "no key \(key.text) in tsig-keys")
                }
            }
            for target in zone.notify {
                if let key = target.key, !known.contains(key.lowercased()) {
                    throw fail("zones[\(index)].notify", "no key \(key.text) in tsig-keys")
                }
            }
        }
    }
}

extension ServerConfig {
    /// The TSIG keys, read (key files) and ready for use. Throws naming the key that fails.
    public func loadTSIGKeys() throws(ConfigError) -> TSIGKeyring {
        var keys: [TSIGKey] = []
        for (index, entry) in tsigKeys.enumerated() {
            let path = "tsig-keys[\(index)]"
            if var secret = entry.secret.flatMap({ Base64.decode($0) }) {
                keys.append(TSIGKey(name: entry.name, algorithm: entry.algorithm, secret: TSIGSecret(secret)))
                TSIGSecret.clear(&secret)
                continue
            }
            guard let file = entry.file, let data = FileManager.default.contents(atPath: file) else {
                throw ConfigError(source: "config", key: "\(path).file", "cannot read the key file")
            }
            do {
                let found = try TSIGKeyFile.parse(String(decoding: data, as: UTF8.self))
                guard let key = found.first(where: { $0.name == entry.name.lowercased() }) else {
                    throw ConfigError(source: file, key: path, "no key \(entry.name.text) in the file")
                }
                keys.append(key)
            } catch let error as ConfigError {
                throw error
            } catch {
                throw ConfigError(source: file, key: path, "\(error)")
            }
        }
        return TSIGKeyring(keys)
    }

    /// Makes `tsig-keys` file paths relative to the config file's `directory`.
    mutating func resolveTSIGKeyFiles(directory: String) {
        for index in tsigKeys.indices {
            if let file = tsigKeys[index].file, !file.hasPrefix("/") { tsigKeys[index].file = directory + "/" + file }
        }
    }
}
