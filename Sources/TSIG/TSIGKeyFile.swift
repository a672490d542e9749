import DNSWire

/// TSIG keys in BIND's key-file format, which `tsig-keygen`, Knot's `keymgr -t` (BIND style) and
/// `sigil tsig-keygen` print:
///
///     key "xfr-key" {
///         algorithm hmac-sha256;
///         secret "base64…";
///     };
public enum TSIGKeyFile {
    /// Reads every `key` clause of `text`.
    public static func parse(_ text: String) throws(TSIGFailure) -> [TSIGKey] {
        var tokens = tokenize(text)[...]
        var keys: [TSIGKey] = []
        func next() throws(TSIGFailure) -> String {
            guard let token = tokens.popFirst() else { throw TSIGFailure("unexpected end of key file") }
            return token
        }
        func expect(_ wanted: String) throws(TSIGFailure) {
            let token = try next()
            guard token == wanted else { throw TSIGFailure("expected '\(wanted)', found '\(token)'") }
        }
        while let token = tokens.popFirst() {
            guard token == "key" else { throw TSIGFailure("expected 'key', found '\(token)'") }
            let name = try next()
            try expect("{")
            var algorithm: TSIGAlgorithm? = nil
            var secret: [UInt8]? = nil
            while true {
                let field = try next()
                if field == "}" { break }
                let value = try next()
                try expect(";")
                switch field {
                case "algorithm":
                    guard let known = TSIGAlgorithm(name: value) else {
                        throw TSIGFailure("key \(name): unsupported algorithm '\(value)'")
                    }
                    algorithm = known
                case "secret":
                    guard let bytes = Base64.decode(value), !bytes.isEmpty else {
                        throw TSIGFailure("key \(name): the secret is not base64")
                    }
                    secret = bytes
                default: throw TSIGFailure("key \(name): unknown field '\(field)'")
                }
            }
            try expect(";")
            guard let algorithm else { throw TSIGFailure("key \(name): no algorithm") }
            guard var bytes = secret else { throw TSIGFailure("key \(name): no secret") }
            keys.append(try makeKey(name: name, algorithm: algorithm, secret: bytes))
            TSIGSecret.clear(&bytes)
        }
        return keys
    }

    /// A key from its name (a domain name), algorithm and secret.
    public static func makeKey(name: String, algorithm: TSIGAlgorithm, secret: [UInt8]) throws(TSIGFailure) -> TSIGKey {
        let keyName: DNSName
        do {
            keyName = try DNSName(typed: name)
        } catch {
            throw TSIGFailure("'\(name)' is not a key name: \(error.message)")
        }
        return TSIGKey(name: keyName, algorithm: algorithm, secret: TSIGSecret(secret))
    }

    /// The key in BIND's format (the name without its trailing dot, as `tsig-keygen` prints it).
    public static func format(_ key: TSIGKey) -> String {
        var name = key.name.text
        if name.hasSuffix(".") && name != "." { name.removeLast() }
        return "key \"\(name)\" {\n\talgorithm \(key.algorithm.rawValue);\n\tsecret \"\(key.secret.base64)\";\n};\n"
    }

    /// Words, quoted strings (quotes removed) and the punctuation `{ } ;`; `#`, `//` comments skipped.
    static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var chars = Array(text)[...]
        func flush() {
            if !current.isEmpty { tokens.append(current) }
            current = ""
        }
        while let char = chars.popFirst() {
            switch char {
            case "\"":
                flush()
                var quoted = ""
                while let inner = chars.popFirst(), inner != "\"" { quoted.append(inner) }
                tokens.append(quoted)
            case "{", "}", ";":
                flush()
                tokens.append(String(char))
            case "#":
                flush()
                while let inner = chars.popFirst(), inner != "\n" {}
            case "/" where chars.first == "/":
                flush()
                while let inner = chars.popFirst(), inner != "\n" {}
            case " ", "\t", "\n", "\r":
                flush()
            default:
                current.append(char)
            }
        }
        flush()
        return tokens
    }
}
