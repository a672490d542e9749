extension DNSName {
    /// Parses a name in presentation format (RFC 1035 §5.1): labels separated by dots, `\X` and
    /// `\DDD` escapes. A name without a trailing dot is relative and is completed with `origin`;
    /// with no origin it is an error. `@` is the zone parser's business, not this one's.
    public init(text: some StringProtocol, origin: DNSName? = nil) throws(TextError) {
        let utf8 = Array(text.utf8)
        guard !utf8.isEmpty else { throw TextError("expected a domain name, found nothing") }
        if utf8 == [UInt8(ascii: ".")] {
            self = .root
            return
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count + 2)  // one allocation: escapes only shrink the text
        bytes.append(0)  // placeholder for the first label's length
        var labelStart = 0
        var index = 0
        var absolute = false

        func closeLabel() throws(TextError) {
            let length = bytes.count - labelStart - 1
            guard length > 0 else { throw TextError("empty label in domain name \"\(text)\"") }
            guard length <= DNSName.maxLabelLength else {
                throw TextError("label longer than 63 bytes in domain name \"\(text)\"")
            }
            bytes[labelStart] = UInt8(length)
        }

        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: ".") {
                try closeLabel()
                if index == utf8.count - 1 {
                    absolute = true
                } else {
                    labelStart = bytes.count
                    bytes.append(0)
                }
                index += 1
                continue
            }
            if byte == UInt8(ascii: "\\") {
                index += 1
                guard index < utf8.count else { throw TextError("dangling backslash in domain name \"\(text)\"") }
                if isDigit(utf8[index]) {
                    guard index + 2 < utf8.count, isDigit(utf8[index + 1]), isDigit(utf8[index + 2]) else {
                        throw TextError("expected three digits after \\ in domain name \"\(text)\"")
                    }
                    let value = Int(utf8[index] - 48) * 100 + Int(utf8[index + 1] - 48) * 10 + Int(utf8[index + 2] - 48)
                    guard value <= 255 else { throw TextError("\\\(value) is not a byte in domain name \"\(text)\"") }
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
        if !absolute { try closeLabel() }
        bytes.append(0)
        guard bytes.count <= DNSName.maxWireLength else {
            throw TextError("domain name \"\(text)\" is longer than 255 bytes")
        }
        var name = DNSName(trustedWire: bytes)
        if !absolute {
            guard let origin else { throw TextError("relative domain name \"\(text)\" with no origin") }
            do {
                name = try name.appending(origin)
            } catch {
                throw TextError("domain name \"\(text)\" is longer than 255 bytes with the origin")
            }
        }
        self = name
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
        let suffix = origin.isRoot ? 0 : origin.text.utf8.count
        return String(full.dropLast(suffix + (origin.isRoot ? 1 : 1)))
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
            out.append(UInt8(ascii: "\\"))
            out.append(48 + byte / 100)
            out.append(48 + (byte / 10) % 10)
            out.append(48 + byte % 10)
        }
    }
}

extension DNSName: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { text }
    public var debugDescription: String { "DNSName(\(text))" }
}

@inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte &- 48 < 10 }
