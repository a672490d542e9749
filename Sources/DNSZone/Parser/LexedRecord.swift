import DNSWire

/// One logical record of a zone file as the lexer splits it: the fields of one line, or of several
/// lines joined by parentheses, with where each field starts.
///
/// The parser reuses one value for the whole file (the arrays keep their capacity), so lexing a
/// large zone does not allocate a fresh array per record.
struct LexedRecord {
    /// Whether the first line started in column 1, i.e. the first field is an owner name (or a
    /// `$` directive). A record whose line starts with white space belongs to the previous owner.
    var hasOwner = false
    var fields: [TextField] = []
    /// `positions[i]` is where `fields[i]` starts (the opening quote for a quoted field).
    var positions: [SourcePosition] = []
    /// Where the record's first field starts, for messages about the record as a whole.
    var start = SourcePosition(line: 1, column: 1)
    /// Where the record ends (just after its last byte), for "expected more" messages.
    var end = SourcePosition(line: 1, column: 1)
    /// A syntax error the lexer found (unbalanced parenthesis, unterminated quote): the record's
    /// fields are incomplete and must not be used.
    var error: (message: String, position: SourcePosition)?

    init() {
        fields.reserveCapacity(16)
        positions.reserveCapacity(16)
    }

    mutating func reset() {
        hasOwner = false
        fields.removeAll(keepingCapacity: true)
        positions.removeAll(keepingCapacity: true)
        error = nil
    }
}
