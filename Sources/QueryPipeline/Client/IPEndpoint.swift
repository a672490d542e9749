#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IP address and port: a listen address in configuration, or a query's peer on the hot path.
///
/// Unlike NIO's `SocketAddress` this is a plain value with no heap storage, so the UDP workers can build one
/// for every datagram for free.
public struct IPEndpoint: Sendable, Hashable {
    public var address: IPAddress
    public var port: UInt16

    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }
}

extension IPEndpoint: CustomStringConvertible {
    /// `192.0.2.1:53` or `[2001:db8::1]:53`: the same syntax ``init(parsing:defaultPort:)`` accepts.
    public var description: String {
        switch self.address.family {
        case .v4: return "\(self.address):\(self.port)"
        case .v6: return "[\(self.address)]:\(self.port)"
        }
    }
}
