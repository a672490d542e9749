#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address held inline (no heap storage), so that the transport can hand peer addresses
/// to handlers on the per-query path without allocating.
///
/// The sixteen bytes are kept in network order, in memory order: an IPv4 address uses the first four.
public struct IPAddress: Sendable, Hashable {
    /// The address family.
    public enum Family: Sendable, Hashable {
        case v4
        case v6
    }

    public let family: Family
    /// Network-order bytes 0..<8 and 8..<16, stored as raw memory (not as numbers).
    @usableFromInline internal var high: UInt64
    @usableFromInline internal var low: UInt64

    /// An IPv4 address from its `in_addr` (network order).
    public init(_ address: in_addr) {
        self.family = .v4
        self.high = UInt64(address.s_addr)
        self.low = 0
    }

    /// An IPv6 address from its `in6_addr`.
    public init(_ address: in6_addr) {
        self.family = .v6
        var address = address
        (self.high, self.low) = Swift.withUnsafeBytes(of: &address) { raw in
            (
                raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            )
        }
    }

    /// The address as `in_addr`, or nil for IPv6.
    public var ipv4: in_addr? {
        guard self.family == .v4 else { return nil }
        return in_addr(s_addr: UInt32(truncatingIfNeeded: self.high))
    }

    /// The address as `in6_addr`, or nil for IPv4.
    public var ipv6: in6_addr? {
        guard self.family == .v6 else { return nil }
        var result = in6_addr()
        withUnsafeMutableBytes(of: &result) { raw in
            raw.storeBytes(of: self.high, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: self.low, toByteOffset: 8, as: UInt64.self)
        }
        return result
    }

    /// Calls `body` with the address bytes in network order: 4 for IPv4, 16 for IPv6.
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var pair = (self.high, self.low)
        let count = self.family == .v4 ? 4 : 16
        return try Swift.withUnsafeBytes(of: &pair) { try body(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }

    /// True for `0.0.0.0` and `::`, which make the kernel accept datagrams for every local address.
    public var isUnspecified: Bool { self.high == 0 && self.low == 0 }

    /// The IPv4 loopback address `127.0.0.1`.
    public static let loopbackV4 = IPAddress(in_addr(s_addr: UInt32(0x7f00_0001).bigEndian))
    /// The IPv6 loopback address `::1`.
    public static let loopbackV6: IPAddress = {
        var address = in6_addr()
        withUnsafeMutableBytes(of: &address) { $0[15] = 1 }
        return IPAddress(address)
    }()
}

extension IPAddress {
    /// Parses a numeric IPv4 or IPv6 address (no brackets, no port, no scope), or returns nil.
    ///
    /// Uses `inet_pton`, so the accepted syntax is exactly what the C library accepts.
    public init?(_ text: String) {
        if text.contains(":") {
            var address = in6_addr()
            guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
            self.init(address)
        } else {
            var address = in_addr()
            guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
            self.init(address)
        }
    }
}

extension IPAddress: CustomStringConvertible {
    /// The conventional text form (`inet_ntop`), e.g. `192.0.2.1` or `2001:db8::1`.
    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let ok: Bool
        switch self.family {
        case .v4:
            var address = self.ipv4!
            ok = inet_ntop(AF_INET, &address, &buffer, socklen_t(buffer.count)) != nil
        case .v6:
            var address = self.ipv6!
            ok = inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return "<invalid address>" }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
