/// SSH host key fingerprint (RFC 4255, types from RFC 6594).
public struct SSHFP: RDataProtocol {
    public var algorithm: UInt8
    public var fingerprintType: UInt8
    public var fingerprint: [UInt8]

    public init(algorithm: UInt8, fingerprintType: UInt8, fingerprint: [UInt8]) {
        self.algorithm = algorithm
        self.fingerprintType = fingerprintType
        self.fingerprint = fingerprint
    }

    public init(decoding reader: inout WireReader, length: Int) throws(WireError) {
        guard length >= 3 else { throw .badRDataLength(type: RRType.sshfp.rawValue, at: reader.offset) }
        algorithm = try reader.readUInt8()
        fingerprintType = try reader.readUInt8()
        fingerprint = try reader.readBytes(length - 2)
    }

    public func serialize(into writer: inout WireWriter, form: NameForm) {
        writer.writeUInt8(algorithm)
        writer.writeUInt8(fingerprintType)
        writer.writeBytes(fingerprint)
    }

    public init(fields: [TextField], origin: DNSName?) throws(TextError) {
        guard fields.count >= 3 else { throw TextError("expected algorithm, fingerprint type and hex fingerprint") }
        algorithm = try parseInteger(fields, 0, "an SSHFP algorithm")
        fingerprintType = try parseInteger(fields, 1, "an SSHFP fingerprint type")
        fingerprint = try parseHex(fields, from: 2, "a fingerprint")
    }

    public var text: String { "\(algorithm) \(fingerprintType) \(Base16.encode(fingerprint))" }
}
