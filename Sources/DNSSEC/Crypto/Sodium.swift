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
