/// A DNSSEC algorithm number (RFC 8624 registry), as carried in DNSKEY, RRSIG and DS records.
///
/// A struct rather than an enum so that keys and records with algorithms Sigil cannot sign with
/// (RSA, GOST, …) can still be read, listed and published; only `isSupportedForSigning` ones can
/// produce a `SigningKey`.
public struct DNSSECAlgorithm: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    public static let rsaMD5 = DNSSECAlgorithm(rawValue: 1)
    public static let rsaSHA1 = DNSSECAlgorithm(rawValue: 5)
    public static let rsaSHA256 = DNSSECAlgorithm(rawValue: 8)
    public static let rsaSHA512 = DNSSECAlgorithm(rawValue: 10)
    /// ECDSA on P-256 with SHA-256 (RFC 6605).
    public static let ecdsaP256SHA256 = DNSSECAlgorithm(rawValue: 13)
    public static let ecdsaP384SHA384 = DNSSECAlgorithm(rawValue: 14)
    /// Ed25519 (RFC 8080).
    public static let ed25519 = DNSSECAlgorithm(rawValue: 15)
    public static let ed448 = DNSSECAlgorithm(rawValue: 16)

    /// The registry mnemonic, as BIND writes it in `Algorithm: 13 (ECDSAP256SHA256)`.
    public var mnemonic: String? {
        switch rawValue {
        case 1: "RSAMD5"
        case 3: "DSA"
        case 5: "RSASHA1"
        case 6: "NSEC3DSA"
        case 7: "NSEC3RSASHA1"
        case 8: "RSASHA256"
        case 10: "RSASHA512"
        case 12: "ECCGOST"
        case 13: "ECDSAP256SHA256"
        case 14: "ECDSAP384SHA384"
        case 15: "ED25519"
        case 16: "ED448"
        default: nil
        }
    }

    /// Parses a number or a mnemonic (case-insensitive), as the DNSKEY presentation format allows.
    public init?(text: some StringProtocol) {
        if let number = UInt8(text) {
            self.init(rawValue: number)
            return
        }
        let upper = text.uppercased()
        guard let number = (0...255).first(where: { DNSSECAlgorithm(rawValue: UInt8($0)).mnemonic == upper })
        else { return nil }
        self.init(rawValue: UInt8(number))
    }

    /// Whether Sigil can sign (and verify) with this algorithm.
    public var isSupportedForSigning: Bool { self == .ecdsaP256SHA256 || self == .ed25519 }

    public var description: String { mnemonic.map { "\(rawValue) (\($0))" } ?? "\(rawValue)" }
}
