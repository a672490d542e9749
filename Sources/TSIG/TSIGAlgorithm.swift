import CSigilCrypto
import DNSWire

/// The HMAC algorithms Sigil signs and verifies TSIG with (RFC 8945 §6): SHA-256 and SHA-512, and
/// SHA-1 for old peers. Named in messages by a domain name (`hmac-sha256.`).
public enum TSIGAlgorithm: String, Sendable, CaseIterable {
    case hmacSHA256 = "hmac-sha256"
    case hmacSHA512 = "hmac-sha512"
    case hmacSHA1 = "hmac-sha1"

    /// The algorithm named `text` in a config or key file (case-insensitive, trailing dot allowed).
    public init?(name text: String) {
        var lower = text.lowercased()
        if lower.hasSuffix(".") { lower.removeLast() }
        self.init(rawValue: lower)
    }

    /// The algorithm named by `wire` (uncompressed wire form, any case) in a TSIG record.
    init?(wire: [UInt8]) {
        guard let match = Self.allCases.first(where: { $0.nameWire == wire.lowercasedWireName }) else { return nil }
        self = match
    }

    /// The algorithm's name as it goes into a TSIG record, lowercase wire form.
    public var nameWire: [UInt8] {
        var wire: [UInt8] = []
        wire.append(UInt8(rawValue.utf8.count))
        wire.append(contentsOf: rawValue.utf8)
        wire.append(0)
        return wire
    }

    /// libcrypto's digest name.
    var digest: String {
        switch self {
        case .hmacSHA256: "SHA256"
        case .hmacSHA512: "SHA512"
        case .hmacSHA1: "SHA1"
        }
    }

    /// The length of the full MAC.
    public var macLength: Int {
        switch self {
        case .hmacSHA256: 32
        case .hmacSHA512: 64
        case .hmacSHA1: 20
        }
    }

    /// The shortest truncated MAC accepted: the larger of 10 octets and half the MAC (RFC 8945 §5.2.2.1).
    var shortestMAC: Int { max(10, macLength / 2) }
}

extension [UInt8] {
    /// Uncompressed wire-form name bytes with ASCII letters lowercased (label lengths are < 64, so
    /// never letters).
    var lowercasedWireName: [UInt8] {
        map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    }
}

/// One HMAC computation over libcrypto's EVP_MAC, fed in pieces.
struct HMAC: ~Copyable {
    private let context: OpaquePointer

    init(_ algorithm: TSIGAlgorithm, secret: TSIGSecret) throws(TSIGFailure) {
        var made: OpaquePointer? = nil
        let failure = secret.withBytes { key in
            sigil_hmac_new(algorithm.digest, key.baseAddress, key.count, &made)
        }
        guard failure == nil, let made else {
            sigil_openssl_drain_errors(nil, 0)
            throw TSIGFailure(failure.map { String(cString: $0) } ?? "HMAC failed")
        }
        context = made
    }

    deinit { sigil_hmac_free(context) }

    func update(_ bytes: UnsafeRawBufferPointer) {
        _ = sigil_hmac_update(context, bytes.baseAddress, bytes.count)
    }

    func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    func update(_ value: UInt16) {
        update([UInt8(value >> 8), UInt8(value & 0xFF)])
    }

    consuming func finish() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 64)
        let length = out.withUnsafeMutableBytes { sigil_hmac_final(context, $0.baseAddress, $0.count) }
        return Array(out[..<length])
    }
}

/// Why a TSIG operation could not be carried out (not a verification result: see `TSIGError`).
public struct TSIGFailure: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
