#if canImport(Glibc)
import CSigilLinux
import Glibc
import QueryPipeline
#elseif canImport(Darwin)
import Darwin
#endif

/// Creation of the UDP sockets the workers read from.
enum UDPSocket {
    /// Opens a non-blocking UDP socket bound to `endpoint`, with `SO_REUSEPORT` so that every worker can bind
    /// its own socket to the same address and the kernel spreads datagrams across them (by 4-tuple hash)
    /// without any user-space hand-off.
    ///
    /// IPv6 sockets get `IPV6_V6ONLY`, so `[::]:53` and `0.0.0.0:53` can be listed side by side. Wildcard
    /// sockets ask for the destination address of each datagram (`IP_PKTINFO` / `IPV6_RECVPKTINFO`) so the
    /// reply leaves from the address the client wrote to, which multi-homed hosts need.
    static func open(
        _ endpoint: IPEndpoint, receiveBufferBytes: Int?, sendBufferBytes: Int?
    ) throws(TransportError)
        -> Int32
    {
        let subject = "UDP \(endpoint)"
        let domain = endpoint.address.family == .v4 ? AF_INET : AF_INET6
        #if canImport(Glibc)
        let type = Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        #else
        let type = SOCK_DGRAM
        #endif
        let fd = socket(domain, type, 0)
        guard fd >= 0 else { throw TransportError(call: "socket", errno: errno, subject: subject) }

        func option(_ level: Int32, _ name: Int32, _ value: Int32, _ label: String) throws(TransportError) {
            var value = value
            if setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) != 0 {
                let error = errno
                close(fd)
                throw TransportError(call: "setsockopt(\(label))", errno: error, subject: subject)
            }
        }

        try option(SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR")
        try option(SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT")
        if let receiveBufferBytes {
            // SO_RCVBUFFORCE may exceed net.core.rmem_max but needs CAP_NET_ADMIN; without it, take what
            // SO_RCVBUF grants (capped at rmem_max) rather than fail.
            var size = Int32(clamping: receiveBufferBytes)
            if setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, socklen_t(MemoryLayout<Int32>.size)) != 0 {
                try option(SOL_SOCKET, SO_RCVBUF, size, "SO_RCVBUF")
            }
        }
        if let sendBufferBytes { try option(SOL_SOCKET, SO_SNDBUF, Int32(sendBufferBytes), "SO_SNDBUF") }
        if endpoint.address.family == .v6 {
            try option(Int32(IPPROTO_IPV6), IPV6_V6ONLY, 1, "IPV6_V6ONLY")
        }
        if endpoint.address.isUnspecified {
            if CSigilLinux_enable_pktinfo(fd, endpoint.address.family == .v6 ? 1 : 0) != 0 {
                let error = errno
                close(fd)
                throw TransportError(call: "setsockopt(PKTINFO)", errno: error, subject: subject)
            }
        }

        let rc = endpoint.withSockAddr { bind(fd, $0, $1) }
        guard rc == 0 else {
            let error = errno
            close(fd)
            throw TransportError(call: "bind", errno: error, subject: subject)
        }
        return fd
    }
}
