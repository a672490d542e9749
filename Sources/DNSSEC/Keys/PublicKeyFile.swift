import DNSWire

/// The `.key` half of a BIND key pair: one DNSKEY record in presentation format, possibly after
/// `;` comment lines and possibly with a TTL and class:
///
///     ; This is a key-signing key, keyid 13748, for example.test.
///     example.test. 3600 IN DNSKEY 257 3 15 RSYIP09GIvaFEffEXRE8XGjS2rmA2C3t0ZiS5r2RR1s=
public struct PublicKeyFile: Hashable, Sendable {
    public var owner: DNSName
    public var ttl: UInt32?
    public var dnskey: DNSKEYData

    public init(owner: DNSName, ttl: UInt32? = nil, dnskey: DNSKEYData) {
        self.owner = owner
        self.ttl = ttl
        self.dnskey = dnskey
    }

    /// Parses the file's text; `path` is only used in errors.
    public init(parsing text: String, path: String) throws(KeyFileError) {
        var tokens: [(text: Substring, line: Int)] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = line.prefix { $0 != ";" }
            // Parentheses only group a record across lines; they carry no meaning here.
            for token in content.split(whereSeparator: { " \t\r()".contains($0) }) {
                tokens.append((token, number + 1))
            }
        }
        guard let first = tokens.first else { throw KeyFileError(path: path, "no DNSKEY record in the file") }
        let owner: DNSName
        do {
            owner = try DNSName(text: first.text)
        } catch {
            throw KeyFileError(path: path, line: first.line, "bad owner name '\(first.text)': \(error)")
        }
        var index = 1
        var ttl: UInt32? = nil
        while index < tokens.count, tokens[index].text.uppercased() != "DNSKEY" {
            let token = tokens[index]
            if token.text.uppercased() == "IN" {
            } else if ttl == nil, let value = Self.parseTTL(token.text) {
                ttl = value
            } else {
                throw KeyFileError(path: path, line: token.line, "expected TTL, IN or DNSKEY, found '\(token.text)'")
            }
            index += 1
        }
        guard index < tokens.count else {
            throw KeyFileError(path: path, line: first.line, "no DNSKEY record in the file")
        }
        let typeLine = tokens[index].line
        let fields = tokens[(index + 1)...]
        guard fields.count >= 4 else {
            throw KeyFileError(path: path, line: typeLine, "DNSKEY needs flags, protocol, algorithm and key")
        }
        let flagsToken = fields[fields.startIndex]
        let protocolToken = fields[fields.startIndex + 1]
        let algorithmToken = fields[fields.startIndex + 2]
        guard let flags = UInt16(flagsToken.text) else {
            throw KeyFileError(path: path, line: flagsToken.line, "bad DNSKEY flags '\(flagsToken.text)'")
        }
        guard let protocolNumber = UInt8(protocolToken.text) else {
            throw KeyFileError(path: path, line: protocolToken.line, "bad DNSKEY protocol '\(protocolToken.text)'")
        }
        guard let algorithm = DNSSECAlgorithm(text: algorithmToken.text) else {
            throw KeyFileError(path: path, line: algorithmToken.line, "unknown algorithm '\(algorithmToken.text)'")
        }
        let keyText = fields.dropFirst(3).map { String($0.text) }.joined()
        guard let key = Base64.decode(keyText), !key.isEmpty else {
            throw KeyFileError(path: path, line: fields[fields.startIndex + 3].line, "public key is not valid base64")
        }
        self.init(
            owner: owner, ttl: ttl,
            dnskey: DNSKEYData(flags: flags, protocolNumber: protocolNumber, algorithm: algorithm, publicKey: key))
    }

    /// Plain seconds or BIND's unit form (`1h30m`, `2d`, `1w`).
    static func parseTTL(_ text: Substring) -> UInt32? {
        if let seconds = UInt32(text) { return seconds }
        var total: UInt64 = 0
        var current: UInt64? = nil
        for char in text.lowercased() {
            if let digit = char.wholeNumberValue {
                current = (current ?? 0) * 10 + UInt64(digit)
                guard current! <= UInt64(UInt32.max) else { return nil }
                continue
            }
            let unit: UInt64
            switch char {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86400
            case "w": unit = 604800
            default: return nil
            }
            guard let value = current else { return nil }
            total += value * unit
            current = nil
        }
        guard current == nil, total <= UInt64(UInt32.max), !text.isEmpty else { return nil }
        return UInt32(total)
    }

    /// The file text, in the layout BIND writes: comment lines, then the record.
    public func render(comments: [String] = []) -> String {
        var text = ""
        for comment in comments { text += "; \(comment)\n" }
        let ttlField = ttl.map { " \($0)" } ?? ""
        text += "\(owner.text)\(ttlField) IN DNSKEY \(dnskey.presentation)\n"
        return text
    }
}
