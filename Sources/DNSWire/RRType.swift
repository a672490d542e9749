/// A resource record TYPE (RFC 1035 §3.2.2 and the IANA registry).
public struct RRType: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }
    @inlinable public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let a = RRType(1)
    public static let ns = RRType(2)
    public static let cname = RRType(5)
    public static let soa = RRType(6)
    public static let ptr = RRType(12)
    public static let hinfo = RRType(13)
    public static let mx = RRType(15)
    public static let txt = RRType(16)
    public static let aaaa = RRType(28)
    public static let srv = RRType(33)
    public static let naptr = RRType(35)
    public static let dname = RRType(39)
    public static let opt = RRType(41)
    public static let ds = RRType(43)
    public static let sshfp = RRType(44)
    public static let rrsig = RRType(46)
    public static let nsec = RRType(47)
    public static let dnskey = RRType(48)
    public static let nsec3 = RRType(50)
    public static let nsec3param = RRType(51)
    public static let tlsa = RRType(52)
    public static let cds = RRType(59)
    public static let cdnskey = RRType(60)
    public static let svcb = RRType(64)
    public static let https = RRType(65)
    public static let tsig = RRType(250)
    public static let ixfr = RRType(251)
    public static let axfr = RRType(252)
    public static let any = RRType(255)
    public static let caa = RRType(257)

    /// Mnemonics known to the presentation format; anything else prints as `TYPEnnn` (RFC 3597).
    static let mnemonics: [(RRType, String)] = [
        (.a, "A"), (.ns, "NS"), (.cname, "CNAME"), (.soa, "SOA"), (.ptr, "PTR"), (.hinfo, "HINFO"),
        (.mx, "MX"), (.txt, "TXT"), (.aaaa, "AAAA"), (.srv, "SRV"), (.naptr, "NAPTR"),
        (.dname, "DNAME"), (.opt, "OPT"), (.ds, "DS"), (.sshfp, "SSHFP"), (.rrsig, "RRSIG"),
        (.nsec, "NSEC"), (.dnskey, "DNSKEY"), (.nsec3, "NSEC3"), (.nsec3param, "NSEC3PARAM"),
        (.tlsa, "TLSA"), (.cds, "CDS"), (.cdnskey, "CDNSKEY"), (.svcb, "SVCB"), (.https, "HTTPS"),
        (.ixfr, "IXFR"), (.axfr, "AXFR"), (.any, "ANY"), (.caa, "CAA"),
    ]
    private static let byName: [String: RRType] = Dictionary(
        uniqueKeysWithValues: mnemonics.map { ($0.1, $0.0) })
    private static let byValue: [UInt16: String] = Dictionary(
        uniqueKeysWithValues: mnemonics.map { ($0.0.rawValue, $0.1) })

    /// Mnemonics of up to eight bytes keyed by `packed`, for the lookup of every zone-file record
    /// without making an uppercased `String`.
    private static let byPackedName: [UInt64: RRType] = Dictionary(
        uniqueKeysWithValues: mnemonics.compactMap { type, name in packed(name.utf8).map { ($0, type) } })

    /// Up to eight ASCII bytes, uppercased, as one integer (first byte lowest); nil for longer
    /// text, a NUL or a byte outside ASCII, which the general path handles.
    private static func packed(_ utf8: some Collection<UInt8>) -> UInt64? {
        var key: UInt64 = 0
        var shift: UInt64 = 0
        for byte in utf8 {
            guard shift < 64, byte != 0, byte < 0x80 else { return nil }
            let upper = byte &- 0x61 < 26 ? byte &- 0x20 : byte
            key |= UInt64(upper) << shift
            shift += 8
        }
        return key
    }

    /// Parses a mnemonic (case-insensitive) or the generic `TYPEnnn` form.
    public init?(text: some StringProtocol) {
        if let key = RRType.packed(text.utf8), let known = RRType.byPackedName[key] {
            self = known
            return
        }
        let upper = text.uppercased()
        if let known = RRType.byName[upper] {
            self = known
        } else if upper.hasPrefix("TYPE"), isAllDigits(upper.dropFirst(4)), let value = UInt16(upper.dropFirst(4)) {
            self.init(value)
        } else {
            return nil
        }
    }

    /// The mnemonic, or `TYPEnnn` when there is none.
    public var description: String { RRType.byValue[rawValue] ?? "TYPE\(rawValue)" }

    /// Whether this is a query-only meta type (RFC 6895 §3.1): never stored in a zone.
    public var isMeta: Bool { (128...255).contains(rawValue) || self == .opt }

    @inlinable public static func < (lhs: RRType, rhs: RRType) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A resource record CLASS. Sigil serves IN; CH is understood for `version.bind`-style queries.
public struct RRClass: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }
    @inlinable public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let `in` = RRClass(1)
    public static let ch = RRClass(3)
    public static let hs = RRClass(4)
    public static let none = RRClass(254)
    public static let any = RRClass(255)

    public init?(text: some StringProtocol) {
        switch text.uppercased() {
        case "IN": self = .in
        case "CH": self = .ch
        case "HS": self = .hs
        case "NONE": self = .none
        case "ANY": self = .any
        case let other where other.hasPrefix("CLASS"):
            guard let value = UInt16(other.dropFirst(5)) else { return nil }
            self.init(value)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .in: "IN"
        case .ch: "CH"
        case .hs: "HS"
        case .none: "NONE"
        case .any: "ANY"
        default: "CLASS\(rawValue)"
        }
    }
}

/// Response codes, including the extended ones carried in OPT (RFC 6891).
public struct RCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }
    @inlinable public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let noError = RCode(0)
    public static let formErr = RCode(1)
    public static let servFail = RCode(2)
    public static let nxDomain = RCode(3)
    public static let notImp = RCode(4)
    public static let refused = RCode(5)
    public static let notAuth = RCode(9)
    public static let badVers = RCode(16)
    public static let badCookie = RCode(23)

    public var description: String {
        switch rawValue {
        case 0: "NOERROR"
        case 1: "FORMERR"
        case 2: "SERVFAIL"
        case 3: "NXDOMAIN"
        case 4: "NOTIMP"
        case 5: "REFUSED"
        case 9: "NOTAUTH"
        case 16: "BADVERS"
        case 23: "BADCOOKIE"
        default: "RCODE\(rawValue)"
        }
    }
}

/// Header opcodes (RFC 1035 §4.1.1, RFC 1996, RFC 2136).
public struct Opcode: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let query = Opcode(rawValue: 0)
    public static let notify = Opcode(rawValue: 4)
    public static let update = Opcode(rawValue: 5)
}
