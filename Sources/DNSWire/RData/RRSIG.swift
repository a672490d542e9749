/// A signature over one RRset (RFC 4034 §3).
public struct RRSIG: RDataProtocol {
    public var typeCovered: RRType
    public var algorithm: UInt8
    /// Labels in the owner name, not counting the root or a leading `*` (how wildcards are found).
    public var labels: UInt8
    public var originalTTL: UInt32
    /// Seconds since 1970 modulo 2^32, compared with serial arithmetic (RFC 4034 §3.1.5).
    public var expiration: UInt32
    public var inception: UInt32
    public var keyTag: UInt16
    /// The zone's name. Never compressed; lowercased in canonical form (RFC 4034 §6.2).
    public var signer: DNSName
    public var signature: [UInt8]

    public init(
        typeCovered: RRType, algorithm: UInt8, labels: UInt8, originalTTL: UInt32, expiration: UInt32,
        inception: UInt32, keyTag: UInt16, signer: DNSName, signature: [UInt8]
    ) {
        self.typeCovered = typeCovered
        self.algorithm = algorithm
        self.labels = labels
        self.originalTTL = originalTTL
        self.expiration = expiration
        self.inception = inception
        self.keyTag = keyTag
        self.signer = signer
        self.signature = signature
    }

    public init(decoding reader: inout WireReader, length: Int) throws(WireError) {
        let end = reader.offset + length
        guard length >= 19 else { throw .badRDataLength(type: RRType.rrsig.rawValue, at: reader.offset) }
        typeCovered = RRType(try reader.readUInt16())
        algorithm = try reader.readUInt8()
        labels = try reader.readUInt8()
        originalTTL = try reader.readUInt32()
        expiration = try reader.readUInt32()
        inception = try reader.readUInt32()
        keyTag = try reader.readUInt16()
        signer = try reader.readName()
        signature = try reader.readRest(to: end, type: .rrsig)
    }

    public func serialize(into writer: inout WireWriter, form: NameForm) {
        guard form != .canonical else {
            serializeWithoutSignature(into: &writer, form: form)
            writer.writeBytes(signature)
            return
        }
        // The signer is never compressed nor pointed into (RFC 4034 §3.1.7, RFC 3597 §4): the
        // whole RDATA is one append, fixed fields, signer and signature.
        let fields = (typeCovered.rawValue, algorithm, labels, originalTTL, expiration, inception, keyTag)
        signer.wire.withUnsafeBytes { signer in
            signature.withUnsafeBytes { signature in
                writer.writeRaw(count: 18 + signer.count + signature.count) { out in
                    out.storeBytes(of: fields.0.bigEndian, as: UInt16.self)
                    out.storeBytes(of: fields.1, toByteOffset: 2, as: UInt8.self)
                    out.storeBytes(of: fields.2, toByteOffset: 3, as: UInt8.self)
                    out.storeBytes(of: fields.3.bigEndian, toByteOffset: 4, as: UInt32.self)
                    out.storeBytes(of: fields.4.bigEndian, toByteOffset: 8, as: UInt32.self)
                    out.storeBytes(of: fields.5.bigEndian, toByteOffset: 12, as: UInt32.self)
                    out.storeBytes(of: fields.6.bigEndian, toByteOffset: 16, as: UInt16.self)
                    (out + 18).copyMemory(from: signer.baseAddress!, byteCount: signer.count)
                    if signature.count > 0 {
                        (out + 18 + signer.count).copyMemory(from: signature.baseAddress!, byteCount: signature.count)
                    }
                }
            }
        }
    }

    /// The RDATA up to and excluding the signature: the prefix that the signature covers
    /// (RFC 4034 §3.1.8.1, with `form` `.canonical`).
    public func serializeWithoutSignature(into writer: inout WireWriter, form: NameForm) {
        writer.writeUInt16(typeCovered.rawValue)
        writer.writeUInt8(algorithm)
        writer.writeUInt8(labels)
        writer.writeUInt32(originalTTL)
        writer.writeUInt32(expiration)
        writer.writeUInt32(inception)
        writer.writeUInt16(keyTag)
        writer.writeName(signer, form: form, compressible: false, lowercased: true)
    }

