/// A private key Sigil can sign with, for any supported algorithm.
///
/// An enum rather than a protocol so the signing call on the query path is a switch, not an
/// existential dispatch, and so that adding an algorithm makes the compiler point at every place
/// that must handle it. Every case is immutable after creation and safe to sign with from many
/// threads at once.
public enum SigningKey: Sendable {
    case ecdsaP256SHA256(ECDSAP256Key)
    case ed25519(Ed25519Key)

    /// Loads a key from the private material BIND stores as `PrivateKey:` (the P-256 scalar, or
    /// the Ed25519 seed).
    public init(algorithm: DNSSECAlgorithm, privateKey: [UInt8]) throws(CryptoError) {
        switch algorithm {
        case .ecdsaP256SHA256: self = .ecdsaP256SHA256(try ECDSAP256Key(privateKey: privateKey))
        case .ed25519: self = .ed25519(try Ed25519Key(seed: privateKey))
        default: throw .unsupported(algorithm)
        }
    }

    /// Generates a new random key.
    public static func generate(_ algorithm: DNSSECAlgorithm) throws(CryptoError) -> SigningKey {
        switch algorithm {
        case .ecdsaP256SHA256: .ecdsaP256SHA256(try ECDSAP256Key.generate())
        case .ed25519: .ed25519(try Ed25519Key.generate())
        default: throw .unsupported(algorithm)
        }
    }

    public var algorithm: DNSSECAlgorithm {
        switch self {
        case .ecdsaP256SHA256: .ecdsaP256SHA256
        case .ed25519: .ed25519
        }
    }

    /// The public key field of the DNSKEY record.
    public var publicKey: [UInt8] {
        switch self {
        case .ecdsaP256SHA256(let key): key.publicKey
        case .ed25519(let key): key.publicKey
        }
    }

    /// The private material in BIND's `PrivateKey:` form, for writing key files.
    public func privateKeyBytes() throws(CryptoError) -> [UInt8] {
        switch self {
        case .ecdsaP256SHA256(let key): try key.privateKeyBytes()
        case .ed25519(let key): key.seed()
        }
    }

    /// The exact length of every signature this key produces (both supported algorithms have
    /// fixed-length signatures), so callers can reserve RRSIG space before signing.
    public var signatureLength: Int {
        switch self {
        case .ecdsaP256SHA256: ECDSAP256Key.signatureLength
        case .ed25519: Ed25519Key.signatureLength
        }
    }

    /// Signs `data` (for RRSIG: the RRSIG RDATA prefix followed by the canonical RRset) and writes
    /// the DNSSEC wire-format signature to `output`, which must hold `signatureLength` bytes.
    /// Returns the number of bytes written. This is the allocation-light entry point for the
    /// signing hot path.
    @inlinable
    public func sign(
        _ data: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(CryptoError)
        -> Int
    {
        switch self {
        case .ecdsaP256SHA256(let key): try key.sign(data, into: output)
        case .ed25519(let key): try key.sign(data, into: output)
        }
    }

    /// Signs `data`, returning the DNSSEC wire-format signature.
    public func sign(_ data: UnsafeRawBufferPointer) throws(CryptoError) -> [UInt8] {
        var signature = [UInt8](repeating: 0, count: signatureLength)
        // `withUnsafeMutableBytes` only rethrows untyped errors; carry the typed one out in a Result.
        let written = signature.withUnsafeMutableBytes { output in
            Result { () throws(CryptoError) in try sign(data, into: output) }
        }
        signature.removeLast(signature.count - (try written.get()))
        return signature
    }

    /// Signs `data`, returning the DNSSEC wire-format signature.
    public func sign(_ data: [UInt8]) throws(CryptoError) -> [UInt8] {
        try data.withUnsafeBytes { bytes in Result { () throws(CryptoError) in try sign(bytes) } }.get()
    }
}
