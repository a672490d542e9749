import DNSWire

/// The state of one parse: the records and diagnostics so far and the chain of included files.
///
/// Per-file state (origin, previous owner, TTLs) lives in `Scope`, which an `$INCLUDE` copies and
/// the including file gets back unchanged afterwards (RFC 1035 §5.1: an included file's `$ORIGIN`
/// does not leak into its parent).
struct ZoneLoader {
    /// What a record without an owner, TTL or class inherits, and what names are relative to.
    struct Scope {
        var origin: DNSName?
        /// The owner of the previous record, for lines that start with white space.
        var lastOwner: DNSName?
        /// The owner field `lastOwner` was parsed from, and the origin it was relative to.
        var lastOwnerText = ""
        var lastOwnerOrigin: DNSName?
        /// Whether the previous record's owner was unreadable, so that lines continuing it are
        /// reported as such rather than given some older owner.
        var lastOwnerFailed = false
        /// The last TTL written on a record (RFC 1035 §5.1), used only when there is no `$TTL`.
        var lastTTL: UInt32?
        /// `$TTL` (RFC 2308 §4).
        var defaultTTL: UInt32?

        init(origin: DNSName?, defaultTTL: UInt32?) {
            self.origin = origin
            self.defaultTTL = defaultTTL
        }
    }

    /// The origin the caller gave (the semantic checks hold the records against it).
    let givenOrigin: DNSName?
    var records: [ResourceRecord] = []
    /// Where each record starts, parallel to `records`, for the semantic checks' messages.
    var sources: [RecordSource] = []
    /// The files read, indexed by `RecordSource.file`.
    var files: [String] = []
    /// The index in `files` of the file being read.
    var currentFile: Int32 = 0
    var notes = CheckNotes()
    var diagnostics: [ZoneFileDiagnostic] = []
    var errorCount = 0
    var warningCount = 0
    /// Set once `maxErrors` is reached; every loop checks it.
    var stopped = false
    /// The owner of the first SOA record: the zone apex when no origin was given.
    var soaOwner: DNSName?
    var firstOrigin: DNSName?
    /// Canonical paths of the files being read, outermost first, to catch include loops.
    var includeStack: [String] = []
    /// The bounds on what this load reads, and what it has read so far.
    var limits = ZoneFileParser.Limits.default
    var includesFollowed = 0
    /// Where `$INCLUDE`d files are read from.
    var source = ZoneFileSource.fileSystem
    var bytesRead = 0
    /// Whether the RFC 1035 "last TTL" rule has been used (warned about once).
    var warnedLastTTL = false
    /// The RDATA fields of the record being parsed; reused so that each record does not allocate.
    var rdataFields: [TextField] = []

    init(origin: DNSName?) {
        givenOrigin = origin
        notes.apexKnownFrom = origin == nil ? Int.max : 0
        records.reserveCapacity(1024)
        sources.reserveCapacity(1024)
    }

    var result: ZoneFileResult {
        ZoneFileResult(
            records: records, origin: givenOrigin ?? soaOwner ?? firstOrigin ?? .root, diagnostics: diagnostics,
            sources: sources, files: files, notes: notes)
    }

    /// Reads one file's bytes. `identity` is its canonical path, for include-loop detection.
    mutating func load(_ bytes: [UInt8], file: String, identity: String, scope initial: Scope) {
        bytesRead += bytes.count
        includeStack.append(identity)
        let outerFile = currentFile
        currentFile = Int32(files.firstIndex(of: file) ?? files.count)
        if currentFile == files.count { files.append(file) }
        defer {
            includeStack.removeLast()
            currentFile = outerFile
        }
        var scope = initial
        var lexer = ZoneLexer(bytes: bytes)
        var lexed = LexedRecord()
        while !stopped, lexer.next(into: &lexed) {
            if let (message, position) = lexed.error {
                report(.error, message, file: file, at: position)
                if lexed.hasOwner { scope.lastOwnerFailed = true }
                continue
            }
            if lexed.hasOwner, !lexed.fields[0].isQuoted, lexed.fields[0].text.utf8.first == UInt8(ascii: "$") {
                directive(lexed, file: file, scope: &scope)
            } else {
                record(lexed, file: file, scope: &scope)
            }
        }
    }

    /// Adds a diagnostic, honouring the limits. `position` nil means the whole file.
    mutating func report(
        _ severity: ZoneFileDiagnostic.Severity, _ message: String, file: String, at position: SourcePosition?
    ) {
        guard !stopped else { return }
        let line = Int(position?.line ?? 0)
        let column = Int(position?.column ?? 0)
        switch severity {
        case .error:
            diagnostics.append(ZoneFileDiagnostic(.error, file: file, line: line, column: column, message))
            errorCount += 1
            if errorCount == ZoneFileParser.maxErrors {
                diagnostics.append(
                    ZoneFileDiagnostic(
                        .error, file: file, line: line, column: column,
                        "too many errors (\(ZoneFileParser.maxErrors)); stopped reading"))
                stopped = true
            }
        case .warning:
            warningCount += 1
            if warningCount <= ZoneFileParser.maxWarnings {
                diagnostics.append(ZoneFileDiagnostic(.warning, file: file, line: line, column: column, message))
            } else if warningCount == ZoneFileParser.maxWarnings + 1 {
                diagnostics.append(
                    ZoneFileDiagnostic(
                        .warning, file: file, line: line, column: column,
                        "more than \(ZoneFileParser.maxWarnings) warnings; the rest are not listed"))
            }
        }
    }
}
