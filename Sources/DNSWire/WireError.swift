/// Why a packet or a piece of wire data could not be decoded.
///
/// Every decoder in `DNSWire` reports malformed input with one of these instead of trapping, so the
/// server can answer FORMERR (or drop the packet) and keep serving.
public enum WireError: Error, Equatable, Sendable {
    /// The data ended before a field that had to be there.
    case truncated(at: Int)
    /// A compression pointer pointed forward, at itself, or past the end of the packet.
    case badPointer(at: Int)
    /// Following compression pointers did not terminate.
    case pointerLoop(at: Int)
    /// A name that follows more than `WireReader.maxPointers` compression pointers.
    case tooManyPointers(at: Int)
    /// A label longer than 63 bytes, or a reserved label type (0x40/0x80).
    case badLabel(at: Int)
    /// A name longer than 255 bytes in wire form.
    case nameTooLong(at: Int)
    /// RDLENGTH disagrees with what the type's fields need.
    case badRDataLength(type: UInt16, at: Int)
    /// RDATA whose fields are individually invalid (e.g. a bad type bitmap).
    case badRData(type: UInt16, at: Int)
    /// A message with more than one OPT record, or an OPT record outside the additional section.
    case badOPT(at: Int)
    /// A section a message of its kind cannot have, or more records in it than it can have (for a
    /// query: any answer, authority other than IXFR's SOA, additional other than OPT and TSIG).
    case unexpectedRecord(at: Int)
    /// Bytes after the last record that the section counts announced.
    case trailingData(at: Int)
    /// The message does not fit the output limit (encoding).
    case overflow
}

/// Why presentation (zone-file) text could not be parsed.
public struct TextError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Index of the offending field in the field list given to the parser, or nil for the whole line.
    public var field: Int?
    /// What was expected, phrased for a person: "expected an IPv4 address".
    public var message: String

    public init(field: Int? = nil, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { message }
}
