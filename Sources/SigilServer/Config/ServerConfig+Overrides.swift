import DNSWire

/// Command-line flags that override the config file, as given to `sigil serve`.
public struct ServeOverrides: Sendable, Equatable {
    public var listen: [String] = []
    /// `ORIGIN=FILE` pairs.
    public var zones: [String] = []
    public var keysDirectory: String? = nil
    public var udpWorkers: Int? = nil
    public var logLevel: String? = nil

    public init() {}
}

extension ServerConfig {
    /// Applies flags on top of the file's settings: a flag that is given replaces the whole key
    /// (`--listen` replaces the list of addresses, `--zone` the list of zones).
    public mutating func apply(_ overrides: ServeOverrides) throws(ConfigError) {
        if !overrides.listen.isEmpty { listen = overrides.listen }
        if let keys = overrides.keysDirectory { keysDirectory = keys }
        if let workers = overrides.udpWorkers {
            guard (1...256).contains(workers) else {
                throw ConfigError(source: "command line", key: "--udp-workers", "expected 1 to 256")
            }
            udpWorkers = workers
        }
        if let level = overrides.logLevel {
            guard ServerConfig.logLevels.contains(level) else {
                throw ConfigError(
                    source: "command line", key: "--log-level",
                    "expected one of \(ServerConfig.logLevels.joined(separator: ", "))")
            }
            logLevel = level
        }
        if !overrides.zones.isEmpty {
            zones = []
            for pair in overrides.zones {
                guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex,
                    equals != pair.index(before: pair.endIndex)
                else {
                    throw ConfigError(source: "command line", key: "--zone", "expected ORIGIN=FILE, found \"\(pair)\"")
                }
                let text = String(pair[..<equals])
                let origin: DNSName
                do {
                    origin = try DNSName(typed: text)
                } catch {
                    throw ConfigError(source: "command line", key: "--zone", "\"\(text)\" is not a domain name")
                }
                zones.append(ZoneConfig(origin: origin, file: String(pair[pair.index(after: equals)...])))
            }
        }
    }
}
