extension ZoneFileResult {
    /// Adds the semantic errors of the parsed zone, each at the `file:line:column` of the record
    /// at fault, after any syntax errors: one run shows both, as named-checkzone and nsd-checkzone
    /// do. The records that did parse are checked even when others did not.
    ///
    /// Errors: data outside the zone; no SOA at the apex, a second SOA, an SOA elsewhere; no NS at
    /// the apex, or an apex NS naming an in-zone host that has no address; a CNAME beside other
    /// data (RRSIG and NSEC allowed), two CNAMEs or two DNAMEs at one name; data below a DNAME.
    /// Warnings: a delegation's in-zone name server without glue (A or AAAA). Records given twice
    /// count once, as `Zone.build` collapses them.
    public mutating func check() {
        guard !records.isEmpty || isValid else { return }  // an unreadable file: nothing to check
        var errorCount = errors.count
        guard errorCount < ZoneFileParser.maxErrors else { return }  // the parser gave up already
        var checker = ZoneChecker(origin: origin, records: records, notes: notes)
        checker.run()
        // File order (the order of the records at fault), as a reader goes through the file.
        let found = checker.found.enumerated().sorted {
            ($0.element.record, $0.offset) < ($1.element.record, $1.offset)
        }
        for (_, problem) in found {
            if problem.severity == .error {
                guard errorCount < ZoneFileParser.maxErrors else {
                    diagnostics.append(diagnostic(.error, at: problem.record, "too many errors; stopped checking"))
                    return
                }
                errorCount += 1
            }
            diagnostics.append(diagnostic(problem.severity, at: problem.record, message(problem)))
        }
    }

    /// The message of a problem, ending with the place of the other record it names ("line 7", or
    /// "other.zone:7" when that one is in another file).
    private func message(_ problem: ZoneChecker.Problem) -> String {
        guard let (note, other) = problem.other else { return problem.message }
        let place: String
        if sources.count == records.count, other < sources.count {
            let source = sources[other]
            place =
                source.file == sources[problem.record].file
                ? "line \(source.position.line)" : "\(files[Int(source.file)]):\(source.position.line)"
        } else {
            place = "record \(other + 1)"
        }
        return "\(problem.message); \(note) \(place)"
    }

    /// A diagnostic at record `index`, or about the whole file when its position is not known.
    private func diagnostic(
        _ severity: ZoneFileDiagnostic.Severity, at index: Int, _ message: String
    ) -> ZoneFileDiagnostic {
        guard index >= 0, index < sources.count, sources.count == records.count else {
            return ZoneFileDiagnostic(severity, file: files.first ?? "<zone>", line: 0, column: 0, message)
        }
        let source = sources[index]
        return ZoneFileDiagnostic(
            severity, file: files[Int(source.file)], line: Int(source.position.line),
            column: Int(source.position.column), message)
    }
}
