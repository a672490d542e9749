import CSodium
import Synchronization

/// The server secret of DNS cookies, shared by every worker, and its rollover.
///
/// A roll makes a new secret current and keeps the old one accepted for `CookieSecrets.overlap`
/// seconds, the lifetime of a server cookie (RFC 9018 §4.3), so that no client's cookie turns bad
/// at the roll. Workers copy the secrets when the generation changes: the query path reads one
/// atomic word.
public final class CookieSecrets: Sendable {
    public static let size = 16
    /// How long the previous secret is accepted after a roll.
    public static let overlap: Int64 = 3600

    struct State {
        var current: [UInt8]
        var previous: [UInt8]?
        /// Monotonic second until which `previous` is accepted.
        var previousUntil: Int64
    }

    private let state: Mutex<State>
    let generation = Atomic<UInt64>(1)

    /// Secrets from config (16 bytes each), or a random current one.
    public init(secret: [UInt8]? = nil, previous: [UInt8]? = nil) {
        precondition(secret.map { $0.count == Self.size } ?? true && previous.map { $0.count == Self.size } ?? true)
        let current = secret ?? Self.random()
        state = Mutex(
            State(current: current, previous: previous, previousUntil: ControlClock.monotonicSeconds() + Self.overlap))
    }

    deinit {
        state.withLock { state in
            CookieSecrets.wipe(&state.current)
            // In place: wiping a copy would leave the shared storage as it was.
            if state.previous != nil { CookieSecrets.wipe(&state.previous!) }
        }
    }

    /// Makes `secret` (random if nil) current; the old current one is accepted for `overlap`
    /// seconds more. Nothing happens if `secret` is already current.
    public func roll(to secret: [UInt8]? = nil) {
        state.withLock { state in
            if let secret, secret == state.current { return }
            if state.previous != nil { CookieSecrets.wipe(&state.previous!) }
            state.previous = state.current
            state.current = secret ?? CookieSecrets.random()
            state.previousUntil = ControlClock.monotonicSeconds() + CookieSecrets.overlap
        }
        generation.add(1, ordering: .releasing)
    }

    /// Copies the secrets into a worker's key storage (current at 0, previous at 16).
    func copy(into keys: UnsafeMutablePointer<UInt8>) -> (hasPrevious: Bool, previousUntil: Int64) {
        state.withLock { state in
            state.current.withUnsafeBytes {
                keys.initialize(from: $0.bindMemory(to: UInt8.self).baseAddress!, count: 16)
            }
            if let previous = state.previous {
                previous.withUnsafeBytes {
                    (keys + 16).initialize(from: $0.bindMemory(to: UInt8.self).baseAddress!, count: 16)
                }
                return (true, state.previousUntil)
            }
            return (false, 0)
        }
    }

    static func random() -> [UInt8] {
        _ = sodium_init()
        var bytes = [UInt8](repeating: 0, count: size)
        bytes.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, size) }
        return bytes
    }

    static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { sodium_memzero($0.baseAddress!, $0.count) }
    }

    /// Parses 32 hex digits (an optional `0x` prefix, as Knot writes them).
    public static func parse(_ text: String) -> [UInt8]? {
        var digits = Substring(text)
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
        guard digits.count == size * 2 else { return nil }
        var bytes: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            guard let byte = UInt8(digits[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}

/// A worker's copy of the secrets, cleared when the worker ends.
final class CookieKeys {
    let bytes: UnsafeMutablePointer<UInt8>
    var generation: UInt64 = 0
    var hasPrevious = false
    var previousUntil: Int64 = 0

    init() {
        bytes = .allocate(capacity: 2 * CookieSecrets.size)
        bytes.initialize(repeating: 0, count: 2 * CookieSecrets.size)
    }

    deinit {
        sodium_memzero(bytes, 2 * CookieSecrets.size)
        bytes.deallocate()
    }

    /// Refreshes the copy if the secrets were rolled.
    @inline(__always)
    func refresh(from secrets: CookieSecrets) {
        let current = secrets.generation.load(ordering: .acquiring)
        guard current != generation else { return }
        (hasPrevious, previousUntil) = secrets.copy(into: bytes)
        generation = current
    }
}
