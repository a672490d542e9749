import DNSWire

/// What reading a zone file produced: the records, the origin, and every problem found.
///
/// The parser does not stop at the first error, so one run shows everything to fix. A result with
/// errors must not be served; its records are what could be read, for tools that want them.
public struct ZoneFileResult: Sendable, CustomStringConvertible {
    /// The records in file order (included files in place of their `$INCLUDE`), owner names and
    /// RDATA names absolute; out-of-zone ones included (`check()` reports them).
    public var records: [ResourceRecord]
    /// The origin given to the parser, else the owner of the first SOA record, else the first
    /// `$ORIGIN`, else the root.
    public var origin: DNSName
    /// Errors and warnings in the order they were found.
    public var diagnostics: [ZoneFileDiagnostic]

    /// Where each of `records` starts (parallel to it) and the names of the files read, for the
    /// semantic checks; empty when the result was made from records without a parse.
    var sources: [RecordSource]
    var files: [String]
    /// What the parser noted for the checks; nil when there was no parse.
    var notes: CheckNotes?

    public init(records: [ResourceRecord], origin: DNSName, diagnostics: [ZoneFileDiagnostic]) {
        self.init(records: records, origin: origin, diagnostics: diagnostics, sources: [], files: [], notes: nil)
    }

    init(
        records: [ResourceRecord], origin: DNSName, diagnostics: [ZoneFileDiagnostic], sources: [RecordSource],
        files: [String], notes: CheckNotes?
    ) {
        self.records = records
        self.origin = origin
        self.diagnostics = diagnostics
        self.sources = sources
        self.files = files
        self.notes = notes
    }

    /// Hands the records over (to `Zone.build`, which consumes them), letting go of them and of
    /// their positions here so a large zone is not held twice.
    public mutating func takeRecords() -> [ResourceRecord] {
        let taken = records
        records = []
        sources = []
        notes = nil
        return taken
    }

    public var errors: [ZoneFileDiagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [ZoneFileDiagnostic] { diagnostics.filter { $0.severity == .warning } }

    /// Whether the zone may be loaded: no errors (warnings are allowed).
    public var isValid: Bool { !diagnostics.contains { $0.severity == .error } }

    /// One line for a log or `check-zone`: `zone example.: 12 records, 0 errors, 1 warning`.
    public var summary: String {
        let errorCount = errors.count
        let warningCount = diagnostics.count - errorCount
        return "zone \(origin.text): \(records.count) record\(records.count == 1 ? "" : "s"), "
            + "\(errorCount) error\(errorCount == 1 ? "" : "s"), "
            + "\(warningCount) warning\(warningCount == 1 ? "" : "s")"
    }

    /// Every diagnostic on its own line, then the summary.
    public var description: String {
        (diagnostics.map(\.description) + [summary]).joined(separator: "\n")
    }
}
