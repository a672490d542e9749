import Testing

@testable import DNSWire

/// The byte-level parsers the zone loader relies on (`DNSName(text:origin:)`, `A(fields:)`,
/// `TTL.parse`, `RRType(text:)`) against straightforward reference versions written with
/// `String` operations, the way they were before they were made fast, on inputs chosen to hit
/// every branch: escapes, `\DDD`, case, relative and absolute names, lengths at the limits,
/// leading zeros, overflow. Both must give the same value or the same error message.
@Suite struct TextFastPathTests {
    static let origin = try! DNSName(text: "Example.COM.")

    /// The name parser as first written: label by label over an array copy, then the origin
    /// joined on.
    static func referenceName(_ text: String, origin: DNSName?) -> Result<[UInt8], TextError> {
        let utf8 = Array(text.utf8)
        guard !utf8.isEmpty else { return .failure(TextError("expected a domain name, found nothing")) }
        if utf8 == [UInt8(ascii: ".")] { return .success([0]) }
        var bytes: [UInt8] = [0]
        var labelStart = 0
        var index = 0
        var absolute = false
        func closeLabel() -> TextError? {
            let length = bytes.count - labelStart - 1
            if length == 0 { return TextError("empty label in domain name \"\(text)\"") }
            if length > 63 { return TextError("label longer than 63 bytes in domain name \"\(text)\"") }
            bytes[labelStart] = UInt8(length)
            return nil
        }
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: ".") {
                if let error = closeLabel() { return .failure(error) }
                if index == utf8.count - 1 {
                    absolute = true
                } else {
                    labelStart = bytes.count
                    bytes.append(0)
                }
                index += 1
                continue
            }
            if byte == UInt8(ascii: "\\") {
                index += 1
                guard index < utf8.count else {
                    return .failure(TextError("dangling backslash in domain name \"\(text)\""))
                }
                if utf8[index] >= 48 && utf8[index] <= 57 {
                    guard index + 2 < utf8.count, (48...57).contains(utf8[index + 1]),
                        (48...57).contains(utf8[index + 2])
                    else { return .failure(TextError("expected three digits after \\ in domain name \"\(text)\"")) }
                    let value = Int(utf8[index] - 48) * 100 + Int(utf8[index + 1] - 48) * 10 + Int(utf8[index + 2] - 48)
                    guard value <= 255 else {
                        return .failure(TextError("\\\(value) is not a byte in domain name \"\(text)\""))
                    }
                    bytes.append(UInt8(value))
                    index += 3
                } else {
                    bytes.append(utf8[index])
                    index += 1
                }
                continue
            }
            bytes.append(byte)
            index += 1
        }
        if !absolute, let error = closeLabel() { return .failure(error) }
        bytes.append(0)
        guard bytes.count <= 255 else { return .failure(TextError("domain name \"\(text)\" is longer than 255 bytes")) }
        if absolute { return .success(bytes) }
        guard let origin else { return .failure(TextError("relative domain name \"\(text)\" with no origin")) }
        guard bytes.count - 1 + origin.wire.count <= 255 else {
            return .failure(TextError("domain name \"\(text)\" is longer than 255 bytes with the origin"))
        }
        return .success(Array(bytes.dropLast()) + origin.wire)
    }

    static let names: [String] = {
        var names = [
            "", ".", "..", "a", "a.", "A.B.c", "a..b", ".a", "a..", "@", "*", "*.a", "\\.", "a\\.", "a\\.b.",
            "a\\\\.", "a\\\\", "a\\\\\\.", "a\\", "\\", "\\065", "\\065.", "a\\046.", "\\0", "\\00", "\\000.",
            "\\256", "\\999.", "\\1\\.", "a\\04.", "x\\ y", "\\\"q\\\"", "ns1.sub10", "mx0.bench.test.",
            "_25._tcp.MX9", "xn--bcher-kva.example.", "caf\u{E9}", "caf\u{E9}.", "a\tb",
        ]
        let label63 = String(repeating: "a", count: 63)
        let label64 = String(repeating: "b", count: 64)
        names += [label63, label64, label63 + ".", label64 + ".", label63 + ".x", "x." + label64]
        // Around the 255-byte limit, absolute and with the 13-byte origin.
        for total in [250, 251, 252, 253, 254, 255, 256] {
            var text = ""
            while text.utf8.count + 2 < total { text += "abcdefghi." }
            text = String(text.prefix(total - 2))
            if text.hasSuffix(".") { text.removeLast() }
            names += [text, text + ".", String(text.dropFirst(13)), String(text.dropFirst(14))]
        }
        return names
    }()

    @Test func nameTextMatchesReference() {
        for origin in [Optional(Self.origin), .root, nil] {
            for text in Self.names {
                let fast: Result<[UInt8], TextError>
                do {
                    fast = .success(try DNSName(text: text, origin: origin).wire)
                } catch {
                    fast = .failure(error)
                }
                let reference = Self.referenceName(text, origin: origin)
                #expect(fast == reference, "\(text) with origin \(String(describing: origin))")
                // A substring goes through the same code as a string.
                let padded = "x" + text
                let sub = padded.dropFirst()
                let fromSubstring = Result { () throws(TextError) in try DNSName(text: sub, origin: origin).wire }
                #expect(fromSubstring == fast, "\(text) as a Substring")
            }
        }
    }

    /// A relative name holds the origin's bytes, in the origin's case, after its own.
    @Test func relativeNameKeepsCase() throws {
        let name = try DNSName(text: "Www", origin: Self.origin)
        #expect(name.wire == [3, 87, 119, 119, 7] + Array("Example".utf8) + [3] + Array("COM".utf8) + [0])
    }

    static func referenceA(_ text: String) -> (UInt8, UInt8, UInt8, UInt8)? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        var octets: [UInt8] = []
        for part in parts {
            guard part.count <= 3, !part.isEmpty, part.utf8.allSatisfy({ $0 &- 48 < 10 }), let value = UInt8(part),
                part.count == 1 || part.first != "0"
            else { break }
            octets.append(value)
        }
        guard parts.count == 4, octets.count == 4 else { return nil }
        return (octets[0], octets[1], octets[2], octets[3])
    }

    @Test func ipv4MatchesReference() {
        let inputs = [
            "192.0.2.1", "0.0.0.0", "255.255.255.255", "256.0.0.1", "1.2.3", "1.2.3.4.5", "1.2.3.", ".1.2.3",
            "1..2.3", "01.2.3.4", "1.2.3.04", "1.2.3.0", "00.1.2.3", "1.2.3.000", "1234.1.1.1", "1.2.3.4 ", " 1.2.3.4",
            "1.2.3.-4", "1.2.3.+4", "a.b.c.d", "1.2.3.4\\", "", "...", "1.2.3.4.", "10.076.1.1", "999.1.1.1",
            "1.2.3.255", "1.2.3.2555", "\u{661}.2.3.4", "0x1.2.3.4", "4294967297.1.1.1",
        ]
        for text in inputs {
            let fast: (UInt8, UInt8, UInt8, UInt8)?
            do {
                fast = try A(fields: [TextField(text)], origin: nil).address
            } catch {
                #expect(error.message == "expected an IPv4 address, found \"\(text)\"")
                fast = nil
            }
            let reference = Self.referenceA(text)
            #expect(fast.map { [$0.0, $0.1, $0.2, $0.3] } == reference.map { [$0.0, $0.1, $0.2, $0.3] }, "\(text)")
        }
    }

    @Test func ttlMatchesReference() {
        func reference(_ text: String) -> UInt32? {
            guard !text.isEmpty else { return nil }
            if text.utf8.allSatisfy({ $0 &- 48 < 10 }), let plain = UInt32(text) {
                return plain <= Int32.max ? plain : nil
            }
            var total: UInt64 = 0
            var current: UInt64?
            for char in text.lowercased().utf8 {
                if char &- 48 < 10 {
                    current = (current ?? 0) * 10 + UInt64(char - 48)
                    if current! > UInt64(Int32.max) { return nil }
                    continue
                }
                guard let number = current else { return nil }
                let units: [UInt8: UInt64] = [119: 604_800, 100: 86_400, 104: 3_600, 109: 60, 115: 1]
                guard let unit = units[char] else { return nil }
                total += number * unit
                current = nil
            }
            guard current == nil, total <= UInt64(Int32.max) else { return nil }
            return UInt32(total)
        }
        let inputs = [
            "0", "3600", "0003600", "2147483647", "2147483648", "4294967295", "4294967296", "99999999999999999999",
            "1h30m", "1H30M", "1w", "2d", "", "h", "1x", "-1", "+5", "1 ", "0000000000000000000001", "\u{661}",
            "1h2", "60s", "24855d", "24856d",
        ]
        for text in inputs { #expect(TTL.parse(text) == reference(text), "\(text)") }
    }

    @Test func typeMnemonicsMatchReference() {
        func reference(_ text: String) -> RRType? {
            let upper = text.uppercased()
            if let known = RRType.mnemonics.first(where: { $0.1 == upper }) { return known.0 }
            guard upper.hasPrefix("TYPE"), upper.count > 4, upper.dropFirst(4).utf8.allSatisfy({ $0 &- 48 < 10 }),
                let value = UInt16(upper.dropFirst(4))
            else { return nil }
            return RRType(value)
        }
        var inputs = RRType.mnemonics.flatMap { [$0.1, $0.1.lowercased(), $0.1.capitalized] }
        inputs += [
            "", "TYPE1", "type65535", "TYPE65536", "TYPE", "A\u{0}", "AA", "AAAAA", "NSEC3PARAMX", "\u{E5}", "Ns",
            "a ", "CNAME1", "TYPE01",
        ]
        for text in inputs { #expect(RRType(text: text) == reference(text), "\(text)") }
    }
}
