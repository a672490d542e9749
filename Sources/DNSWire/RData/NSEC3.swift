/// Hashed authenticated denial of existence (RFC 5155 §3).
public struct NSEC3: RDataProtocol {
    /// 1 is SHA-1, the only one defined.
    public var hashAlgorithm: UInt8
    /// Bit 0x01 is Opt-Out.
    public var flags: UInt8
    public var iterations: UInt16
    public var salt: [UInt8]
    /// The raw hash of the next owner (its base32hex form is the owner's first label).
    public var nextHashedOwner: [UInt8]
    public var types: TypeBitmap

    public init(
        hashAlgorithm: UInt8, flags: UInt8, iterations: UInt16, salt: [UInt8], nextHashedOwner: [UInt8],
        types: TypeBitmap
    ) {
        self.hashAlgorithm = hashAlgorithm
        self.flags = flags
        self.iterations = iterations
        self.salt = salt
        self.nextHashedOwner = nextHashedOwner
        self.types = types
    }

    public static let optOutFlag: UInt8 = 0x01
    public var isOptOut: Bool { flags & NSEC3.optOutFlag != 0 }

    public init(decoding reader: inout WireReader, length: Int) throws(WireError) {
        let end = reader.offset + length
        try reader.require(5, before: end, type: .nsec3)
        hashAlgorithm = try reader.readUInt8()
        flags = try reader.readUInt8()
        iterations = try reader.readUInt16()
        salt = try reader.readLengthPrefixed(to: end, type: .nsec3)
        let hashAt = reader.offset
        nextHashedOwner = try reader.readLengthPrefixed(to: end, type: .nsec3)
        guard !nextHashedOwner.isEmpty else { throw .badRData(type: RRType.nsec3.rawValue, at: hashAt) }
        let bitmapAt = reader.offset
        types = try TypeBitmap(wire: try reader.readRest(to: end, type: .nsec3), type: .nsec3, at: bitmapAt)
    }

    /// A straight append of the stored bytes: the signer writes many of these.
    public func serialize(into writer: inout WireWriter, form: NameForm) {
        // No names: the whole RDATA is one append.
        let fields = (hashAlgorithm, flags, iterations)
        salt.withUnsafeBytes { salt in
            nextHashedOwner.withUnsafeBytes { next in
                types.wire.withUnsafeBytes { types in
                    writer.writeRaw(count: 6 + salt.count + next.count + types.count) { out in
                        out.storeBytes(of: fields.0, as: UInt8.self)
                        out.storeBytes(of: fields.1, toByteOffset: 1, as: UInt8.self)
                        out.storeBytes(of: fields.2.bigEndian, toByteOffset: 2, as: UInt16.self)
                        out.storeBytes(of: UInt8(truncatingIfNeeded: salt.count), toByteOffset: 4, as: UInt8.self)
                        if salt.count > 0 { (out + 5).copyMemory(from: salt.baseAddress!, byteCount: salt.count) }
                        let nextAt = 5 + salt.count
                        out.storeBytes(of: UInt8(truncatingIfNeeded: next.count), toByteOffset: nextAt, as: UInt8.self)
                        if next.count > 0 {
                            (out + nextAt + 1).copyMemory(from: next.baseAddress!, byteCount: next.count)
                        }
                        let typesAt = nextAt + 1 + next.count
                        if types.count > 0 {
                            (out + typesAt).copyMemory(from: types.baseAddress!, byteCount: types.count)
                        }
                    }
                }
            }
        }
    }

    public init(fields: [TextField], origin: DNSName?) throws(TextError) {
        guard fields.count >= 5 else {
            throw TextError("expected hash algorithm, flags, iterations, salt, next hashed owner and types")
        }
        hashAlgorithm = try parseInteger(fields, 0, "a hash algorithm")
        flags = try parseInteger(fields, 1, "NSEC3 flags")
        iterations = try parseInteger(fields, 2, "an iteration count")
        salt = try parseSalt(fields, 3)
        guard let hash = Base32Hex.decode(fields[4].text), (1...255).contains(hash.count) else {
            throw TextError(field: 4, "expected the next hashed owner name in base32hex (0-9 A-V, no padding)")
        }
        nextHashedOwner = hash
        types = try TypeBitmap(fields: fields, from: 5)
    }

    public var text: String {
        let head = "\(hashAlgorithm) \(flags) \(iterations) \(saltText(salt)) \(Base32Hex.encode(nextHashedOwner))"
        return types.isEmpty ? head : "\(head) \(types.text)"
    }
}

/// The parameters a zone uses for NSEC3 (RFC 5155 §4).
public struct NSEC3PARAM: RDataProtocol {
    public var hashAlgorithm: UInt8
    /// Zero in a zone's NSEC3PARAM; other values make the record ignored (RFC 5155 §4.1.2).
    public var flags: UInt8
    public var iterations: UInt16
    public var salt: [UInt8]

    public init(hashAlgorithm: UInt8, flags: UInt8, iterations: UInt16, salt: [UInt8]) {
        self.hashAlgorithm = hashAlgorithm
        self.flags = flags
        self.iterations = iterations
        self.salt = salt
    }

    public init(decoding reader: inout WireReader, length: Int) throws(WireError) {
        let end = reader.offset + length
        try reader.require(5, before: end, type: .nsec3param)
        hashAlgorithm = try reader.readUInt8()
        flags = try reader.readUInt8()
        iterations = try reader.readUInt16()
        salt = try reader.readLengthPrefixed(to: end, type: .nsec3param)
    }

    public func serialize(into writer: inout WireWriter, form: NameForm) {
        writer.writeUInt8(hashAlgorithm)
        writer.writeUInt8(flags)
        writer.writeUInt16(iterations)
        writer.writeUInt8(UInt8(salt.count))
        writer.writeBytes(salt)
    }

    public init(fields: [TextField], origin: DNSName?) throws(TextError) {
        try Self.expect(fields, count: 4, "hash algorithm, flags, iterations and salt")
        hashAlgorithm = try parseInteger(fields, 0, "a hash algorithm")
        flags = try parseInteger(fields, 1, "NSEC3PARAM flags")
        iterations = try parseInteger(fields, 2, "an iteration count")
        salt = try parseSalt(fields, 3)
    }

    public var text: String { "\(hashAlgorithm) \(flags) \(iterations) \(saltText(salt))" }
}

/// A salt: hex, or `-` for none.
func parseSalt(_ fields: [TextField], _ index: Int) throws(TextError) -> [UInt8] {
    let text = fields[index].text
    if text == "-" { return [] }
    guard let salt = Base16.decode(text), !salt.isEmpty, salt.count <= 255 else {
        throw TextError(field: index, "expected a salt in hexadecimal (at most 255 bytes), or - for none")
    }
    return salt
}

func saltText(_ salt: [UInt8]) -> String { salt.isEmpty ? "-" : Base16.encode(salt) }
