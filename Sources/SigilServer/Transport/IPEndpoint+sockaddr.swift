import NIOCore
import QueryPipeline

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension IPEndpoint {
    /// Reads a `sockaddr_in` or `sockaddr_in6`; nil for any other family.
    ///
    /// This runs once per datagram in the UDP workers: it only copies fixed-size fields.
    @inlinable
    public init?(sockaddr pointer: UnsafeRawPointer) {
        let family = pointer.loadUnaligned(as: sa_family_t.self)
        switch Int32(family) {
        case AF_INET:
            let sin = pointer.loadUnaligned(as: sockaddr_in.self)
            self.init(address: IPAddress(sin.sin_addr), port: UInt16(bigEndian: sin.sin_port))
        case AF_INET6:
            let sin6 = pointer.loadUnaligned(as: sockaddr_in6.self)
            self.init(address: IPAddress(sin6.sin6_addr), port: UInt16(bigEndian: sin6.sin6_port))
        default:
            return nil
        }
    }

    /// Calls `body` with this endpoint as a `sockaddr` and its length, for `bind`, `sendto` and friends.
    public func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> R) rethrows -> R {
        switch self.address.family {
        case .v4:
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = self.port.bigEndian
            sin.sin_addr = self.address.ipv4!
            return try Swift.withUnsafePointer(to: &sin) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    try body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        case .v6:
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = self.port.bigEndian
            sin6.sin6_addr = self.address.ipv6!
            return try Swift.withUnsafePointer(to: &sin6) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    try body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
    }

    /// The local address a socket is bound to (`getsockname`), e.g. to learn the port chosen for port 0.
    static func localAddress(ofSocket fd: Int32) -> IPEndpoint? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = Swift.withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard rc == 0 else { return nil }
        return Swift.withUnsafeBytes(of: &storage) { IPEndpoint(sockaddr: $0.baseAddress!) }
    }
}

extension IPEndpoint {
    /// Converts from NIO's address type (TCP peers); nil for Unix-domain addresses.
    public init?(_ address: NIOCore.SocketAddress) {
        switch address {
        case .v4(let v4):
            self.init(address: IPAddress(v4.address.sin_addr), port: UInt16(bigEndian: v4.address.sin_port))
        case .v6(let v6):
            self.init(address: IPAddress(v6.address.sin6_addr), port: UInt16(bigEndian: v6.address.sin6_port))
        case .unixDomainSocket:
            return nil
        }
    }

    /// Converts to NIO's address type, for binding the TCP listener.
    public var nioAddress: NIOCore.SocketAddress {
        switch self.address.family {
        case .v4:
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = self.port.bigEndian
            sin.sin_addr = self.address.ipv4!
            return NIOCore.SocketAddress(sin, host: self.address.description)
        case .v6:
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = self.port.bigEndian
            sin6.sin6_addr = self.address.ipv6!
            return NIOCore.SocketAddress(sin6, host: self.address.description)
        }
    }
}
