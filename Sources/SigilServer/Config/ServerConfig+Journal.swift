import DNSWire
import Yams
import ZoneJournal
import ZoneTransfer

/// A zone's journal, update and serial settings (`update:`, `serial:`, `journal:`).
public struct ZoneJournalSettings: Sendable, Equatable {
    /// Who may send RFC 2136 UPDATEs; nobody by default.
    public var update = AccessList.nobody
    public var serial = SerialPolicy.increment
    public var limits = JournalLimits()
    /// Whether `journal:` was given: a journal is kept then even without `transfer:` or `update:`.
    public var explicit = false
    public init() {}
}

extension ZoneConfig {
    /// Whether the zone's versions are journaled: it is transferred, updated, or asks for it.
    public var isJournaled: Bool {
        !transfer.rules.isEmpty || !journalSettings.update.rules.isEmpty || journalSettings.explicit
    }
}

extension YAMLReader {
    /// One of a zone's `update:`, `serial:` or `journal:` keys; false if `name` is none of them.
    func journalKey(
        _ name: String, _ value: Node, _ path: String, into settings: inout ZoneJournalSettings
    )
        throws(ConfigError) -> Bool
    {
        switch name {
        case "update": settings.update = try accessList(value, path)
        case "serial":
            guard let policy = SerialPolicy(rawValue: try string(value, path)) else {
                throw fail(path, "expected increment, keep, unixtime or dateserial")
            }
            settings.serial = policy
        case "journal":
            settings.explicit = true
            for (field, item) in try mapping(value, path, allowed: ["max-size", "max-entries"]) {
                let fieldPath = "\(path).\(field)"
                switch field {
                case "max-size": settings.limits.maxBytes = try size(item, fieldPath)
                case "max-entries": settings.limits.maxEntries = try int(item, fieldPath, range: 1...1_000_000)
                default: break
                }
            }
        default: return false
        }
        return true
    }

    static let journalKeys: Set<String> = ["update", "serial", "journal"]

    /// A size like `10M`, `512K` or `1048576` (bytes).
    func size(_ node: Node, _ key: String) throws(ConfigError) -> Int {
        guard let text = node.scalar?.string.uppercased(), !text.isEmpty else {
            throw fail(key, "expected a size like 10M")
        }
        let multiplier: Int
        var digits = Substring(text)
        switch text.last {
        case "K": multiplier = 1 << 10
        case "M": multiplier = 1 << 20
        case "G": multiplier = 1 << 30
        default: multiplier = 1
        }
        if multiplier != 1 { digits = digits.dropLast() }
        guard let value = Int(digits), value > 0, value <= (1 << 40) / multiplier else {
            throw fail(key, "expected a size like 10M")
        }
        return value * multiplier
    }

    /// Every key an `update:` rule names must be in `tsig-keys:`.
    func checkUpdateKeys(_ config: ServerConfig) throws(ConfigError) {
        let known = Set(config.tsigKeys.map { $0.name.lowercased() })
        for (index, zone) in config.zones.enumerated() {
            for rule in zone.journalSettings.update.rules {
                if let key = rule.key, !known.contains(key) {
                    throw fail("zones[\(index)].update", "no key \(key.text) in tsig-keys")
                }
            }
        }
    }
}
