/// A SvcParamKey (RFC 9460 §14.3.2): named keys print by name, the rest as `keyNNNNN`.
public struct SvcParamKey: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    public static let mandatory = SvcParamKey(0)
    public static let alpn = SvcParamKey(1)
    public static let noDefaultALPN = SvcParamKey(2)
    public static let port = SvcParamKey(3)
    public static let ipv4hint = SvcParamKey(4)
    public static let ech = SvcParamKey(5)
    public static let ipv6hint = SvcParamKey(6)
    /// 65535 is reserved as "Invalid key".
    public static let invalid = SvcParamKey(65535)

    static let names = ["mandatory", "alpn", "no-default-alpn", "port", "ipv4hint", "ech", "ipv6hint"]

    public init?(text: some StringProtocol) {
        if let index = SvcParamKey.names.firstIndex(where: { $0 == text }) {
            self.init(UInt16(index))
        } else if text.hasPrefix("key"), isAllDigits(text.dropFirst(3)), let value = UInt16(text.dropFirst(3)) {
            self.init(value)
        } else {
            return nil
        }
    }

    public var description: String {
        rawValue < SvcParamKey.names.count ? SvcParamKey.names[Int(rawValue)] : "key\(rawValue)"
    }

    public static func < (lhs: SvcParamKey, rhs: SvcParamKey) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One SvcParam, its value kept in wire form so that encoding is a copy and unknown keys
/// round-trip.
public struct SvcParam: Hashable, Sendable {
    public var key: SvcParamKey
    public var value: [UInt8]

    public init(key: SvcParamKey, value: [UInt8]) {
        self.key = key
        self.value = value
    }

    /// Whether `value` is well formed for `key` (RFC 9460 §7 and §8). Unknown keys take anything.
    public var isValid: Bool {
        switch key {
        case .mandatory:
            guard !value.isEmpty, value.count % 2 == 0 else { return false }
            var previous = -1
            for index in stride(from: 0, to: value.count, by: 2) {
                let listed = Int(value[index]) << 8 | Int(value[index + 1])
                guard listed > previous, listed != 0 else { return false }
                previous = listed
            }
            return true
        case .alpn:
            guard !value.isEmpty else { return false }
            var index = 0
            while index < value.count {
                let length = Int(value[index])
                guard length > 0, index + 1 + length <= value.count else { return false }
                index += 1 + length
            }
            return true
        case .noDefaultALPN: return value.isEmpty
        case .port: return value.count == 2
        case .ipv4hint: return !value.isEmpty && value.count % 4 == 0
        case .ipv6hint: return !value.isEmpty && value.count % 16 == 0
        case .invalid: return false
        default: return true
        }
    }

    /// The keys a `mandatory` value lists.
    var mandatoryKeys: [SvcParamKey] {
        stride(from: 0, to: value.count - 1, by: 2).map { SvcParamKey(UInt16(value[$0]) << 8 | UInt16(value[$0 + 1])) }
    }

    /// `key` alone when the value is empty, else `key="value"` with the value in its per-key
    /// presentation form, quoted as a character-string (the form dnspython and BIND print).
    public var text: String {
        guard !value.isEmpty else { return key.description }
        let valueText: [UInt8]
        switch key {
        case .mandatory:
            valueText = Array(mandatoryKeys.map(\.description).joined(separator: ",").utf8)
        case .alpn:
            var out: [UInt8] = []
            var index = 0
            while index < value.count {
                let length = Int(value[index])
                if index > 0 { out.append(UInt8(ascii: ",")) }
                for byte in value[(index + 1)..<(index + 1 + length)] {
                    if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
                    out.append(byte)
                }
                index += 1 + length
            }
            valueText = out
        case .port:
            valueText = Array(String(UInt16(value[0]) << 8 | UInt16(value[1])).utf8)
        case .ipv4hint:
            valueText = Array(
                stride(from: 0, to: value.count, by: 4).map {
                    A(value[$0], value[$0 + 1], value[$0 + 2], value[$0 + 3]).text
                }
                .joined(separator: ",").utf8)
        case .ech:
            valueText = Array(Base64.encode(value).utf8)
        case .ipv6hint:
            valueText = Array(
                stride(from: 0, to: value.count, by: 16).map { AAAA(bytes: Array(value[$0..<($0 + 16)])).text }
                    .joined(separator: ",").utf8)
        default:
            valueText = value
        }
        return "\(key)=\(valueText.quotedCharacterString)"
    }

