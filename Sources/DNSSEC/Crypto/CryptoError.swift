import CSigilCrypto

/// Why a cryptographic operation failed: bad key material, an unsupported algorithm, or an error
/// from the crypto library (whose own message is appended so a failure in the field is diagnosable).
public struct CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }

    /// An error for a failed libcrypto call, with the entries of OpenSSL's (thread-local) error
    /// queue appended; draining it keeps stale entries from confusing the next failure.
    static func openSSL(_ what: String) -> CryptoError {
        CryptoError(OpenSSLErrorQueue.drain(what))
    }

    static func unsupported(_ algorithm: DNSSECAlgorithm) -> CryptoError {
        CryptoError("algorithm \(algorithm) is not supported for signing")
    }
}

/// OpenSSL's per-thread error queue, emptied in one place (`sigil_openssl_drain_errors`).
public enum OpenSSLErrorQueue {
    /// `what`, followed by the texts of the queued errors, which are removed.
    public static func drain(_ what: String) -> String {
        var buffer = [CChar](repeating: 0, count: 1024)
        guard sigil_openssl_drain_errors(&buffer, buffer.count) > 0 else { return what }
        let details = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return "\(what): \(details)"
    }

    /// Discards the queued errors, after a call whose failure is an answer (a signature that does
    /// not verify, the end of a PEM file).
    public static func clear() {
        _ = sigil_openssl_drain_errors(nil, 0)
    }
}
