/// The fixed 12-byte message header (RFC 1035 §4.1.1), with the flag bits as properties.
public struct Header: Hashable, Sendable {
    public var id: UInt16
    /// QR, Opcode, AA, TC, RD, RA, Z, AD, CD and the low four bits of RCODE, as on the wire.
    public var flags: UInt16
    public var questionCount: UInt16
    public var answerCount: UInt16
    public var authorityCount: UInt16
    public var additionalCount: UInt16

    public static let size = 12

    public init(
        id: UInt16 = 0, flags: UInt16 = 0, questionCount: UInt16 = 0, answerCount: UInt16 = 0,
        authorityCount: UInt16 = 0, additionalCount: UInt16 = 0
    ) {
        self.id = id
        self.flags = flags
        self.questionCount = questionCount
        self.answerCount = answerCount
        self.authorityCount = authorityCount
        self.additionalCount = additionalCount
    }

    public init(decoding reader: inout WireReader) throws(WireError) {
        id = try reader.readUInt16()
        flags = try reader.readUInt16()
        questionCount = try reader.readUInt16()
        answerCount = try reader.readUInt16()
        authorityCount = try reader.readUInt16()
        additionalCount = try reader.readUInt16()
    }

    public func serialize(into writer: inout WireWriter) {
        let fields = (id, flags, questionCount, answerCount, authorityCount, additionalCount)
        writer.writeRaw(count: Header.size) { out in
            out.storeBytes(of: fields.0.bigEndian, as: UInt16.self)
            out.storeBytes(of: fields.1.bigEndian, toByteOffset: 2, as: UInt16.self)
            out.storeBytes(of: fields.2.bigEndian, toByteOffset: 4, as: UInt16.self)
            out.storeBytes(of: fields.3.bigEndian, toByteOffset: 6, as: UInt16.self)
            out.storeBytes(of: fields.4.bigEndian, toByteOffset: 8, as: UInt16.self)
            out.storeBytes(of: fields.5.bigEndian, toByteOffset: 10, as: UInt16.self)
        }
    }

    public static let qrBit: UInt16 = 0x8000
    public static let aaBit: UInt16 = 0x0400
    public static let tcBit: UInt16 = 0x0200
    public static let rdBit: UInt16 = 0x0100
    public static let raBit: UInt16 = 0x0080
    public static let adBit: UInt16 = 0x0020
    public static let cdBit: UInt16 = 0x0010

    @inlinable func bit(_ mask: UInt16) -> Bool { flags & mask != 0 }
    @inlinable mutating func set(_ mask: UInt16, _ on: Bool) { flags = on ? flags | mask : flags & ~mask }

    public var isResponse: Bool {
        get { bit(Header.qrBit) }
        set { set(Header.qrBit, newValue) }
    }
    public var opcode: Opcode {
        get { Opcode(rawValue: UInt8(flags >> 11 & 0xF)) }
        set { flags = flags & ~0x7800 | UInt16(newValue.rawValue & 0xF) << 11 }
    }
    public var authoritative: Bool {
        get { bit(Header.aaBit) }
        set { set(Header.aaBit, newValue) }
    }
    public var truncated: Bool {
        get { bit(Header.tcBit) }
        set { set(Header.tcBit, newValue) }
    }
    public var recursionDesired: Bool {
        get { bit(Header.rdBit) }
        set { set(Header.rdBit, newValue) }
    }
    public var recursionAvailable: Bool {
        get { bit(Header.raBit) }
        set { set(Header.raBit, newValue) }
    }
    public var authenticData: Bool {
        get { bit(Header.adBit) }
        set { set(Header.adBit, newValue) }
    }
    public var checkingDisabled: Bool {
        get { bit(Header.cdBit) }
        set { set(Header.cdBit, newValue) }
    }
    /// The low four bits of the response code; the upper eight travel in OPT.
    public var rcodeLow: UInt8 {
        get { UInt8(flags & 0xF) }
        set { flags = flags & ~0xF | UInt16(newValue & 0xF) }
    }
}
