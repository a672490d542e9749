import DNSWire
import DNSZone

/// Reading one zone file and building the zone from it: what `sigil check-zone` and the server's
/// zone catalog both do, with every problem turned into a printable line.
public struct ZoneFileLoad: Sendable {
    /// The file as named.
    public var file: String
    /// The origin given, else the one the file implies (its SOA owner or first `$ORIGIN`).
    public var origin: DNSName
    /// The zone, if the file parsed and the zone built without errors.
    public var zone: Zone?
    /// `file:line:column: error: message` for syntax errors and then semantic ones (a CNAME beside
    /// other data, a missing SOA, ...: `ZoneFileResult.check()`), all found in one run. What only
    /// the build finds (after `prepare`) has no position and prints as
    /// `file: error: OWNER TYPE: message`.
    public var errors: [String]
    /// Warnings, in the same forms.
    public var warnings: [String]

    /// Parses `file` and, if it has no errors, builds the zone. `prepare` may rewrite the parsed
    /// records just before the build (the server adds generated TLSA records and sets the serial).
    public init(
        file: String, origin: DNSName?, prepare: ((DNSName, [ResourceRecord]) -> [ResourceRecord])? = nil
    ) {
        var parsed = ZoneFileParser.parse(file: file, origin: origin)
        parsed.check()
        self.file = file
        self.origin = parsed.origin
        self.errors = parsed.errors.map(\.description)
        self.warnings = parsed.warnings.map(\.description)
        self.zone = nil
        guard parsed.isValid else { return }
        do {
            var records = parsed.takeRecords()
            if let prepare { records = prepare(parsed.origin, records) }
            let built = try Zone.build(origin: parsed.origin, records: consume records)
            self.zone = built.zone
            self.warnings += built.warnings.map { "\(file): warning: \($0.message)" }
        } catch {
            self.errors += error.errors.map { "\(file): error: \($0.message)" }
            self.warnings += error.warnings.map { "\(file): warning: \($0.message)" }
        }
    }

    /// `zone NAME: loaded serial N, M records`, or nil if the zone did not load.
    public var summary: String? {
        guard let zone else { return nil }
        return "zone \(origin.text): loaded serial \(zone.serial), \(zone.recordCount) records"
    }
}
