import DNSWire
import DNSZone

/// Parses `text` as the zone file "t.zone" with origin `origin`.
func parseZone(_ text: String, origin: String? = "example.com.", defaultTTL: UInt32? = nil) -> ZoneFileResult {
    ZoneFileParser.parse(
        text: text, fileName: "t.zone", origin: origin.map { try! DNSName(text: $0) }, defaultTTL: defaultTTL)
}

extension ZoneFileResult {
    /// The records as `owner TTL class type rdata` lines, in file order.
    var lines: [String] { records.map(\.text) }
    /// The errors as `line:column: message`, file name left out.
    var errorLines: [String] { errors.map { "\($0.line):\($0.column): \($0.message)" } }
    var warningLines: [String] { warnings.map { "\($0.line):\($0.column): \($0.message)" } }
}
