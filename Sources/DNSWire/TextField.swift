/// One whitespace-separated field of a presentation-format record, as the zone-file lexer found it.
///
/// Escapes are left in `text`: a domain name and a character-string interpret `\X` and `\DDD`
/// differently (a name keeps `\.` inside a label), so each RDATA field type does its own unescaping.
public struct TextField: Sendable, Equatable, CustomStringConvertible {
    public var text: String
    /// Whether the field was written in double quotes (which may contain spaces and `;`).
    public var isQuoted: Bool

    public init(_ text: String, quoted: Bool = false) {
        self.text = text
        self.isQuoted = quoted
    }

    public var description: String { isQuoted ? "\"\(text)\"" : text }

    /// The field as a character-string (RFC 1035 §3.3): escapes resolved, at most 255 bytes.
    public func characterString(field index: Int) throws(TextError) -> [UInt8] {
        let bytes = try unescaped(field: index)
        guard bytes.count <= 255 else { throw TextError(field: index, "character-string longer than 255 bytes") }
        return bytes
    }

    /// The field's bytes with `\X` and `\DDD` escapes resolved.
    public func unescaped(field index: Int) throws(TextError) -> [UInt8] {
        let utf8 = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var position = 0
        while position < utf8.count {
            let byte = utf8[position]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                position += 1
                continue
            }
            position += 1
            guard position < utf8.count else { throw TextError(field: index, "dangling backslash") }
            if isDigit(utf8[position]) {
                guard position + 2 < utf8.count, isDigit(utf8[position + 1]), isDigit(utf8[position + 2]) else {
                    throw TextError(field: index, "expected three digits after \\")
                }
                let value =
                    Int(utf8[position] - 48) * 100 + Int(utf8[position + 1] - 48) * 10 + Int(utf8[position + 2] - 48)
                guard value <= 255 else { throw TextError(field: index, "\\\(value) is not a byte") }
                out.append(UInt8(value))
                position += 3
            } else {
                out.append(utf8[position])
                position += 1
            }
        }
        return out
    }

    /// Splits a line of presentation text into fields: white space separates, double quotes group,
    /// backslash escapes. For tests and tools; the zone-file lexer does this with positions.
    public static func split(_ line: String) -> [TextField] {
        var fields: [TextField] = []
        var current: [UInt8] = []
        var inQuotes = false
        var hasField = false
        var quoted = false
        var utf8 = Array(line.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "\\") {
                current.append(byte)
                if let next = utf8.popFirst() { current.append(next) }
                hasField = true
            } else if byte == UInt8(ascii: "\"") {
                if inQuotes {
                    fields.append(TextField(String(decoding: current, as: UTF8.self), quoted: true))
                    current = []
                    hasField = false
                    quoted = false
                } else {
                    quoted = true
                }
                inQuotes.toggle()
            } else if !inQuotes && (byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")) {
                if hasField { fields.append(TextField(String(decoding: current, as: UTF8.self), quoted: quoted)) }
                current = []
                hasField = false
            } else {
                current.append(byte)
                hasField = true
            }
        }
        if hasField { fields.append(TextField(String(decoding: current, as: UTF8.self), quoted: quoted)) }
        return fields
    }
}

extension [UInt8] {
    /// Presentation form of a character-string: quoted, with `"` and `\` escaped and bytes outside
    /// printable ASCII as `\DDD`.
    public var quotedCharacterString: String {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for byte in self {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case 0x20...0x7E:
                out.append(byte)
            default:
                appendDecimalEscape(byte, to: &out)
            }
        }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
    }
}
