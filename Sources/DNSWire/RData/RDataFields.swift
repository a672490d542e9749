/// Presentation-format helpers shared by the RDATA types: binary blobs that zone files may split
/// across several fields, and the checks every decoder makes on the bytes left in its RDATA.

/// Parses fields `start...` as one hexadecimal string (RFC 4034 §5.3 lets a digest be split by
/// white space). At least one field and one byte are required.
func parseHex(_ fields: [TextField], from start: Int, _ what: String) throws(TextError) -> [UInt8] {
    guard start < fields.count else { throw TextError(field: start, "expected \(what) in hexadecimal") }
    var joined = ""
    for field in fields[start...] { joined += field.text }
    guard let bytes = Base16.decode(joined), !bytes.isEmpty else {
        throw TextError(field: start, "expected \(what) in hexadecimal (an even number of digits 0-9 A-F)")
    }
    return bytes
}

/// Parses fields `start...` as one base64 string (keys and signatures are usually split).
func parseBase64(_ fields: [TextField], from start: Int, _ what: String) throws(TextError) -> [UInt8] {
    guard start < fields.count else { throw TextError(field: start, "expected \(what) in base64") }
    var joined = ""
    for field in fields[start...] { joined += field.text }
    guard let bytes = Base64.decode(joined) else {
        throw TextError(field: start, "expected \(what) in base64 (A-Z a-z 0-9 + /, padded with =)")
    }
    return bytes
}

/// Whether every byte of `text` is an ASCII digit (Swift's integer parsing also takes a sign).
@inline(__always) func isAllDigits(_ text: some StringProtocol) -> Bool {
    !text.isEmpty && text.utf8.allSatisfy(isDigit)
}

extension WireReader {
    /// The bytes from the cursor to `end` (the end of the current RDATA), which must not be before
    /// the cursor: a field before it already ran past RDLENGTH.
    @inlinable mutating func readRest(to end: Int, type: RRType) throws(WireError) -> [UInt8] {
        guard end >= offset else { throw .badRDataLength(type: type.rawValue, at: offset) }
        return try readBytes(end - offset)
    }

    /// A one-byte length and that many bytes, all inside the RDATA ending at `end`.
    @inlinable mutating func readLengthPrefixed(to end: Int, type: RRType) throws(WireError) -> [UInt8] {
        guard offset < end else { throw .badRDataLength(type: type.rawValue, at: offset) }
        let count = Int(try readUInt8())
        guard offset + count <= end else { throw .badRDataLength(type: type.rawValue, at: offset - 1) }
        return try readBytes(count)
    }

    /// Fails unless `count` more bytes of the RDATA ending at `end` remain.
    @inlinable func require(_ count: Int, before end: Int, type: RRType) throws(WireError) {
        guard offset + count <= end else { throw .badRDataLength(type: type.rawValue, at: offset) }
    }
}
