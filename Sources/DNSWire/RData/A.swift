#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 address (RFC 1035 §3.4.1).
public struct A: RDataProtocol {
    /// The four address bytes in network order.
    public var address: (UInt8, UInt8, UInt8, UInt8)

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) { address = (a, b, c, d) }

    public init(decoding reader: inout WireReader, length: Int) throws(WireError) {
        guard length == 4 else { throw .badRDataLength(type: RRType.a.rawValue, at: reader.offset) }
        address = (try reader.readUInt8(), try reader.readUInt8(), try reader.readUInt8(), try reader.readUInt8())
    }

    public func serialize(into writer: inout WireWriter, form: NameForm) {
        writer.writeUInt8(address.0)
        writer.writeUInt8(address.1)
        writer.writeUInt8(address.2)
        writer.writeUInt8(address.3)
    }

    /// Dotted-quad only: four decimal octets, no leading zeros beyond "0", no shorthand forms.
    public init(fields: [TextField], origin: DNSName?) throws(TextError) {
        try Self.expect(fields, count: 1, "an IPv4 address")
        guard let address = A.parseDottedQuad(fields[0].text.utf8) else {
            throw TextError(field: 0, "expected an IPv4 address, found \"\(fields[0].text)\"")
        }
        self.address = address
    }

    /// Reads the bytes in one pass, without splitting into substrings: a zone file has more A
    /// records than anything else, and `String.split` was a tenth of loading a large zone.
    static func parseDottedQuad(_ text: String.UTF8View) -> (UInt8, UInt8, UInt8, UInt8)? {
        var octets: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
        var part = 0
        var value: UInt32 = 0
        var digits = 0
        var leadingZero = false
        func finish() -> Bool {
            guard digits > 0, value <= 255, !(leadingZero && digits > 1) else { return false }
            switch part {
            case 0: octets.0 = value
            case 1: octets.1 = value
            case 2: octets.2 = value
            default: octets.3 = value
            }
            return true
        }
        for byte in text {
            if byte == UInt8(ascii: ".") {
                guard part < 3, finish() else { return nil }
                part += 1
                value = 0
                digits = 0
                continue
            }
            guard isDigit(byte), digits < 3 else { return nil }
            if digits == 0 { leadingZero = byte == UInt8(ascii: "0") }
            value = value * 10 + UInt32(byte &- 48)
            digits += 1
        }
        guard part == 3, finish() else { return nil }
        return (UInt8(octets.0), UInt8(octets.1), UInt8(octets.2), UInt8(octets.3))
    }

    public var text: String { "\(address.0).\(address.1).\(address.2).\(address.3)" }

    public static func == (lhs: A, rhs: A) -> Bool { lhs.address == rhs.address }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(address.0)
        hasher.combine(address.1)
        hasher.combine(address.2)
        hasher.combine(address.3)
    }
}

/// An IPv6 address (RFC 3596).
public struct AAAA: RDataProtocol {
    /// The sixteen address bytes in network order.
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) {
        precondition(bytes.count == 16)
        self.bytes = bytes
    }

    public init(decoding reader: inout WireReader, length: Int) throws(WireError) {
        guard length == 16 else { throw .badRDataLength(type: RRType.aaaa.rawValue, at: reader.offset) }
        bytes = try reader.readBytes(16)
    }

    public func serialize(into writer: inout WireWriter, form: NameForm) { writer.writeBytes(bytes) }

    public init(fields: [TextField], origin: DNSName?) throws(TextError) {
        try Self.expect(fields, count: 1, "an IPv6 address")
        var storage = in6_addr()
        let parsed = fields[0].text.withCString { inet_pton(AF_INET6, $0, &storage) }
        guard parsed == 1 else { throw TextError(field: 0, "expected an IPv6 address, found \"\(fields[0].text)\"") }
        bytes = withUnsafeBytes(of: &storage) { Array($0) }
    }

    /// RFC 5952 form (lowercase, longest zero run compressed), as `inet_ntop` writes it.
    public var text: String {
        var storage = in6_addr()
        withUnsafeMutableBytes(of: &storage) { $0.copyBytes(from: bytes) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        _ = inet_ntop(AF_INET6, &storage, &buffer, socklen_t(buffer.count))
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
