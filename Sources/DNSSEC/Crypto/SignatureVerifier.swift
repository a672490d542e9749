/// Checks DNSSEC signatures against DNSKEY public keys. The server does not validate as a resolver;
/// this self-checks freshly made keys and signatures, serves tests, and is what `sigil dane check`'s
/// own validation (DANECheck, linked by the CLI only) verifies RRSIGs with.
public enum SignatureVerifier {
    /// Whether `signature` (DNSSEC wire format) is a valid signature of `data` by `publicKey`
    /// (DNSKEY format). Returns false for a wrong signature; throws for an unsupported algorithm or
    /// a malformed public key.
    public static func verify(
        _ signature: [UInt8], of data: [UInt8], publicKey: [UInt8], algorithm: DNSSECAlgorithm
    ) throws(CryptoError) -> Bool {
        switch algorithm {
        case .ecdsaP256SHA256: try ECDSAP256Key.verify(signature: signature, of: data, publicKey: publicKey)
        case .ed25519: try Ed25519Key.verify(signature: signature, of: data, publicKey: publicKey)
        default: throw .unsupported(algorithm)
        }
    }
}
