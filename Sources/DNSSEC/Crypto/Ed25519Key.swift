import CSodium

/// An Ed25519 private key for algorithm 15 (RFC 8080), signed with libsodium.
///
/// libsodium's 64-byte secret key (seed ‖ public key) is expanded once at load into `sodium_malloc`
/// memory: guard pages around it, kept out of swap where the system allows, read-only after `init`,
/// and zeroed by `sodium_free` on `deinit`. `crypto_sign_detached` only reads it, so concurrent
/// signing from many threads is safe: hence `@unchecked Sendable`.
public final class Ed25519Key: @unchecked Sendable {
    /// DNSKEY public key field: the 32-byte encoded point.
    public let publicKey: [UInt8]
    private let secretKey: UnsafeMutablePointer<UInt8>

    public static let seedLength = 32
    public static let signatureLength = 64
    static let secretKeyLength = 64

    /// Loads a key from its 32-byte seed, which is what BIND stores as `PrivateKey:`.
    public init(seed: [UInt8]) throws(CryptoError) {
        guard seed.count == Self.seedLength else {
            throw CryptoError("Ed25519 private key (seed) must be 32 bytes, not \(seed.count)")
        }
        try Sodium.ensureReady()
        guard let memory = sodium_malloc(Self.secretKeyLength) else { throw CryptoError("sodium_malloc failed") }
        secretKey = memory.bindMemory(to: UInt8.self, capacity: Self.secretKeyLength)
        var publicKey = [UInt8](repeating: 0, count: 32)
        guard crypto_sign_seed_keypair(&publicKey, secretKey, seed) == 0, sodium_mprotect_readonly(memory) == 0 else {
            sodium_free(memory)
            throw CryptoError("crypto_sign_seed_keypair or sodium_mprotect_readonly failed")
        }
        self.publicKey = publicKey
    }

    /// Generates a fresh key from libsodium's CSPRNG.
    public static func generate() throws(CryptoError) -> Ed25519Key {
        try Sodium.ensureReady()
        var seed = [UInt8](repeating: 0, count: seedLength)
        randombytes_buf(&seed, seedLength)
        defer { sodium_memzero(&seed, seedLength) }
        return try Ed25519Key(seed: seed)
    }

    deinit {
        sodium_free(secretKey)
    }

    /// The 32-byte seed, for writing a key file.
    public func seed() -> [UInt8] {
        Array(UnsafeBufferPointer(start: secretKey, count: Self.seedLength))
    }

    /// Signs `data` and writes the 64-byte signature to `output`; returns the number of bytes
    /// written. Allocation-free.
    public func sign(
        _ data: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(CryptoError)
        -> Int
    {
        precondition(output.count >= Self.signatureLength, "signature output buffer too small")
        let message = data.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let signature = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var length: UInt64 = 0
        guard crypto_sign_detached(signature, &length, message, UInt64(data.count), secretKey) == 0 else {
            throw CryptoError("crypto_sign_detached failed")
        }
        return Int(length)
    }

    /// Verifies a signature over `data` against a DNSKEY-format public key. Returns false for a
    /// wrong signature; throws only for a malformed public key.
    public static func verify(signature: [UInt8], of data: [UInt8], publicKey: [UInt8]) throws(CryptoError) -> Bool {
        guard publicKey.count == 32 else {
            throw CryptoError("Ed25519 public key must be 32 bytes, not \(publicKey.count)")
        }
        try Sodium.ensureReady()
        guard signature.count == signatureLength else { return false }
        return crypto_sign_verify_detached(signature, data, UInt64(data.count), publicKey) == 0
    }
}
