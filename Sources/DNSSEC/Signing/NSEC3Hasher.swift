import CSigilCrypto
import DNSWire

/// The NSEC3 owner-name hash of RFC 5155 §5: IH(salt, x, 0) = H(x ‖ salt),
/// IH(salt, x, k) = H(IH(salt, x, k−1) ‖ salt), with x the canonical (lowercased) wire name and H
/// SHA-1, the only hash algorithm defined.
///
/// One hasher keeps one name buffer and hashes with a stack SHA-1 context (not `DigestContext`:
/// OpenSSL 3.0 re-allocates an EVP context on every init), so hashing allocates nothing. It is for
/// one thread at a time (a worker owns one).
public final class NSEC3Hasher {
    public static let hashLength = 20
    /// The NSEC3 hash algorithm number for SHA-1.
    public static let sha1: UInt8 = 1

    public let iterations: UInt16
    public let salt: [UInt8]
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: DNSName.maxWireLength, alignment: 8)

    public init(iterations: UInt16 = 0, salt: [UInt8] = []) {
        self.iterations = iterations
        self.salt = salt
    }

    deinit {
        buffer.deallocate()
    }

    /// Hashes `name` (uncompressed wire form, any case) into the first 20 bytes of `output`.
    public func hash(name: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        salt.withUnsafeBytes { hash(name: name, iterations: iterations, salt: $0, into: output) }
    }

    /// Hashes with explicit parameters, so one hasher per worker serves zones with different ones.
    public func hash(
        name: UnsafeRawBufferPointer, iterations: UInt16, salt saltBytes: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer
    ) {
        precondition(name.count <= DNSName.maxWireLength && output.count >= Self.hashLength)
        for index in 0..<name.count {
            buffer[index] = DNSName.lower(name[index])
        }
        sigil_sha1_concat(buffer.baseAddress, name.count, saltBytes.baseAddress, saltBytes.count, output.baseAddress)
        // Each iteration hashes the previous digest, copied out first since output is overwritten.
        var previous: (UInt64, UInt64, UInt64) = (0, 0, 0)
        for _ in 0..<iterations {
            withUnsafeMutableBytes(of: &previous) { digest in
                digest.copyMemory(from: UnsafeRawBufferPointer(rebasing: output[..<Self.hashLength]))
                sigil_sha1_concat(
                    digest.baseAddress, Self.hashLength, saltBytes.baseAddress, saltBytes.count, output.baseAddress)
            }
        }
    }

    /// The hash of `name` (uncompressed wire, any case) as a value, allocation-free.
    public func hashValue(
        of name: UnsafeRawBufferPointer, iterations: UInt16, salt: UnsafeRawBufferPointer
    )
        -> NSEC3Hash
    {
        var bytes: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &bytes) { output in
            hash(name: name, iterations: iterations, salt: salt, into: output)
            return NSEC3Hash(UnsafeRawBufferPointer(output))
        }
    }

    /// Hashes a name given as an array of wire bytes.
    public func hash(name: [UInt8], into output: UnsafeMutableRawBufferPointer) {
        name.withUnsafeBytes { hash(name: $0, into: output) }
    }

    /// The hash of `name`, as a new array (for building the chain, not the query path).
    public func hash(_ name: DNSName) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: Self.hashLength) { bytes, count in
            hash(name: name.wire, into: UnsafeMutableRawBufferPointer(bytes))
            count = Self.hashLength
        }
    }
}
