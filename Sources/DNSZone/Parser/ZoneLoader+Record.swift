import DNSWire

extension ZoneLoader {
    /// Parses one resource record: `[owner] [TTL] [class] type RDATA`, TTL and class in either
    /// order (RFC 1035 §5.1).
    mutating func record(_ lexed: LexedRecord, file: String, scope: inout Scope) {
        let fields = lexed.fields
        let positions = lexed.positions
        var index = 0

        let owner: DNSName
        if lexed.hasOwner {
            index = 1
            guard let name = self.owner(fields[0], at: positions[0], file: file, scope: scope) else {
                scope.lastOwnerFailed = true
                return
            }
            owner = name
            scope.lastOwner = name
            scope.lastOwnerText = fields[0].text
            scope.lastOwnerOrigin = scope.origin
            scope.lastOwnerFailed = false
        } else if let last = scope.lastOwner, !scope.lastOwnerFailed {
            owner = last
        } else {
            let message =
                scope.lastOwnerFailed
                ? "this line continues a record whose owner name is invalid"
                : "no owner name: the first record must start in column 1"
            report(.error, message, file: file, at: lexed.start)
            return
        }

        var ttl: UInt32?
        var rrClass: RRClass?
        var classIndex = 0
        while index < fields.count, !fields[index].isQuoted {
            let text = fields[index].text
            if ttl == nil, let first = text.utf8.first, first &- 48 < 10 {
                guard let value = TTL.parse(text) else {
                    report(.error, "invalid TTL \"\(text)\"", file: file, at: positions[index])
                    return
                }
                ttl = value
            } else if rrClass == nil, let value = Self.isIN(text) ? RRClass.in : RRClass(text: text) {
                rrClass = value
                classIndex = index
            } else {
                break
            }
            index += 1
        }
        if let rrClass, rrClass != .in {
            report(
                .error, "class \(rrClass) is not supported; only IN zones are served", file: file,
                at: positions[classIndex])
            return
        }

        guard index < fields.count else {
            report(.error, "expected a record type", file: file, at: lexed.end)
            return
        }
        guard !fields[index].isQuoted, let type = RRType(text: fields[index].text) else {
            report(.error, "unknown record type \"\(fields[index].text)\"", file: file, at: positions[index])
            return
        }
        guard !type.isMeta, type.rawValue != 0 else {
            report(.error, "type \(type) cannot appear in a zone", file: file, at: positions[index])
            return
        }

        let rdataStart = index + 1
        let data: RData
        do {
            rdataFields.removeAll(keepingCapacity: true)
            rdataFields.append(contentsOf: fields[rdataStart...])
            data = try RData(type: type, fields: rdataFields, origin: scope.origin)
        } catch {
            let at: SourcePosition
            if let field = error.field {
                at = rdataStart + field < positions.count ? positions[rdataStart + field] : lexed.end
            } else {
                at = rdataStart < positions.count ? positions[rdataStart] : positions[index]
            }
            report(.error, error.message, file: file, at: at)
            return
        }

        let recordTTL: UInt32
        if let ttl {
            recordTTL = ttl
            scope.lastTTL = ttl
        } else if let defaultTTL = scope.defaultTTL {
            recordTTL = defaultTTL
        } else if let lastTTL = scope.lastTTL {
            recordTTL = lastTTL
            if !warnedLastTTL {
                warnedLastTTL = true
                report(
                    .warning, "no $TTL: records without a TTL take the previous record's TTL (RFC 1035)",
                    file: file, at: lexed.start)
            }
        } else if case .soa(let soa) = data {
            // BIND's rule for zones from before RFC 2308: the SOA minimum stands in for $TTL.
            recordTTL = soa.minimum
            scope.lastTTL = soa.minimum
            report(
                .warning, "no TTL and no $TTL: using the SOA minimum \(soa.minimum) as the TTL",
                file: file, at: positions[index])
        } else {
            report(
                .error, "no TTL: the record has none and no $TTL or earlier TTL applies", file: file, at: lexed.start)
            return
        }

        // The first SOA's owner is the apex when no origin was given; whether the SOA records
        // are where they belong is for the semantic checks (ZoneFileResult.check), which find
        // here what they would otherwise make a pass over every record for.
        switch data {
        case .soa:
            if soaOwner == nil {
                soaOwner = owner
                notes.apexKnownFrom = records.count
            }
            notes.notable.append(Int32(records.count))
        case .ns, .cname, .dname: notes.notable.append(Int32(records.count))
        default: break
        }
        if let apex = givenOrigin ?? soaOwner, !owner.isSubdomain(of: apex) {
            notes.outOfZone.append(Int32(records.count))
        }
        records.append(ResourceRecord(name: owner, rrClass: .in, ttl: recordTTL, data: data))
        sources.append(RecordSource(file: currentFile, position: lexed.start))
    }

    /// The owner field: `@` for the origin, else a name relative to it.
    private mutating func owner(
        _ field: TextField, at position: SourcePosition, file: String, scope: Scope
    ) -> DNSName? {
        if field.isQuoted {
            report(.error, "an owner name cannot be quoted", file: file, at: position)
            return nil
        }
        // Zones often repeat an owner on consecutive lines; reuse the name rather than parse it again.
        if let last = scope.lastOwner, field.text == scope.lastOwnerText, scope.lastOwnerOrigin == scope.origin {
            return last
        }
        if field.text == "@" {
            guard let origin = scope.origin else {
                report(.error, "@ used with no origin; give one or set $ORIGIN", file: file, at: position)
                return nil
            }
            return origin
        }
        do {
            return try DNSName(text: field.text, origin: scope.origin)
        } catch {
            report(.error, error.message, file: file, at: position)
            return nil
        }
    }

    /// Whether a field is the class `IN`, checked without the allocation of `RRClass(text:)`:
    /// nearly every record of a zone that names a class names this one.
    private static func isIN(_ text: String) -> Bool {
        var utf8 = text.utf8.makeIterator()
        guard let first = utf8.next(), let second = utf8.next(), utf8.next() == nil else { return false }
        return first | 0x20 == UInt8(ascii: "i") && second | 0x20 == UInt8(ascii: "n")
    }
}