    public init(fields: [TextField], origin: DNSName?) throws(TextError) {
        guard fields.count >= 9 else {
            throw TextError(
                "expected type covered, algorithm, labels, original TTL, expiration, inception, key tag, signer "
                    + "and base64 signature")
        }
        guard !fields[0].isQuoted, let covered = RRType(text: fields[0].text) else {
            throw TextError(field: 0, "expected the covered type as a mnemonic or TYPEnnn")
        }
        typeCovered = covered
        algorithm = try parseInteger(fields, 1, "an algorithm number")
        labels = try parseInteger(fields, 2, "a label count")
        originalTTL = try parseInteger(fields, 3, "an original TTL in seconds")
        expiration = try parseSignatureTime(fields, 4)
        inception = try parseSignatureTime(fields, 5)
        keyTag = try parseInteger(fields, 6, "a key tag")
        signer = try parseName(fields, 7, origin: origin)
        signature = try parseBase64(fields, from: 8, "a signature")
    }

    /// Times print as YYYYMMDDHHmmSS in UTC, read as plain seconds since 1970 (as dnspython does;
    /// BIND instead picks the date nearest "now" in serial arithmetic, which only differs after 2106).
    public var text: String {
        "\(typeCovered) \(algorithm) \(labels) \(originalTTL) \(SignatureTime.format(expiration)) "
            + "\(SignatureTime.format(inception)) \(keyTag) \(signer.text) \(Base64.encode(signature))"
    }
}

/// Parses an RRSIG time: 14 digits are a UTC date YYYYMMDDHHmmSS, fewer are seconds since 1970
/// (RFC 4034 §3.2).
func parseSignatureTime(_ fields: [TextField], _ index: Int) throws(TextError) -> UInt32 {
    let text = fields[index].text
    guard !fields[index].isQuoted, let value = SignatureTime.parse(text) else {
        throw TextError(field: index, "expected a time as YYYYMMDDHHmmSS or seconds since 1970, found \"\(text)\"")
    }
    return value
}

/// Conversions between RRSIG time fields and calendar dates, without Foundation.
public enum SignatureTime {
    /// Parses YYYYMMDDHHmmSS (UTC; wrapped modulo 2^32 per RFC 4034 §3.1.5) or plain seconds.
    public static func parse(_ text: some StringProtocol) -> UInt32? {
        guard isAllDigits(text) else { return nil }
        let digits = Array(text.utf8).map { Int($0 - 48) }
        guard digits.count == 14 else { return digits.count <= 10 ? UInt32(text) : nil }
        func number(_ from: Int, _ count: Int) -> Int { digits[from..<(from + count)].reduce(0) { $0 * 10 + $1 } }
        let year = number(0, 4)
        let month = number(4, 2)
        let day = number(6, 2)
        let hour = number(8, 2)
        let minute = number(10, 2)
        let second = number(12, 2)
        guard year >= 1970, (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
            hour < 24, minute < 60, second < 60
        else { return nil }
        let seconds = daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
        return UInt32(truncatingIfNeeded: seconds)
    }

    /// YYYYMMDDHHmmSS in UTC.
    public static func format(_ value: UInt32) -> String {
        let seconds = Int(value)
        let (year, month, day) = civilFromDays(seconds / 86_400)
        let rest = seconds % 86_400
        func pad(_ number: Int, _ width: Int) -> String {
            let text = String(number)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(year, 4) + pad(month, 2) + pad(day, 2) + pad(rest / 3600, 2) + pad(rest / 60 % 60, 2)
            + pad(rest % 60, 2)
    }

    static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (years from 1970 on).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `daysFromCivil` for non-negative day counts.
    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = z / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
