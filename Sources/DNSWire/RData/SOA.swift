/// Start of authority (RFC 1035 §3.3.13).
public struct SOA: RDataProtocol {
    public var mname: DNSName
    public var rname: DNSName
    public var serial: UInt32
    public var refresh: UInt32
    public var retry: UInt32
    public var expire: UInt32
    /// Since RFC 2308, the TTL of negative answers (capped by the SOA's own TTL).
    public var minimum: UInt32

    public init(
        mname: DNSName, rname: DNSName, serial: UInt32, refresh: UInt32, retry: UInt32, expire: UInt32,
        minimum: UInt32
    ) {
        self.mname = mname
        self.rname = rname
        self.serial = serial
        self.refresh = refresh
        self.retry = retry
        self.expire = expire
        self.minimum = minimum
    }

    public init(decoding reader: inout WireReader, length: Int) throws(WireError) {
        let end = reader.offset + length
        mname = try reader.readName()
        rname = try reader.readName()
        // The five counters must fill the rest exactly; without this check a short RDLENGTH would
        // read them out of the next record.
        guard end - reader.offset == 20 else { throw .badRDataLength(type: RRType.soa.rawValue, at: reader.offset) }
        serial = try reader.readUInt32()
        refresh = try reader.readUInt32()
        retry = try reader.readUInt32()
        expire = try reader.readUInt32()
        minimum = try reader.readUInt32()
    }

    public func serialize(into writer: inout WireWriter, form: NameForm) {
        writer.writeName(mname, form: form, compressible: true, lowercased: true)
        writer.writeName(rname, form: form, compressible: true, lowercased: true)
        writeTimers(into: &writer)
    }

    /// SERIAL, REFRESH, RETRY, EXPIRE and MINIMUM in one append.
    @inlinable public func writeTimers(into writer: inout WireWriter) {
        let timers = (serial, refresh, retry, expire, minimum)
        writer.writeRaw(count: 20) { out in
            out.storeBytes(of: timers.0.bigEndian, as: UInt32.self)
            out.storeBytes(of: timers.1.bigEndian, toByteOffset: 4, as: UInt32.self)
            out.storeBytes(of: timers.2.bigEndian, toByteOffset: 8, as: UInt32.self)
            out.storeBytes(of: timers.3.bigEndian, toByteOffset: 12, as: UInt32.self)
            out.storeBytes(of: timers.4.bigEndian, toByteOffset: 16, as: UInt32.self)
        }
    }

    /// The timer fields accept TTL units (`1h`, `2w`), as BIND and Knot do.
    public init(fields: [TextField], origin: DNSName?) throws(TextError) {
        try Self.expect(fields, count: 7, "mname rname serial refresh retry expire minimum")
        mname = try parseName(fields, 0, origin: origin)
        rname = try parseName(fields, 1, origin: origin)
        serial = try parseInteger(fields, 2, "a serial number")
        refresh = try parseTTL(fields, 3)
        retry = try parseTTL(fields, 4)
        expire = try parseTTL(fields, 5)
        minimum = try parseTTL(fields, 6)
    }

    public var text: String {
        "\(mname.text) \(rname.text) \(serial) \(refresh) \(retry) \(expire) \(minimum)"
    }
}

/// Parses a TTL field, plain seconds or with units.
func parseTTL(_ fields: [TextField], _ index: Int) throws(TextError) -> UInt32 {
    guard index < fields.count, let value = TTL.parse(fields[index].text) else {
        throw TextError(field: index, "expected a time value (seconds, or units like 1h30m)")
    }
    return value
}

/// TTL values in presentation format.
public enum TTL {
    /// Seconds, or a sequence of numbers with units w, d, h, m, s (case-insensitive), as BIND
    /// accepts them; at most 2^31 - 1 (RFC 2181 §8).
    public static func parse(_ text: some StringProtocol) -> UInt32? {
        guard !text.isEmpty else { return nil }
        if let plain = plainSeconds(text.utf8) { return plain }
        var total: UInt64 = 0
        var current: UInt64? = nil
        for char in text.lowercased().utf8 {
            if isDigit(char) {
                current = (current ?? 0) * 10 + UInt64(char - 48)
                guard current! <= UInt64(Int32.max) else { return nil }
                continue
            }
            guard let number = current else { return nil }
            let unit: UInt64
            switch char {
            case UInt8(ascii: "w"): unit = 604_800
            case UInt8(ascii: "d"): unit = 86_400
            case UInt8(ascii: "h"): unit = 3_600
            case UInt8(ascii: "m"): unit = 60
            case UInt8(ascii: "s"): unit = 1
            default: return nil
            }
            total += number * unit
            current = nil
        }
        guard current == nil, total <= UInt64(Int32.max) else { return nil }
        return UInt32(total)
    }

    /// The common case, digits only, read without `UInt32(String)`'s generic parsing: every record
    /// of a zone file may carry a TTL. Nil when a byte is not a digit or the value is above
    /// 2^31 - 1, which the unit parser after it rejects too.
    private static func plainSeconds(_ utf8: some Collection<UInt8>) -> UInt32? {
        var value: UInt64 = 0
        for byte in utf8 {
            guard isDigit(byte) else { return nil }
            value = min(value * 10 + UInt64(byte &- 48), 1 << 32)
        }
        return value <= UInt64(Int32.max) ? UInt32(value) : nil
    }
}
