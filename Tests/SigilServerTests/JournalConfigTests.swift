import Testing
import ZoneJournal

@testable import SigilServer

@Suite struct JournalConfigTests {
    static let yaml = """
        journal-directory: /var/lib/sigil/journal
        tsig-keys:
          - {name: update-key, secret: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}
        zones:
          - origin: example.test
            file: z.zone
            update:
              - {address: 127.0.0.1/32, key: update-key}
            serial: dateserial
            journal: {max-size: 2M, max-entries: 50}
            dnssec: {validity: 1m}
          - origin: other.test
            file: o.zone

        """

    @Test func readsUpdateSerialAndJournalKeys() throws {
        let config = try ServerConfig(yaml: Self.yaml, source: "test")
        #expect(config.journalDirectory == "/var/lib/sigil/journal")
        let zone = config.zones[0]
        #expect(zone.journalSettings.serial == .dateserial)
        #expect(zone.journalSettings.limits == JournalLimits(maxBytes: 2 << 20, maxEntries: 50))
        #expect(zone.journalSettings.update.rules.count == 1)
        #expect(zone.dnssec.validitySeconds == 60)
        #expect(zone.isJournaled)
        #expect(!config.zones[1].isJournaled, "no transfer, update or journal: no journal")
    }

    @Test func rejectsBadValues() {
        for (from, to) in [
            ("serial: dateserial", "serial: weekly"), ("max-size: 2M", "max-size: lots"),
            ("key: update-key}", "key: missing-key}"), ("validity: 1m", "validity: 30"),
        ] {
            #expect(throws: ConfigError.self, "\(to)") {
                try ServerConfig(yaml: Self.yaml.replacingOccurrences(of: from, with: to), source: "test")
            }
        }
    }
}
