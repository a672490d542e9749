import DNSWire

/// The `.private` half of a BIND key pair (format v1.x):
///
///     Private-key-format: v1.3
///     Algorithm: 13 (ECDSAP256SHA256)
///     PrivateKey: V2u8N8wpYMKrAMIzJ3qavrdJ00ZkUGbSa/ZS+NWp3/s=
///     Created: 20261129012621
///
/// Only the ECDSA and EdDSA layout (one `PrivateKey:` field) is understood; the timing fields
/// (`Created`, `Publish`, `Activate`, …) and anything else are kept verbatim so a rewrite does not
/// lose them.
public struct PrivateKeyFile: Sendable {
    /// One `Name: value` line other than the format, algorithm and key.
    public struct Field: Hashable, Sendable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public var algorithm: DNSSECAlgorithm
    /// The P-256 scalar or the Ed25519 seed.
    public var privateKey: [UInt8]
    public var otherFields: [Field]

    public init(algorithm: DNSSECAlgorithm, privateKey: [UInt8], otherFields: [Field] = []) {
        self.algorithm = algorithm
        self.privateKey = privateKey
        self.otherFields = otherFields
    }

    /// Parses the file's text; `path` is only used in errors. An error names the file, the line
    /// and the field, never a value: a damaged line may be the key, and errors reach logs.
    public init(parsing text: String, path: String) throws(KeyFileError) {
        var format: (value: String, line: Int)? = nil
        var algorithm: DNSSECAlgorithm? = nil
        var privateKey: [UInt8]? = nil
        // A key decoded before a later line fails is wiped; on success `self` holds its own copy.
        defer { if privateKey != nil { Secret.wipe(&privateKey!) } }
        var otherFields: [Field] = []
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = offset + 1
            let trimmed = rawLine.trimmingWhitespace()
            if trimmed.isEmpty || trimmed.hasPrefix(";") { continue }
            guard let colon = trimmed.firstIndex(of: ":") else {
                throw KeyFileError(path: path, line: line, "expected 'Name: value'")
            }
            let name = String(trimmed[..<colon])
            let value = String(trimmed[trimmed.index(after: colon)...].trimmingWhitespace())
            switch name {
            case "Private-key-format":
                format = (value, line)
            case "Algorithm":
                let number = value.prefix { $0.isNumber }
                guard let raw = UInt8(number) else {
                    throw KeyFileError(path: path, line: line, "Algorithm does not start with a number")
                }
                algorithm = DNSSECAlgorithm(rawValue: raw)
            case "PrivateKey":
                guard let bytes = Base64.decode(value), !bytes.isEmpty else {
                    throw KeyFileError(path: path, line: line, "PrivateKey is not valid base64")
                }
                privateKey = bytes
            default:
                otherFields.append(Field(name: name, value: value))
            }
        }
        guard let format else { throw KeyFileError(path: path, "missing 'Private-key-format:' line") }
        guard format.value.hasPrefix("v1.") else {
            throw KeyFileError(path: path, line: format.line, "Private-key-format is not v1.x")
        }
        guard let algorithm else { throw KeyFileError(path: path, "missing 'Algorithm:' line") }
        guard algorithm.isSupportedForSigning else {
            throw KeyFileError(path: path, "algorithm \(algorithm) is not supported for signing")
        }
        guard let privateKey else { throw KeyFileError(path: path, "missing 'PrivateKey:' line") }
        self.init(algorithm: algorithm, privateKey: privateKey, otherFields: otherFields)
    }

    /// The file text, in the layout BIND writes.
    public func render() -> String {
        var text = "Private-key-format: v1.3\n"
        text += "Algorithm: \(algorithm)\n"
        text += "PrivateKey: \(Base64.encode(privateKey))\n"
        for field in otherFields { text += "\(field.name): \(field.value)\n" }
        return text
    }

    /// Overwrites the private key bytes with zeros, once they have been used.
    public mutating func wipePrivateKey() {
        Secret.wipe(&privateKey)
    }

    /// The value of a timing or other extra field, e.g. `field("Activate")`.
    public func field(_ name: String) -> String? {
        otherFields.first { $0.name == name }?.value
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var result = self
        while let first = result.first, first.isWhitespace { result.removeFirst() }
        while let last = result.last, last.isWhitespace { result.removeLast() }
        return result
    }
}
