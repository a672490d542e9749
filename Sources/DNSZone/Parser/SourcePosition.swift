/// A place in a zone file: 1-based line and column, the column counted in bytes.
///
/// Kept as two small integers so the lexer can record one per field without cost; the file name
/// is known from context and joined only when a diagnostic is made.
struct SourcePosition: Sendable, Hashable {
    var line: Int32
    var column: Int32

    init(line: Int, column: Int) {
        self.line = Int32(truncatingIfNeeded: line)
        self.column = Int32(truncatingIfNeeded: column)
    }
}

/// Where a parsed record starts: its file (an index into the parse's file names) and position.
/// One per record, beside the records rather than in them, so the built zone never carries it.
struct RecordSource: Sendable, Hashable {
    var file: Int32
    var position: SourcePosition
}

/// What the parser notes, as it appends records, for the semantic checks: the records of the few
/// types they look at (SOA, NS, CNAME, DNAME) and those outside the apex, so that the checks need
/// no pass of their own over every record.
struct CheckNotes: Sendable {
    var notable: [Int32] = []
    /// Records outside the apex, among those read once it was known (`apexKnownFrom` on).
    var outOfZone: [Int32] = []
    /// The index of the first record read with the apex known: 0 with an origin given, else the
    /// first SOA's; the records before it are checked against the apex afterwards.
    var apexKnownFrom = 0
}
