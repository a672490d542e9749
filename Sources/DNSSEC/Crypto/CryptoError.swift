import COpenSSL

/// Why a cryptographic operation failed: bad key material, an unsupported algorithm, or an error
/// from the crypto library (whose own message is appended so a failure in the field is diagnosable).
public struct CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }

    /// An error for a failed libcrypto call, draining OpenSSL's (thread-local) error queue into the
    /// message so that stale entries do not confuse the next failure on this thread.
    static func openSSL(_ what: String) -> CryptoError {
        var details: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            details.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return CryptoError(details.isEmpty ? what : "\(what): \(details.joined(separator: "; "))")
    }

    static func unsupported(_ algorithm: DNSSECAlgorithm) -> CryptoError {
        CryptoError("algorithm \(algorithm) is not supported for signing")
    }
}
