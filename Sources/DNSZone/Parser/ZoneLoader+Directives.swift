import DNSWire

extension ZoneLoader {
    /// `$ORIGIN`, `$TTL` and `$INCLUDE` (RFC 1035 §5.1, RFC 2308 §4). A directive's name is
    /// case-insensitive, as in BIND.
    mutating func directive(_ lexed: LexedRecord, file: String, scope: inout Scope) {
        let fields = lexed.fields
        let positions = lexed.positions
        let name = fields[0].text.uppercased()

        /// Checks the argument count, reporting a missing argument at the end of the line and an
        /// extra one at its own column.
        func arguments(_ range: ClosedRange<Int>, _ syntax: String) -> Bool {
            let count = fields.count - 1
            if count < range.lowerBound {
                report(.error, "expected \(syntax)", file: file, at: lexed.end)
                return false
            }
            if count > range.upperBound {
                report(
                    .error, "unexpected \"\(fields[range.upperBound + 1].text)\" after \(syntax)", file: file,
                    at: positions[range.upperBound + 1])
                return false
            }
            return true
        }

        switch name {
        case "$ORIGIN":
            guard arguments(1...1, "$ORIGIN domain-name") else { return }
            guard let origin = self.name(fields[1], at: positions[1], file: file, origin: scope.origin) else { return }
            scope.origin = origin
            if firstOrigin == nil { firstOrigin = origin }
        case "$TTL":
            guard arguments(1...1, "$TTL ttl") else { return }
            guard !fields[1].isQuoted, let ttl = TTL.parse(fields[1].text) else {
                report(
                    .error, "invalid $TTL \"\(fields[1].text)\"; expected seconds or units like 1h30m", file: file,
                    at: positions[1])
                return
            }
            scope.defaultTTL = ttl
        case "$INCLUDE":
            guard arguments(1...2, "$INCLUDE file-name [domain-name]") else { return }
            include(lexed, file: file, scope: scope)
        case "$GENERATE":
            report(.error, "$GENERATE is not supported", file: file, at: positions[0])
        default:
            report(.error, "unknown directive \(fields[0].text)", file: file, at: positions[0])
        }
    }

    /// `$INCLUDE file [origin]`: reads another file in place. The path is relative to the including
    /// file's directory; the origin, relative to the current one, applies to the included file only.
    private mutating func include(_ lexed: LexedRecord, file: String, scope: Scope) {
        let pathField = lexed.fields[1]
        let pathPosition = lexed.positions[1]
        var included = scope
        if lexed.fields.count == 3 {
            guard let origin = name(lexed.fields[2], at: lexed.positions[2], file: file, origin: scope.origin) else {
                return
            }
            included.origin = origin
        }
        let path: String
        do {
            path = String(decoding: try pathField.unescaped(field: 1), as: UTF8.self)
        } catch {
            report(.error, error.message, file: file, at: pathPosition)
            return
        }
        let resolved = ZoneFileReader.resolve(path, relativeTo: file)
        guard includeStack.count < ZoneFileParser.maxIncludeDepth else {
            report(
                .error, "$INCLUDE nested more than \(ZoneFileParser.maxIncludeDepth) deep", file: file,
                at: pathPosition)
            return
        }
        let identity = source.identity(resolved)
        guard !includeStack.contains(identity) else {
            report(.error, "$INCLUDE loop: \(resolved) is already being read", file: file, at: pathPosition)
            return
        }
        guard includesFollowed < limits.includes else {
            report(
                .error, "more than \(limits.includes) $INCLUDEs in one zone; \(resolved) not read", file: file,
                at: pathPosition)
            return
        }
        includesFollowed += 1
        switch source.contents(resolved, limits.bytes - bytesRead) {
        case .success(let bytes):
            load(bytes, file: resolved, identity: identity, scope: included)
        case .failure(let error):
            report(.error, "cannot read \(resolved): \(error.message)", file: file, at: pathPosition)
        }
    }

    /// A domain-name argument of a directive, relative to `origin`.
    private mutating func name(
        _ field: TextField, at position: SourcePosition, file: String, origin: DNSName?
    ) -> DNSName? {
        do {
            return try DNSName(text: field.text, origin: origin)
        } catch {
            report(.error, error.message, file: file, at: position)
            return nil
        }
    }
}
