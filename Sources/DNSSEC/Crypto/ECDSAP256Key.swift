import COpenSSL
import CSigilCrypto

/// An ECDSA P-256 private key for algorithm 13, ECDSAP256SHA256 (RFC 6605).
///
/// The key is parsed once into an `EVP_PKEY`, and signed with through `EVP_PKEY_sign` by the C
/// signer (`Sources/CSigilCrypto/ecdsa.c`), which keeps its `EVP_PKEY_CTX`s for reuse. Each
/// nonce is OpenSSL's hedged one, made at signing time from the key, the digest and fresh
/// randomness, so a cloned VM or restored snapshot cannot sign two messages with one nonce.
/// Nothing is mutated after `init` and the signer lends each thread its own context, so concurrent
/// signing from many threads is safe: hence `@unchecked Sendable`.
public final class ECDSAP256Key: @unchecked Sendable {
    /// DNSKEY public key field: X ‖ Y, 64 bytes, without the 0x04 uncompressed-point prefix.
    public let publicKey: [UInt8]
    private let pkey: OpaquePointer
    private let signer: OpaquePointer

    /// Length of the private scalar, of X and Y, and of r and s.
    static let width = 32
    public static let signatureLength = 64

    /// Loads a key from its private scalar (BIND's `PrivateKey:` field), deriving the public key.
    ///
    /// BIND writes the scalar as a big-endian integer without leading zero bytes, so one key in
    /// 256 arrives as 31 bytes (or fewer); it is left-padded back to 32.
    public init(privateKey stored: [UInt8]) throws(CryptoError) {
        guard (1...Self.width).contains(stored.count) else {
            throw CryptoError("ECDSA P-256 private key must be at most 32 bytes, not \(stored.count)")
        }
        var scalar = [UInt8](repeating: 0, count: Self.width - stored.count) + stored
        defer { Secret.wipe(&scalar) }
        let (pkey, publicPoint) = try Self.makeKeyPair(scalar)
        var signer: OpaquePointer? = nil
        if let reason = sigil_ecdsa_signer_new(pkey, &signer) {
            EVP_PKEY_free(pkey)
            throw .openSSL(String(cString: reason))
        }
        self.pkey = pkey
        self.signer = signer!
        self.publicKey = Array(publicPoint.dropFirst())
    }

    /// Generates a fresh key from OpenSSL's CSPRNG.
    public static func generate() throws(CryptoError) -> ECDSAP256Key {
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else { throw .openSSL("EVP_PKEY_CTX_new_from_name") }
        defer { EVP_PKEY_CTX_free(ctx) }
        var generated: OpaquePointer? = nil
        guard EVP_PKEY_keygen_init(ctx) == 1, EVP_PKEY_CTX_set_group_name(ctx, "P-256") == 1,
            EVP_PKEY_generate(ctx, &generated) == 1, let generated
        else { throw .openSSL("generating a P-256 key") }
        defer { EVP_PKEY_free(generated) }
        var scalar = try Self.privateScalar(of: generated)
        defer { Secret.wipe(&scalar) }
        return try ECDSAP256Key(privateKey: scalar)
    }

    deinit {
        sigil_ecdsa_signer_free(signer)
        EVP_PKEY_free(pkey)
    }

    /// The 32-byte private scalar, for writing a key file.
    public func privateKeyBytes() throws(CryptoError) -> [UInt8] {
        try Self.privateScalar(of: pkey)
    }

    /// Signs `data` (SHA-256, then ECDSA) and writes r ‖ s to the first 64 bytes of `output`.
    /// Returns the number of bytes written. Allocates only inside libcrypto's ECDSA (its
    /// temporaries, the nonce's hash context and the `ECDSA_SIG`); safe to call from many threads.
    public func sign(
        _ data: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer
    ) throws(CryptoError)
        -> Int
    {
        precondition(output.count >= Self.signatureLength, "signature output buffer too small")
        let out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
        guard sigil_ecdsa_sign(signer, data.baseAddress, data.count, out) == 1 else {
            throw .openSSL("ECDSA P-256 signing failed")
        }
        return Self.signatureLength
    }

    /// Verifies a DNSSEC-format (r ‖ s) signature over `data` against a DNSKEY-format public key.
    /// Returns false for a wrong signature; throws only for a malformed public key.
    public static func verify(signature: [UInt8], of data: [UInt8], publicKey: [UInt8]) throws(CryptoError) -> Bool {
        guard publicKey.count == 2 * width else {
            throw CryptoError("ECDSA P-256 public key must be 64 bytes, not \(publicKey.count)")
        }
        guard signature.count == signatureLength else { return false }
        let pkey = try makePublicKey([0x04] + publicKey)
        defer { EVP_PKEY_free(pkey) }
        guard let der = derFromRaw(signature) else { throw .openSSL("encoding ECDSA signature") }
        guard let ctx = EVP_MD_CTX_new() else { throw .openSSL("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestVerifyInit_ex(ctx, nil, "SHA256", nil, nil, pkey, nil) == 1 else {
            throw .openSSL("EVP_DigestVerifyInit_ex")
        }
        let result = EVP_DigestVerify(ctx, der, der.count, data, data.count)
        OpenSSLErrorQueue.clear()
        return result == 1
    }
}

/// NUL-terminated names in static storage (string literals), for OpenSSL APIs that keep the pointer.
private enum ParamName {
    static var group: UnsafePointer<CChar> { cString("group") }
    static var pub: UnsafePointer<CChar> { cString("pub") }
    static var priv: UnsafePointer<CChar> { cString("priv") }
    static var prime256v1: UnsafePointer<CChar> { cString("prime256v1") }

