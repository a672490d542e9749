import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Ports for third-party servers (knotd, unbound, ...), which cannot bind port 0 and report the
/// port they got. The kernel names a port that is free on both UDP and TCP, the peer is started
/// on it, and if the peer's bind fails all the same (another process took the port in between)
/// it is started again on a new port: a lost race is retried, never silent.
public enum PeerPort {
    /// The peer could not bind its port (its log says "address already in use"); ``start(attempts:_:)``
    /// tries again with another port.
    public struct InUse: Error, CustomStringConvertible {
        public var port: UInt16
        public var log: String
        public init(port: UInt16, log: String) {
            self.port = port
            self.log = log
        }
        public var description: String { "port \(port) was taken before the peer bound it: \(log)" }
    }

    /// Whether a peer's log shows it failed to bind its address.
    public static func bindFailed(_ log: String) -> Bool {
        log.lowercased().contains("address already in use")
    }

    /// Calls `start` with a free port on `address`, again with a new port (up to `attempts` in
    /// all) whenever it throws ``InUse``; other errors end the attempts at once.
    public static func start<T>(
        address: String = "127.0.0.1", attempts: Int = 5, _ start: (UInt16) throws -> T
    ) throws -> T {
        var lastError: InUse? = nil
        for _ in 0..<attempts {
            do {
                return try start(try free(address: address))
            } catch let error as InUse {
                lastError = error
            }
        }
        throw lastError!
    }

    /// A port the kernel gave a UDP socket on `address` (an IPv4 literal) and that TCP could bind
    /// too, a moment ago; both sockets are closed again for the peer to bind.
    public static func free(address: String = "127.0.0.1") throws -> UInt16 {
        for _ in 0..<20 {
            let udp = try bound(Int32(SOCK_DGRAM.rawValue), address: address, port: 0)
            defer { close(udp.fd) }
            // The TCP bind can fail where another program holds the same number on TCP: pick again.
            guard let tcp = try? bound(Int32(SOCK_STREAM.rawValue), address: address, port: udp.port) else { continue }
            close(tcp.fd)
            return udp.port
        }
        throw Subprocess.Failure("no port free on both UDP and TCP of \(address)")
    }

    private static func bound(_ type: Int32, address: String, port: UInt16) throws -> (fd: Int32, port: UInt16) {
        let fd = socket(AF_INET, type, 0)
        guard fd >= 0 else { throw Subprocess.Failure("socket: \(String(cString: strerror(errno)))") }
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = port.bigEndian
        guard inet_pton(AF_INET, address, &socketAddress.sin_addr) == 1 else {
            close(fd)
            throw Subprocess.Failure("not an IPv4 address: \(address)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0 else { return errno }
                return getsockname(fd, pointer, &length) == 0 ? 0 : errno
            }
        }
        guard result == 0 else {
            close(fd)
            throw Subprocess.Failure("bind \(address):\(port): \(String(cString: strerror(result)))")
        }
        return (fd, UInt16(bigEndian: socketAddress.sin_port))
    }
}
