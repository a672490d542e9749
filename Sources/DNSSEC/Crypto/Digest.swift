import COpenSSL

/// One-shot digests over bytes. For many digests in a row (NSEC3 iterations, hashing names for a
/// whole zone), reuse a `DigestContext` instead, which keeps one libcrypto context.
public enum Digest {
    /// Hashes `data` with `algorithm`.
    public static func hash(_ algorithm: DigestAlgorithm, _ data: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: algorithm.length) { buffer, count in
            var length: UInt32 = 0
            let ok = EVP_Digest(data.baseAddress, data.count, buffer.baseAddress, &length, algorithm.md, nil)
            precondition(ok == 1 && Int(length) == algorithm.length, "EVP_Digest failed")
            count = Int(length)
        }
    }

    /// Hashes `data` with `algorithm`.
    public static func hash(_ algorithm: DigestAlgorithm, _ data: [UInt8]) -> [UInt8] {
        data.withUnsafeBytes { hash(algorithm, $0) }
    }
}
