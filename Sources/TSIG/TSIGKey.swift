import CSigilCrypto
import DNSWire

/// A TSIG shared secret. Held outside Swift's copy-on-write arrays, so that the one copy can be
/// overwritten (`OPENSSL_cleanse`) when the last reference goes.
public final class TSIGSecret: @unchecked Sendable {
    // Immutable after init; only deinit writes, when no one else can read.
    private let storage: UnsafeMutableRawBufferPointer

    /// Copies `bytes`; the caller clears its own copy (`TSIGSecret.clear`).
    public init(_ bytes: [UInt8]) {
        storage = .allocate(byteCount: max(bytes.count, 1), alignment: 1)
        storage.copyBytes(from: bytes)
        count = bytes.count
    }

    public let count: Int

    deinit {
        sigil_cleanse(storage.baseAddress, storage.count)
        storage.deallocate()
    }

    func withBytes<T>(_ body: (UnsafeRawBufferPointer) -> T) -> T {
        body(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(storage)[..<count]))
    }

    /// The secret in base64, for printing a key file (`sigil tsig-keygen`).
    public var base64: String { withBytes { Base64.encode(Array($0)) } }

    /// Overwrites a temporary copy of secret bytes.
    public static func clear(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { sigil_cleanse($0.baseAddress, $0.count) }
        bytes.removeAll()
    }
}

/// A TSIG key: its name (as it appears in messages), algorithm and secret.
public struct TSIGKey: Sendable {
    /// The key name, lowercased (names compare case-insensitively; the MAC covers the canonical form).
    public let name: DNSName
    public let algorithm: TSIGAlgorithm
    public let secret: TSIGSecret

    public init(name: DNSName, algorithm: TSIGAlgorithm, secret: TSIGSecret) {
        self.name = name.lowercased()
        self.algorithm = algorithm
        self.secret = secret
    }
}

/// The keys a server knows, by name.
public struct TSIGKeyring: Sendable {
    public private(set) var keys: [DNSName: TSIGKey] = [:]

    public init(_ keys: [TSIGKey] = []) {
        for key in keys { self.keys[key.name] = key }
    }

    public func key(named name: DNSName) -> TSIGKey? { keys[name.lowercased()] }

    public var isEmpty: Bool { keys.isEmpty }
}
