import DNSWire

/// The TSIG error codes of RFC 8945 §3 (extended RCODEs carried in the TSIG record's error field;
/// the message's own RCODE is NOTAUTH).
public struct TSIGError: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let none = TSIGError(rawValue: 0)
    public static let badSig = TSIGError(rawValue: 16)
    public static let badKey = TSIGError(rawValue: 17)
    public static let badTime = TSIGError(rawValue: 18)
    public static let badTrunc = TSIGError(rawValue: 22)

    public var description: String {
        switch rawValue {
        case 0: "NOERROR"
        case 16: "BADSIG"
        case 17: "BADKEY"
        case 18: "BADTIME"
        case 22: "BADTRUNC"
        default: "TSIG error \(rawValue)"
        }
    }
}

/// A TSIG record read from a message (RFC 8945 §4.2), and where it sits in it.
public struct TSIGRecord: Sendable, Equatable {
    /// The key name as received, lowercased.
    public var keyName: DNSName
    /// The algorithm name as received (wire form, lowercased).
    public var algorithmWire: [UInt8]
    /// Seconds since the epoch, 48 bits.
    public var timeSigned: UInt64
    public var fudge: UInt16
    public var mac: [UInt8]
    public var originalID: UInt16
    public var error: TSIGError
    public var otherData: [UInt8]
    /// The record's first byte (its owner) in the message: what the MAC covers ends here.
    public var start: Int

    /// Reads the TSIG record at `range` of `message` (the range `Query.decode` gives).
    public init(message: UnsafeRawBufferPointer, range: Range<Int>) throws(WireError) {
        var reader = WireReader(
            UnsafeRawBufferPointer(rebasing: message[..<range.upperBound]), offset: range.lowerBound)
        start = range.lowerBound
        keyName = try reader.readName().lowercased()
        guard try reader.readUInt16() == RRType.tsig.rawValue else { throw .unexpectedRecord(at: range.lowerBound) }
        // CLASS ANY, TTL 0 (RFC 8945 §4.2); not enforced, as BIND does not.
        try reader.skip(6)
        let length = Int(try reader.readUInt16())
        let end = reader.offset + length
        guard end == range.upperBound else { throw .badRDataLength(type: RRType.tsig.rawValue, at: reader.offset) }
        algorithmWire = try reader.readName().lowercased().wire
        let high = UInt64(try reader.readUInt16())
        timeSigned = high << 32 | UInt64(try reader.readUInt32())
        fudge = try reader.readUInt16()
        mac = try reader.readBytes(Int(try reader.readUInt16()))
        originalID = try reader.readUInt16()
        error = TSIGError(rawValue: try reader.readUInt16())
        otherData = try reader.readBytes(Int(try reader.readUInt16()))
        guard reader.offset == end else { throw .badRDataLength(type: RRType.tsig.rawValue, at: reader.offset) }
    }
}
