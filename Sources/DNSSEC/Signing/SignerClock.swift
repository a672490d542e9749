#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the signer reads the time (seconds since 1970): the system clock, or a fixed or stepped
/// one in tests, so validity and refresh can be checked without waiting.
public struct SignerClock: Sendable {
    public let now: @Sendable () -> Int64

    public init(now: @escaping @Sendable () -> Int64) {
        self.now = now
    }

    /// `time(2)`: no allocation, no Foundation.
    public static let system = SignerClock { Int64(time(nil)) }
}
