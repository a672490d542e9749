import DNSWire
import Foundation
import SigilServer
import Testing

@testable import SigilServerTestSupport

/// Where `sigil serve` takes its configuration from: the file, `./sigil.yaml`, flags, discovery.
@Suite struct ConfigSourceTests {
    @Test func discoversZonesWhenNoneAreConfigured() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path + "/zones", withIntermediateDirectories: true)
        try directory.write("zones/b.zone", integrationZone(serial: 1))
        try directory.write("zones/notes.txt", "not a zone")
        let config = try ConfigSource(configPath: nil, overrides: ServeOverrides(), workingDirectory: directory.path)
            .load()
        #expect(config.zones.map(\.origin.text) == ["it.test."])
        #expect(config.zones.map(\.file) == [directory.path + "/zones/b.zone"])
        #expect(config.listen == ["127.0.0.1:5353"])
    }

    @Test func usesSigilYAMLInTheWorkingDirectoryAndFlagsOverrideIt() throws {
        let directory = try TemporaryDirectory()
        try directory.write(
            "sigil.yaml",
            "listen: [\"127.0.0.1:53\"]\nlog-level: debug\nzones:\n  - origin: it.test\n    file: it.zone\n")
        var overrides = ServeOverrides()
        overrides.listen = ["127.0.0.1:5300"]
        let source = ConfigSource(configPath: nil, overrides: overrides, workingDirectory: directory.path)
        #expect(source.configPath == "sigil.yaml")
        let config = try source.load()
        #expect(config.listen == ["127.0.0.1:5300"] && config.logLevel == "debug")
        #expect(config.zones.map(\.file) == [directory.path + "/it.zone"], "relative to the config file")
    }

    @Test func reportsTheKeyThatIsWrong() throws {
        let directory = try TemporaryDirectory()
        var overrides = ServeOverrides()
        overrides.listen = ["somewhere:53"]
        overrides.zones = ["it.test=it.zone"]
        #expect(throws: ConfigError.self) {
            try ConfigSource(configPath: nil, overrides: overrides, workingDirectory: directory.path).load()
        }
        do {
            _ = try ConfigSource(configPath: nil, overrides: ServeOverrides(), workingDirectory: directory.path).load()
            Issue.record("no zones at all must be an error")
        } catch {
            #expect(error.key == "zones")
        }
    }
}