    /// Parses the value of `key` from its presentation form (escapes already resolved); nil means
    /// the key takes no value. `field` is for error positions.
    public init(key: SvcParamKey, text: [UInt8]?, field: Int) throws(TextError) {
        self.key = key
        func fail(_ what: String) -> TextError { TextError(field: field, "expected \(what) for SvcParam \(key)") }
        guard let text else {
            guard key == .noDefaultALPN || key.rawValue > SvcParamKey.ipv6hint.rawValue else {
                throw fail("a value")
            }
            guard key != .invalid else { throw TextError(field: field, "key65535 is reserved") }
            value = []
            return
        }
        let string = String(decoding: text, as: UTF8.self)
        var out: [UInt8] = []
        switch key {
        case .mandatory:
            var keys: [UInt16] = []
            for part in string.split(separator: ",", omittingEmptySubsequences: false) {
                guard let listed = SvcParamKey(text: part), listed != .mandatory else {
                    throw fail("a comma-separated list of keys other than mandatory")
                }
                keys.append(listed.rawValue)
            }
            keys.sort()
            for (index, listed) in keys.enumerated() {
                guard index == 0 || keys[index - 1] != listed else { throw fail("keys without duplicates") }
                out.append(UInt8(listed >> 8))
                out.append(UInt8(listed & 0xFF))
            }
        case .alpn:
            for item in try SvcParam.splitValueList(text) {
                guard (1...255).contains(item.count) else { throw fail("ALPN identifiers of 1 to 255 bytes") }
                out.append(UInt8(item.count))
                out.append(contentsOf: item)
            }
        case .noDefaultALPN:
            guard text.isEmpty else { throw fail("no value") }
        case .port:
            guard isAllDigits(string), let port = UInt16(string) else { throw fail("a port number (0 to 65535)") }
            out = [UInt8(port >> 8), UInt8(port & 0xFF)]
        case .ipv4hint:
            for part in string.split(separator: ",", omittingEmptySubsequences: false) {
                guard let address = try? A(fields: [TextField(String(part))], origin: nil) else {
                    throw fail("a comma-separated list of IPv4 addresses")
                }
                out += [address.address.0, address.address.1, address.address.2, address.address.3]
            }
        case .ech:
            guard let bytes = Base64.decode(string), !bytes.isEmpty else { throw fail("an ECHConfigList in base64") }
            out = bytes
        case .ipv6hint:
            for part in string.split(separator: ",", omittingEmptySubsequences: false) {
                guard let address = try? AAAA(fields: [TextField(String(part))], origin: nil) else {
                    throw fail("a comma-separated list of IPv6 addresses")
                }
                out += address.bytes
            }
        case .invalid:
            throw TextError(field: field, "key65535 is reserved")
        default:
            out = text
        }
        value = out
        guard isValid else { throw fail("a well-formed value") }
    }

    /// Splits a value-list (RFC 9460 Appendix A.1) at commas; `\,` and `\\` are literal.
    static func splitValueList(_ text: [UInt8]) throws(TextError) -> [[UInt8]] {
        var items: [[UInt8]] = [[]]
        var index = 0
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: "\\"), index + 1 < text.count {
                items[items.count - 1].append(text[index + 1])
                index += 2
            } else if byte == UInt8(ascii: ",") {
                items.append([])
                index += 1
            } else {
                items[items.count - 1].append(byte)
                index += 1
            }
        }
        return items
    }
}
