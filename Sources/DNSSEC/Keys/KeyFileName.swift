import DNSWire

/// The base name BIND gives a key's file pair, `K<zone>.+<alg>+<tag>` (then `.key` and `.private`),
/// e.g. `Kexample.test.+013+00457`.
public struct KeyFileName: Hashable, Sendable, CustomStringConvertible {
    public var zone: DNSName
    public var algorithm: DNSSECAlgorithm
    public var keyTag: UInt16

    public init(zone: DNSName, algorithm: DNSSECAlgorithm, keyTag: UInt16) {
        self.zone = zone
        self.algorithm = algorithm
        self.keyTag = keyTag
    }

    /// Parses a base name (without `.key`/`.private`). Returns nil if it is not a key file name.
    public init?(baseName: some StringProtocol) {
        // Parse from the end: the zone text itself may contain `+`.
        let chars = Array(baseName.utf8)
        guard chars.count >= 12, chars[0] == UInt8(ascii: "K") else { return nil }
        let tagStart = chars.count - 5
        let algStart = tagStart - 4
        guard chars[tagStart - 1] == UInt8(ascii: "+"), chars[algStart - 1] == UInt8(ascii: "+"),
            let tag = UInt16(String(decoding: chars[tagStart...], as: UTF8.self)),
            let alg = UInt8(String(decoding: chars[algStart..<(tagStart - 1)], as: UTF8.self)),
            let zone = try? DNSName(text: String(decoding: chars[1..<(algStart - 1)], as: UTF8.self))
        else { return nil }
        self.init(zone: zone, algorithm: DNSSECAlgorithm(rawValue: alg), keyTag: tag)
    }

    /// `K<zone>.+AAA+TTTTT`, with the zone lowercased as BIND writes it.
    public var baseName: String {
        "K\(zone.lowercased().text)+\(Self.zeroPadded(Int(algorithm.rawValue), 3))+\(Self.zeroPadded(Int(keyTag), 5))"
    }

    public var publicFileName: String { baseName + ".key" }
    public var privateFileName: String { baseName + ".private" }
    public var description: String { baseName }

    static func zeroPadded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
