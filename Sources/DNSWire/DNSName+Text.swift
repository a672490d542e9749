extension DNSName {
    /// Parses a name in presentation format (RFC 1035 §5.1): labels separated by dots, `\X` and
    /// `\DDD` escapes. A name without a trailing dot is relative and is completed with `origin`;
    /// with no origin it is an error. `@` is the zone parser's business, not this one's.
    ///
    /// Reads the text's bytes in place and writes the wire form, origin included, into one array
    /// allocated at its final size: a zone file holds a name or two per record, and copying the
    /// text and then joining the origin cost three allocations per name.
    public init(text: some StringProtocol, origin: DNSName? = nil) throws(TextError) {
        let parsed =
            text.utf8.withContiguousStorageIfAvailable { DNSName.parseText($0, origin: origin) }
            ?? Array(text.utf8).withUnsafeBufferPointer { DNSName.parseText($0, origin: origin) }
        switch parsed {
        case .success(let wire): self.init(trustedWire: wire)
        case .failure(let problem): throw problem.error(text: String(text))
        }
    }

    /// What is wrong with a name's text; the message, which quotes the text, is made only when
    /// the error is thrown.
    enum TextProblem: Error {
        case empty, emptyLabel, longLabel, danglingBackslash, expectedDigits, tooLong, relativeWithoutOrigin
        case tooLongWithOrigin
        case notAByte(Int)

        func error(text: String) -> TextError {
            switch self {
            case .empty: TextError("expected a domain name, found nothing")
            case .emptyLabel: TextError("empty label in domain name \"\(text)\"")
            case .longLabel: TextError("label longer than 63 bytes in domain name \"\(text)\"")
            case .danglingBackslash: TextError("dangling backslash in domain name \"\(text)\"")
            case .expectedDigits: TextError("expected three digits after \\ in domain name \"\(text)\"")
            case .notAByte(let value): TextError("\\\(value) is not a byte in domain name \"\(text)\"")
            case .tooLong: TextError("domain name \"\(text)\" is longer than 255 bytes")
            case .relativeWithoutOrigin: TextError("relative domain name \"\(text)\" with no origin")
            case .tooLongWithOrigin: TextError("domain name \"\(text)\" is longer than 255 bytes with the origin")
            }
        }
    }

    /// The wire form of the name written as `utf8`, completed with `origin` when relative.
    static func parseText(_ utf8: UnsafeBufferPointer<UInt8>, origin: DNSName?) -> Result<[UInt8], TextProblem> {
        let count = utf8.count
        guard count > 0 else { return .failure(.empty) }
        if count == 1 && utf8[0] == UInt8(ascii: ".") { return .success(DNSName.root.wire) }
        // Whether the last dot ends the name (absolute) rather than being escaped: it is escaped
        // when an odd number of backslashes precede it (`\\.` is a backslash, then the end).
        var absolute = false
        if utf8[count - 1] == UInt8(ascii: ".") {
            var backslashes = 0
            while backslashes < count - 1 && utf8[count - 2 - backslashes] == UInt8(ascii: "\\") { backslashes += 1 }
            absolute = backslashes % 2 == 0
        }
        // Escapes only shrink the text, so this is an upper bound of the wire length.
        let textEnd = absolute ? count - 1 : count
        var bytes: [UInt8] = []
        bytes.reserveCapacity(textEnd + 2 + (absolute ? 0 : (origin?.wire.count ?? 0)))
        bytes.append(0)  // placeholder for the first label's length
        var labelStart = 0
        var index = 0

        while index < textEnd {
            let byte = utf8[index]
            if byte == UInt8(ascii: ".") {
                let length = bytes.count - labelStart - 1
                guard length > 0 else { return .failure(.emptyLabel) }
                guard length <= DNSName.maxLabelLength else { return .failure(.longLabel) }
                bytes[labelStart] = UInt8(length)
                labelStart = bytes.count
                bytes.append(0)
                index += 1
                continue
            }
            if byte == UInt8(ascii: "\\") {
                index += 1
                guard index < count else { return .failure(.danglingBackslash) }
                if isDigit(utf8[index]) {
                    guard index + 2 < count, isDigit(utf8[index + 1]), isDigit(utf8[index + 2]) else {
                        return .failure(.expectedDigits)
                    }
                    let value = Int(utf8[index] - 48) * 100 + Int(utf8[index + 1] - 48) * 10 + Int(utf8[index + 2] - 48)
                    guard value <= 255 else { return .failure(.notAByte(value)) }
                    bytes.append(UInt8(value))
                    index += 3
                } else {
                    bytes.append(utf8[index])
                    index += 1
                }
                continue
            }
            bytes.append(byte)
            index += 1
        }
        let length = bytes.count - labelStart - 1
        guard length > 0 else { return .failure(.emptyLabel) }
        guard length <= DNSName.maxLabelLength else { return .failure(.longLabel) }
        bytes[labelStart] = UInt8(length)
        guard bytes.count + 1 <= DNSName.maxWireLength else { return .failure(.tooLong) }
        if absolute {
            bytes.append(0)
        } else {
            guard let origin else { return .failure(.relativeWithoutOrigin) }
            guard bytes.count + origin.wire.count <= DNSName.maxWireLength else { return .failure(.tooLongWithOrigin) }
            bytes.append(contentsOf: origin.wire)
        }
        return .success(bytes)
    }

    /// The name in presentation format, absolute (with the trailing dot), with the escapes that make
    /// it parse back to the same bytes.
    public var text: String {
        if isRoot { return "." }
        var out: [UInt8] = []
        out.reserveCapacity(wire.count + 8)
        var index = 0
        while wire[index] != 0 {
            let length = Int(wire[index])
            for byte in wire[(index + 1)...(index + length)] {
                DNSName.appendEscaped(byte, to: &out)
            }
            out.append(UInt8(ascii: "."))
            index += 1 + length
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The name relative to `origin` when it lies below it (`@` for the origin itself), else absolute.
    public func text(relativeTo origin: DNSName) -> String {
        if self == origin { return "@" }
        guard isSubdomain(of: origin) else { return text }
        let full = text
        // Drop the origin's text and the dot before it (for the root: just the final dot).
        let suffix = origin.isRoot ? 0 : origin.text.utf8.count
        return String(full.dropLast(suffix + 1))
    }

    static func appendEscaped(_ byte: UInt8, to out: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "."), UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: ";"), UInt8(ascii: "@"), UInt8(ascii: "$"):
            out.append(UInt8(ascii: "\\"))
            out.append(byte)
        case 0x21...0x7E:
            out.append(byte)
        default:
            appendDecimalEscape(byte, to: &out)
        }
    }
}

/// Appends `\DDD`, the presentation escape for a byte that is not printable ASCII.
func appendDecimalEscape(_ byte: UInt8, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\\"))
    out.append(48 + byte / 100)
    out.append(48 + (byte / 10) % 10)
    out.append(48 + byte % 10)
}

extension DNSName: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { text }
    public var debugDescription: String { "DNSName(\(text))" }
}

@inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte &- 48 < 10 }
