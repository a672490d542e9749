import COpenSSL

/// The hash functions DNSSEC needs: SHA-1 for NSEC3 (RFC 5155), SHA-256 and SHA-384 for DS
/// (RFC 4509, RFC 6605), and SHA-256 and SHA-512 for TLSA matching types 1 and 2 (RFC 6698).
public enum DigestAlgorithm: Sendable, Hashable, CaseIterable {
    case sha1
    case sha256
    case sha384
    case sha512

    /// Digest length in bytes.
    public var length: Int {
        switch self {
        case .sha1: 20
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }

    /// The libcrypto implementation, fetched once: OpenSSL 3 otherwise does an implicit
    /// (locked) provider lookup on every `EVP_DigestInit`.
    var md: OpaquePointer {
        switch self {
        case .sha1: FetchedDigests.shared.sha1.pointer
        case .sha256: FetchedDigests.shared.sha256.pointer
        case .sha384: FetchedDigests.shared.sha384.pointer
        case .sha512: FetchedDigests.shared.sha512.pointer
        }
    }
}

/// An `EVP_MD` fetched at first use and kept for the life of the process. `EVP_MD` objects are
/// immutable and reference-counted by OpenSSL, so sharing them across threads is safe.
struct FetchedMD: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ name: String) {
        guard let md = EVP_MD_fetch(nil, name, nil) else {
            fatalError("libcrypto has no \(name) digest: \(CryptoError.openSSL("EVP_MD_fetch"))")
        }
        pointer = md
    }
}

struct FetchedDigests: Sendable {
    let sha1 = FetchedMD("SHA1")
    let sha256 = FetchedMD("SHA256")
    let sha384 = FetchedMD("SHA384")
    let sha512 = FetchedMD("SHA512")

    /// Swift initialises globals once, thread-safely.
    static let shared = FetchedDigests()
}
