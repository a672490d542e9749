import Glibc
import NIOCore
import QueryPipeline
import SigilServer

/// A DNS-ish responder: copies the query, sets QR. Queries shorter than a DNS header are dropped.
/// A query whose second flags byte is 0xFF asks for a 60000-byte response (for TCP size and backpressure).
struct EchoQRHandler: DatagramHandler {
    mutating func respond(
        to query: UnsafeRawBufferPointer,
        context: QueryContext,
        into response: UnsafeMutableRawBufferPointer
    ) -> Int? {
        guard query.count >= 12, query.count <= response.count else { return nil }
        if query[3] == 0xFF {
            let size = min(60000, response.count)
            guard size >= 12 else { return nil }
            response.copyMemory(from: UnsafeRawBufferPointer(rebasing: query[0..<12]))
            for i in 12..<size { response[i] = UInt8(truncatingIfNeeded: i) }
            response[2] |= 0x80
            return size
        }
        response.copyMemory(from: query)
        response[2] |= 0x80
        return query.count
    }
}

let echoFactory = ClosureHandlerFactory { EchoQRHandler() }

func testConfiguration(_ adjust: (inout TransportConfiguration) -> Void = { _ in }) -> TransportConfiguration {
    var configuration = TransportConfiguration()
    configuration.udpWorkers = 2
    configuration.tcpThreads = 2
    adjust(&configuration)
    return configuration
}

/// A query for `example. IN A` with the given id.
func makeQuery(id: UInt16, flags2: UInt8 = 0) -> [UInt8] {
    var bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), 0x01, flags2, 0, 1, 0, 0, 0, 0, 0, 0]
    bytes += [7] + Array("example".utf8) + [0, 0, 1, 0, 1]
    return bytes
}

func messageID(_ bytes: [UInt8]) -> UInt16 { UInt16(bytes[0]) << 8 | UInt16(bytes[1]) }

func framed(_ message: [UInt8]) -> [UInt8] { [UInt8(message.count >> 8), UInt8(message.count & 0xFF)] + message }

struct SocketFailure: Error, CustomStringConvertible {
    var call: String
    var errno: Int32
    var description: String { "\(call): \(String(cString: strerror(errno)))" }
}

/// A blocking client socket with a receive timeout, straight over Glibc: the tests use real sockets only.
final class ClientSocket {
    let fd: Int32

    init(udp family: IPAddress.Family, timeout: Double = 2) throws {
        self.fd = socket(family == .v4 ? AF_INET : AF_INET6, Int32(SOCK_DGRAM.rawValue), 0)
        guard self.fd >= 0 else { throw SocketFailure(call: "socket", errno: errno) }
        self.setTimeout(timeout)
    }

    /// `source`: a local address to bind first (e.g. 127.0.0.2, another client to the server).
    init(tcp endpoint: IPEndpoint, timeout: Double = 2, source: String? = nil) throws {
        self.fd = socket(endpoint.address.family == .v4 ? AF_INET : AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
        guard self.fd >= 0 else { throw SocketFailure(call: "socket", errno: errno) }
        self.setTimeout(timeout)
        if let source, let address = IPAddress(source) {
            let rc = IPEndpoint(address: address, port: 0).withSockAddr { bind(self.fd, $0, $1) }
            guard rc == 0 else {
                let error = errno
                close(self.fd)
                throw SocketFailure(call: "bind", errno: error)
            }
        }
        let rc = endpoint.withSockAddr { connect(self.fd, $0, $1) }
        guard rc == 0 else {
            let error = errno
            close(self.fd)
            throw SocketFailure(call: "connect", errno: error)
        }
    }

    deinit { close(self.fd) }

    func setTimeout(_ seconds: Double) {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1_000_000))
        setsockopt(self.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    func setReceiveBuffer(_ bytes: Int32) {
        var value = bytes
        setsockopt(self.fd, SOL_SOCKET, SO_RCVBUF, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    func send(_ bytes: [UInt8], to endpoint: IPEndpoint) throws {
        let rc = bytes.withUnsafeBytes { raw in
            endpoint.withSockAddr { sendto(self.fd, raw.baseAddress, raw.count, 0, $0, $1) }
        }
        guard rc == bytes.count else { throw SocketFailure(call: "sendto", errno: errno) }
    }

    /// One datagram, or nil on timeout.
    func receiveDatagram() -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress, $0.count, 0) }
        guard count >= 0 else { return nil }
        return Array(buffer[0..<count])
    }

    func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let rc = bytes.withUnsafeBytes { Glibc.send(self.fd, $0.baseAddress! + offset, $0.count - offset, 0) }
            guard rc > 0 else { throw SocketFailure(call: "send", errno: errno) }
            offset += rc
        }
    }

    enum ReadResult: Equatable {
        case bytes([UInt8])
        case closed
        case timedOut
    }

    /// Exactly `count` bytes, or `.closed` on EOF/reset, or `.timedOut`.
    func read(exactly count: Int) -> ReadResult {
        var result = [UInt8](repeating: 0, count: count)
        var offset = 0
        while offset < count {
            let rc = result.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress! + offset, count - offset, 0) }
            if rc == 0 { return .closed }
            if rc < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { return .timedOut }
                return .closed
            }
            offset += rc
        }
        return .bytes(result)
    }

    /// One length-prefixed message.
    func readMessage() -> ReadResult {
        switch self.read(exactly: 2) {
        case .bytes(let prefix): return self.read(exactly: Int(prefix[0]) << 8 | Int(prefix[1]))
        case let other: return other
        }
    }

    /// Waits for an orderly close (FIN): false on a reset, a timeout or unexpected data.
    func waitForFIN() -> Bool {
        var byte: UInt8 = 0
        return recv(self.fd, &byte, 1, 0) == 0
    }

    /// Waits for the peer to close: true on EOF/reset, false on timeout or unexpected data.
    func waitForClose() -> Bool {
        var byte: UInt8 = 0
        while true {
            let rc = recv(self.fd, &byte, 1, 0)
            if rc == 0 { return true }
            if rc < 0 { return errno == ECONNRESET }
            return false
        }
    }
}

/// Names of this process's threads, from /proc (to check that workers really exit).
func threadNames() -> [String] {
    guard let dir = opendir("/proc/self/task") else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) {
            String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        guard name.first?.isNumber == true, let file = fopen("/proc/self/task/\(name)/comm", "r") else { continue }
        var buffer = [CChar](repeating: 0, count: 64)
        if fgets(&buffer, 64, file) != nil {
            let bytes = buffer.prefix(while: { $0 != 0 && $0 != 10 }).map { UInt8(bitPattern: $0) }
            names.append(String(decoding: bytes, as: UTF8.self))
        }
        fclose(file)
    }
    return names
}
