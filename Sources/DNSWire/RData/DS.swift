/// Delegation signer (RFC 4034 §5), also the data of CDS (RFC 7344).
public struct DS: RDataProtocol {
    public var keyTag: UInt16
    public var algorithm: UInt8
    /// 1 SHA-1, 2 SHA-256, 4 SHA-384.
    public var digestType: UInt8
    public var digest: [UInt8]

    public init(keyTag: UInt16, algorithm: UInt8, digestType: UInt8, digest: [UInt8]) {
        self.keyTag = keyTag
        self.algorithm = algorithm
        self.digestType = digestType
        self.digest = digest
    }

    /// A DS without a digest is meaningless (even CDS's delete form carries one zero byte).
    public init(decoding reader: inout WireReader, length: Int) throws(WireError) {
        guard length >= 5 else { throw .badRDataLength(type: RRType.ds.rawValue, at: reader.offset) }
        keyTag = try reader.readUInt16()
        algorithm = try reader.readUInt8()
        digestType = try reader.readUInt8()
        digest = try reader.readBytes(length - 4)
    }

    public func serialize(into writer: inout WireWriter, form: NameForm) {
        writer.writeUInt16(keyTag)
        writer.writeUInt8(algorithm)
        writer.writeUInt8(digestType)
        writer.writeBytes(digest)
    }

    public init(fields: [TextField], origin: DNSName?) throws(TextError) {
        guard fields.count >= 4 else { throw TextError("expected key tag, algorithm, digest type and hex digest") }
        keyTag = try parseInteger(fields, 0, "a key tag")
        algorithm = try parseInteger(fields, 1, "an algorithm number")
        digestType = try parseInteger(fields, 2, "a digest type")
        digest = try parseHex(fields, from: 3, "a digest")
    }

    public var text: String { "\(keyTag) \(algorithm) \(digestType) \(Base16.encode(digest))" }
}
