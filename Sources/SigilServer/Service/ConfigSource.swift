import DNSWire
import DNSZone
import Foundation
import QueryPipeline

/// Where `sigil serve` gets its configuration, read at start-up and again on every SIGHUP.
///
/// The rules, in order:
/// 1. The config file is `--config PATH` if given; otherwise `sigil.yaml` in the working directory
///    if there is one (like most daemons, a config next to you is used — the log says so);
///    otherwise there is none and every key has its default.
/// 2. Command-line flags override the file (`ServerConfig.apply(_:)`).
/// 3. With no zones from the file or `--zone`, every `zones/*.zone` below the working directory is
///    served, each zone's origin taken from the file (its SOA owner or first `$ORIGIN`).
/// 4. Relative zone paths in a config file are relative to the file's directory; relative paths
///    given with `--zone` (and discovered ones) are relative to the working directory.
public struct ConfigSource: Sendable {
    public var configPath: String?
    public var overrides: ServeOverrides
    /// Relative paths are taken relative to this; nil means the process's working directory, and
    /// paths are then kept relative so messages show them as the user wrote them.
    public var workingDirectory: String?

    /// The default config file name looked for in the working directory.
    public static let defaultConfigFile = "sigil.yaml"
    /// Where zones are discovered when none are configured.
    public static let defaultZonesDirectory = "zones"

    public init(configPath: String?, overrides: ServeOverrides, workingDirectory: String? = nil) {
        self.workingDirectory = workingDirectory
        self.overrides = overrides
        self.configPath = configPath
        if configPath == nil, FileManager.default.fileExists(atPath: resolve(ConfigSource.defaultConfigFile)) {
            self.configPath = ConfigSource.defaultConfigFile
        }
    }

    /// Reads the file (if any), applies the flags, resolves zone paths, discovers zones if none.
    public func load() throws(ConfigError) -> ServerConfig {
        var config = ServerConfig()
        if let configPath {
            let path = resolve(configPath)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigError(source: configPath, key: "", "cannot read the config file")
            }
            config = try ServerConfig(yaml: String(decoding: data, as: UTF8.self), source: configPath)
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                config.resolveTSIGKeyFiles(directory: directory)
                if !config.journalDirectory.hasPrefix("/") {
                    config.journalDirectory = directory + "/" + config.journalDirectory
                }
                for index in config.zones.indices where !config.zones[index].file.hasPrefix("/") {
                    config.zones[index].file = directory + "/" + config.zones[index].file
                }
                // Certificate paths of `tlsa:` entries too, so the server finds them from anywhere.
                for zone in config.zones.indices {
                    for entry in config.zones[zone].tlsa.indices {
                        config.zones[zone].tlsa[entry].certificates = config.zones[zone].tlsa[entry].certificates.map {
                            $0.hasPrefix("/") ? $0 : directory + "/" + $0
                        }
                    }
                }
            }
        }
        try config.apply(overrides)
        if !overrides.zones.isEmpty {
            for index in config.zones.indices { config.zones[index].file = resolve(config.zones[index].file) }
        }
        if config.zones.isEmpty { config.zones = discoverZones() }
        guard !config.zones.isEmpty else {
            throw ConfigError(
                source: configPath ?? "command line", key: "zones",
                "no zones configured, and no \(ConfigSource.defaultZonesDirectory)/*.zone files to serve")
        }
        for address in config.listen {
            do {
                _ = try IPEndpoint(parsing: address)
            } catch {
                throw ConfigError(
                    source: overrides.listen.isEmpty ? configPath ?? "defaults" : "command line",
                    key: overrides.listen.isEmpty ? "listen" : "--listen", error.description)
            }
        }
        return config
    }

    func resolve(_ path: String) -> String {
        guard let workingDirectory, !path.hasPrefix("/") else { return path }
        return workingDirectory + "/" + path
    }

    /// Every `zones/*.zone`, sorted, with the origin each file implies.
    func discoverZones() -> [ZoneConfig] {
        let directory = resolve(ConfigSource.defaultZonesDirectory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".zone") }.sorted().map { name in
            let file = directory + "/" + name
            return ZoneConfig(origin: ZoneFileParser.parse(file: file, origin: nil).origin, file: file)
        }
    }
}
