import COpenSSL

/// A reusable incremental hash: `update` any number of times, then `finalize`, which also resets
/// the context for the next message. Reusing one context avoids an allocation per digest.
///
/// Not thread-safe: use one context per thread (or per task) at a time.
public final class DigestContext {
    public let algorithm: DigestAlgorithm
    private let context: OpaquePointer

    public init(_ algorithm: DigestAlgorithm) {
        self.algorithm = algorithm
        guard let context = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new: out of memory") }
        self.context = context
        reset()
    }

    deinit {
        EVP_MD_CTX_free(context)
    }

    /// Discards anything hashed so far.
    public func reset() {
        precondition(EVP_DigestInit_ex2(context, algorithm.md, nil) == 1, "EVP_DigestInit_ex2 failed")
    }

    public func update(_ data: UnsafeRawBufferPointer) {
        guard data.count > 0 else { return }
        precondition(EVP_DigestUpdate(context, data.baseAddress, data.count) == 1, "EVP_DigestUpdate failed")
    }

    public func update(_ data: [UInt8]) {
        data.withUnsafeBytes { update($0) }
    }

    /// Writes the digest into the first `algorithm.length` bytes of `output` and resets.
    public func finalize(into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count >= algorithm.length, "digest output buffer too small")
        var length: UInt32 = 0
        let ok = EVP_DigestFinal_ex(context, output.baseAddress?.assumingMemoryBound(to: UInt8.self), &length)
        precondition(ok == 1 && Int(length) == algorithm.length, "EVP_DigestFinal_ex failed")
        reset()
    }

    /// Returns the digest and resets.
    public func finalize() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: algorithm.length) { buffer, count in
            finalize(into: UnsafeMutableRawBufferPointer(buffer))
            count = algorithm.length
        }
    }
}