    private static func cString(_ text: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self)
    }
}

extension ECDSAP256Key {
    /// Builds an `EVP_PKEY` holding both halves, computing the public point as scalar × G.
    fileprivate static func makeKeyPair(_ scalar: [UInt8]) throws(CryptoError) -> (OpaquePointer, [UInt8]) {
        guard let group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1) else { throw .openSSL("EC_GROUP") }
        defer { EC_GROUP_free(group) }
        // A secure BIGNUM: the key parameters built from it are then kept in memory that
        // OSSL_PARAM_free clears.
        guard let priv = BN_secure_new() else { throw .openSSL("BN_secure_new") }
        defer { BN_clear_free(priv) }
        guard BN_bin2bn(scalar, Int32(scalar.count), priv) != nil else { throw .openSSL("BN_bin2bn") }
        guard BN_is_zero(priv) == 0, BN_cmp(priv, EC_GROUP_get0_order(group)) < 0 else {
            throw CryptoError("ECDSA P-256 private key is out of range (zero or not below the group order)")
        }
        guard let point = EC_POINT_new(group) else { throw .openSSL("EC_POINT_new") }
        defer { EC_POINT_free(point) }
        var encoded = [UInt8](repeating: 0, count: 1 + 2 * width)
        guard EC_POINT_mul(group, point, priv, nil, nil, nil) == 1,
            EC_POINT_point2oct(group, point, POINT_CONVERSION_UNCOMPRESSED, &encoded, encoded.count, nil)
                == encoded.count
        else { throw .openSSL("deriving the P-256 public key") }
        let pkey = try fromData(selection: sigil_evp_pkey_keypair(), point: encoded, priv: priv)
        return (pkey, encoded)
    }

    fileprivate static func makePublicKey(_ point: [UInt8]) throws(CryptoError) -> OpaquePointer {
        try fromData(selection: sigil_evp_pkey_public_key(), point: point, priv: nil)
    }

    private static func fromData(
        selection: Int32, point: [UInt8], priv: OpaquePointer?
    ) throws(CryptoError)
        -> OpaquePointer
    {
        guard let builder = OSSL_PARAM_BLD_new() else { throw .openSSL("OSSL_PARAM_BLD_new") }
        defer { OSSL_PARAM_BLD_free(builder) }
        // The builder keeps pointers to the values until `to_param` copies them, and the resulting
        // params keep pointing at the key names, so the names must be static C strings and the
        // point must stay alive across the build: no implicit array/String bridging here.
        let params = point.withUnsafeBytes { pointBytes -> UnsafeMutablePointer<OSSL_PARAM>? in
            guard OSSL_PARAM_BLD_push_utf8_string(builder, ParamName.group, ParamName.prime256v1, 0) == 1,
                OSSL_PARAM_BLD_push_octet_string(builder, ParamName.pub, pointBytes.baseAddress, pointBytes.count)
                    == 1,
                priv.map({ OSSL_PARAM_BLD_push_BN(builder, ParamName.priv, $0) == 1 }) ?? true
            else { return nil }
            return OSSL_PARAM_BLD_to_param(builder)
        }
        guard let params else { throw .openSSL("building P-256 key parameters") }
        defer { OSSL_PARAM_free(params) }
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else { throw .openSSL("EVP_PKEY_CTX_new_from_name") }
        defer { EVP_PKEY_CTX_free(ctx) }
        var pkey: OpaquePointer? = nil
        guard EVP_PKEY_fromdata_init(ctx) == 1, EVP_PKEY_fromdata(ctx, &pkey, selection, params) == 1, let pkey else {
            throw .openSSL("invalid P-256 key")
        }
        return pkey
    }

    fileprivate static func privateScalar(of pkey: OpaquePointer) throws(CryptoError) -> [UInt8] {
        var bn: OpaquePointer? = nil
        guard EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &bn) == 1, let bn else {
            throw .openSSL("reading the P-256 private key")
        }
        defer { BN_clear_free(bn) }
        var scalar = [UInt8](repeating: 0, count: width)
        guard BN_bn2binpad(bn, &scalar, Int32(width)) == Int32(width) else { throw .openSSL("BN_bn2binpad") }
        return scalar
    }

    /// r ‖ s → DER via libcrypto, for `EVP_DigestVerify`.
    fileprivate static func derFromRaw(_ raw: [UInt8]) -> [UInt8]? {
        guard let sig = ECDSA_SIG_new() else { return nil }
        defer { ECDSA_SIG_free(sig) }
        guard let r = BN_bin2bn(raw, Int32(width), nil) else { return nil }
        guard let s = raw.withUnsafeBufferPointer({ BN_bin2bn($0.baseAddress! + width, Int32(width), nil) }) else {
            BN_free(r)
            return nil
        }
        guard ECDSA_SIG_set0(sig, r, s) == 1 else {
            BN_free(r)
            BN_free(s)
            return nil
        }
        let length = i2d_ECDSA_SIG(sig, nil)
        guard length > 0 else { return nil }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
            return i2d_ECDSA_SIG(sig, &cursor)
        }
        return written == length ? der : nil
    }
}
