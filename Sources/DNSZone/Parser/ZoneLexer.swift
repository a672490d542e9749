import DNSWire

/// Splits zone-file bytes into logical records (RFC 1035 §5.1), keeping the line and column of
/// every field.
///
/// It works on the file's bytes rather than on `String`s so that a million-record zone costs one
/// small string per field and nothing per character. Escapes are left in the fields (a name and a
/// character-string read them differently); the lexer only needs them to know that `\ `, `\;`,
/// `\(` and `\"` do not end a field.
struct ZoneLexer {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    /// Offset of the first byte of the current line, for columns.
    private var lineStart = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private var position: SourcePosition { SourcePosition(line: line, column: index - lineStart + 1) }

    /// Reads the next logical record into `record`; false at the end of the input.
    ///
    /// Blank and comment-only lines are skipped. Inside parentheses a newline is white space. On a
    /// syntax error the record carries the error and the lexer resumes at the next line, so one
    /// mistake costs one record, not the rest of the file.
    mutating func next(into record: inout LexedRecord) -> Bool {
        record.reset()
        var depth = 0
        var openParenthesis = position
        var startOfLine = index == lineStart
        while index < bytes.count {
            let byte = bytes[index]
            if startOfLine && depth == 0 && record.fields.isEmpty {
                record.hasOwner = byte != .space && byte != .tab
            }
            startOfLine = false
            switch byte {
            case .space, .tab, .carriageReturn:
                index += 1
            case .semicolon:
                while index < bytes.count && bytes[index] != .newline { index += 1 }
            case .newline:
                newLine()
                startOfLine = true
                if depth == 0 && !record.fields.isEmpty { return true }
            case .openParenthesis:
                if depth == 0 { openParenthesis = position }
                depth += 1
                index += 1
            case .closeParenthesis:
                guard depth > 0 else {
                    record.error = ("\")\" without a matching \"(\"", position)
                    skipLine()
                    return true
                }
                depth -= 1
                index += 1
            case .quote:
                guard lexQuoted(into: &record) else {
                    skipLine()
                    return true
                }
            default:
                guard lexWord(into: &record) else {
                    skipLine()
                    return true
                }
            }
        }
        if depth > 0 {
            record.error = ("\"(\" without a matching \")\" before the end of the file", openParenthesis)
            return true
        }
        return !record.fields.isEmpty
    }

    private mutating func newLine() {
        index += 1
        line += 1
        lineStart = index
    }

    /// Skips to the start of the next line, after an error.
    private mutating func skipLine() {
        while index < bytes.count && bytes[index] != .newline { index += 1 }
        if index < bytes.count { newLine() }
    }

    /// A field in double quotes, which may contain white space, `;` and parentheses but not a
    /// newline. The quotes are not part of the text.
    private mutating func lexQuoted(into record: inout LexedRecord) -> Bool {
        let start = position
        index += 1
        let contentStart = index
        var high: UInt8 = 0
        while index < bytes.count {
            let byte = bytes[index]
            high |= byte
            if byte == .quote {
                let ok = append(contentStart..<index, at: start, quoted: true, ascii: high < 0x80, to: &record)
                index += 1
                return ok
            }
            if byte == .newline { break }
            if byte == .backslash {
                guard index + 1 < bytes.count, bytes[index + 1] != .newline else { break }
                high |= bytes[index + 1]
                index += 2
                continue
            }
            index += 1
        }
        record.error = ("quoted string not closed on its line", start)
        return false
    }

    /// An unquoted field: up to white space, `;`, a parenthesis or a quote, except where escaped.
    private mutating func lexWord(into record: inout LexedRecord) -> Bool {
        let start = position
        let contentStart = index
        var high: UInt8 = 0
        scan: while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case .space, .tab, .carriageReturn, .newline, .semicolon, .openParenthesis, .closeParenthesis, .quote:
                break scan
            case .backslash:
                // A backslash at the end of a line stays in the field, for the field parser to
                // report as dangling.
                if index + 1 < bytes.count && bytes[index + 1] != .newline {
                    high |= bytes[index + 1]
                    index += 2
                } else {
                    index += 1
                }
            default:
                high |= byte
                index += 1
            }
        }
        return append(contentStart..<index, at: start, quoted: false, ascii: high < 0x80, to: &record)
    }

    /// Adds a field. Bytes that are not UTF-8 are an error rather than silently replaced: the
    /// field types hold `String`s, and `\DDD` says any byte exactly.
    private func append(
        _ range: Range<Int>, at start: SourcePosition, quoted: Bool, ascii: Bool, to record: inout LexedRecord
    ) -> Bool {
        let text: String
        if ascii {
            text = bytes.withUnsafeBufferPointer {
                String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self)
            }
        } else {
            guard let valid = String(validating: bytes[range], as: UTF8.self) else {
                record.error = ("field is not valid UTF-8; write other bytes as \\DDD", start)
                return false
            }
            text = valid
        }
        if record.fields.isEmpty { record.start = start }
        record.fields.append(TextField(text, quoted: quoted))
        record.positions.append(start)
        record.end = SourcePosition(line: line, column: index - lineStart + (quoted ? 2 : 1))
        return true
    }
}

extension UInt8 {
    fileprivate static let space = UInt8(ascii: " ")
    fileprivate static let tab = UInt8(ascii: "\t")
    fileprivate static let carriageReturn = UInt8(ascii: "\r")
    fileprivate static let newline = UInt8(ascii: "\n")
    fileprivate static let semicolon = UInt8(ascii: ";")
    fileprivate static let openParenthesis = UInt8(ascii: "(")
    fileprivate static let closeParenthesis = UInt8(ascii: ")")
    fileprivate static let quote = UInt8(ascii: "\"")
    fileprivate static let backslash = UInt8(ascii: "\\")
}
