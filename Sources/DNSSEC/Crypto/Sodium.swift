import CSodium

/// libsodium must be initialised once before use; `sodium_init` is itself idempotent and
/// thread-safe, and a Swift global is initialised exactly once, so touching `ready` from any
/// thread before the first libsodium call is enough.
enum Sodium {
    static let ready: Bool = sodium_init() >= 0

    static func ensureReady() throws(CryptoError) {
        guard ready else { throw CryptoError("libsodium failed to initialise") }
    }
}

/// Clearing of private key material held in Swift arrays once it has been used.
enum Secret {
    /// Overwrites the array's bytes with zeros in a way the optimizer does not remove. The array
    /// must be the only owner of its storage, or only a copy would be cleared.
    static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { sodium_memzero($0.baseAddress, $0.count) }
    }
}
