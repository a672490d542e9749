/// The binary-to-text encodings of the presentation format: base64 (DNSKEY, RRSIG), base16 (DS,
/// TLSA, NSEC3 salt) and base32hex without padding (NSEC3 next hashed owner, RFC 4648 §7).
public enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let reverse: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, char) in alphabet.enumerated() { table[Int(char)] = UInt8(index) }
        return table
    }()

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((input.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= input.count {
            let value = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            out.append(alphabet[Int(value >> 18 & 63)])
            out.append(alphabet[Int(value >> 12 & 63)])
            out.append(alphabet[Int(value >> 6 & 63)])
            out.append(alphabet[Int(value & 63)])
            index += 3
        }
        let rest = input.count - index
        if rest > 0 {
            let value = UInt32(input[index]) << 16 | (rest == 2 ? UInt32(input[index + 1]) << 8 : 0)
            out.append(alphabet[Int(value >> 18 & 63)])
            out.append(alphabet[Int(value >> 12 & 63)])
            out.append(rest == 2 ? alphabet[Int(value >> 6 & 63)] : UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes base64, ignoring white space (zone files split long keys across lines). Padding is
    /// required where the length needs it; anything else is an error.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var out: [UInt8] = []
        var accumulator: UInt32 = 0
        var bits = 0
        var padding = 0
        var count = 0
        for char in text.utf8 {
            if char == UInt8(ascii: " ") || char == UInt8(ascii: "\t") || char == UInt8(ascii: "\n")
                || char == UInt8(ascii: "\r")
            {
                continue
            }
            count += 1
            if char == UInt8(ascii: "=") {
                padding += 1
                continue
            }
            guard padding == 0 else { return nil }
            let value = reverse[Int(char)]
            guard value != 0xFF else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        guard count % 4 == 0, padding <= 2 else { return nil }
        return out
    }
}

public enum Base16 {
    static let digits = Array("0123456789ABCDEF".utf8)

    public static func encode(_ bytes: some Collection<UInt8>, uppercase: Bool = true) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        let text = String(decoding: out, as: UTF8.self)
        return uppercase ? text : text.lowercased()
    }

    /// Decodes hex digits of either case, ignoring white space; an odd count is an error.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var out: [UInt8] = []
        var high: UInt8? = nil
        for char in text.utf8 {
            if char == UInt8(ascii: " ") || char == UInt8(ascii: "\t") { continue }
            let value: UInt8
            switch char {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = char - 48
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = char - 87
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = char - 55
            default: return nil
            }
            if let pending = high {
                out.append(pending << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return high == nil ? out : nil
    }
}

public enum Base32Hex {
    static let alphabet = Array("0123456789abcdefghijklmnopqrstuv".utf8)

    /// Lowercase, unpadded: the form NSEC3 owner labels use.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 8 + 4) / 5)
        appendEncoded(bytes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the encoding as bytes, for building owner names without a String.
    public static func appendEncoded(_ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        var accumulator: UInt64 = 0
        var bits = 0
        for byte in bytes {
            accumulator = accumulator << 8 | UInt64(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(alphabet[Int(accumulator >> UInt64(bits) & 31)])
            }
        }
        if bits > 0 { out.append(alphabet[Int(accumulator << UInt64(5 - bits) & 31)]) }
    }

    /// Decodes either case, no padding; trailing bits must be zero.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var out: [UInt8] = []
        var accumulator: UInt64 = 0
        var bits = 0
        for char in text.utf8 {
            let value: UInt8
            switch char {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = char - 48
            case UInt8(ascii: "a")...UInt8(ascii: "v"): value = char - 87
            case UInt8(ascii: "A")...UInt8(ascii: "V"): value = char - 55
            default: return nil
            }
            accumulator = accumulator << 5 | UInt64(value)
            bits += 5
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt64(bits)))
            }
        }
        guard bits < 5, accumulator & ((1 << UInt64(bits)) - 1) == 0 else { return nil }
        return out
    }
}
