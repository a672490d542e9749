import DNSWire
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A resolver or server address, `HOST:PORT` (`[V6]:PORT` for IPv6; the port defaults to 53).
package struct ServerAddress: Sendable, CustomStringConvertible {
    package var host: String
    package var port: UInt16

    package init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    package init?(parsing text: String) {
        var host = text
        var port: UInt16 = 53
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let value = UInt16(rest.dropFirst()) else { return nil }
                port = value
            }
        } else if let colon = text.lastIndex(of: ":"), text.filter({ $0 == ":" }).count == 1 {
            host = String(text[..<colon])
            guard let value = UInt16(text[text.index(after: colon)...]) else { return nil }
            port = value
        }
        guard SocketAddress(host: host, port: port) != nil else { return nil }
        self.host = host
        self.port = port
    }

    package var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// A numeric IPv4 or IPv6 socket address.
package struct SocketAddress: Sendable {
    package var storage = sockaddr_storage()
    package var length: socklen_t
    package var family: Int32

    package init?(host: String, port: UInt16) {
        var v4 = sockaddr_in()
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET, host, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: withUnsafeBytes(of: v4) { $0 }) }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            family = AF_INET
        } else if inet_pton(AF_INET6, host, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: withUnsafeBytes(of: v6) { $0 }) }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            family = AF_INET6
        } else {
            return nil
        }
    }
}

/// Why a lookup or connection failed, in words for the report.
package struct NetworkError: Error, CustomStringConvertible, Sendable {
    package var description: String
    package init(_ description: String) { self.description = description }
}

/// A connected socket with per-operation timeouts: connect, send and receive each give up after
/// `timeout` seconds, so an unreachable or silent peer costs a bounded time, never a hang.
package final class TimedSocket {
    package let fd: Int32

    package init(connectingTo address: SocketAddress, stream: Bool, timeout: Double) throws(NetworkError) {
        fd = socket(address.family, Int32(stream ? SOCK_STREAM.rawValue : SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw NetworkError("socket: \(String(cString: strerror(errno)))") }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        // Non-blocking connect, bounded by poll; then back to blocking with the timeouts above.
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        var storage = address.storage
        let rc = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, address.length) }
        }
        if rc != 0 {
            guard errno == EINPROGRESS else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw NetworkError("connect: \(reason)")
            }
            var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&pfd, 1, Int32(timeout * 1000))
            var error: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size)
            guard ready == 1, error == 0 else {
                close(fd)
                throw NetworkError(
                    ready == 0
                        ? "connect: timed out after \(Int(timeout)) s" : "connect: \(String(cString: strerror(error)))")
            }
        }
        _ = fcntl(fd, F_SETFL, flags)
    }

    deinit { close(fd) }

    package func send(_ bytes: [UInt8]) throws(NetworkError) {
        var offset = 0
        while offset < bytes.count {
            let rc = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            guard rc > 0 else { throw NetworkError("send: \(String(cString: strerror(errno)))") }
            offset += rc
        }
    }

    /// Up to `limit` bytes; empty at end of stream; throws on timeout.
    package func receive(limit: Int = 65535) throws(NetworkError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: limit)
        while true {
            let rc = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, limit, 0) }
            if rc >= 0 { return Array(buffer[0..<rc]) }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { throw NetworkError("timed out waiting for an answer") }
            throw NetworkError("receive: \(String(cString: strerror(errno)))")
        }
    }

    package func receive(exactly count: Int) throws(NetworkError) -> [UInt8] {
        var result: [UInt8] = []
        while result.count < count {
            let chunk = try receive(limit: count - result.count)
            guard !chunk.isEmpty else { throw NetworkError("connection closed early") }
            result += chunk
        }
        return result
    }
}

/// A stub resolver: one question to one server over UDP with EDNS (DO set, so DNSSEC records come
/// along), again over TCP when the answer is truncated.
package struct StubResolver: Sendable {
    package var server: ServerAddress
    package var timeout: Double
    /// Recursive service wanted (a validating resolver) or not (an authoritative server).
    package var recursive: Bool

    package init(server: ServerAddress, timeout: Double = 5, recursive: Bool) {
        self.server = server
        self.timeout = timeout
        self.recursive = recursive
    }

    package func query(_ name: DNSName, _ type: RRType) throws(NetworkError) -> Message {
        let id = UInt16.random(in: 0...UInt16.max)
        // RD for a resolver; AD asks it to say whether the answer validated (RFC 6840 §5.7).
        let flags = recursive ? Header.rdBit | Header.adBit : 0
        let query = Message(
            header: Header(id: id, flags: flags), questions: [Question(name: name, type: type)],
            edns: EDNS(udpPayloadSize: 1232, dnssecOK: true))
        guard let address = SocketAddress(host: server.host, port: server.port) else {
            throw NetworkError("bad server address \(server)")
        }
        let bytes = query.encoded()
        var lastError = NetworkError("no answer")
        for _ in 0..<2 {
            do throws(NetworkError) {
                let socket = try TimedSocket(connectingTo: address, stream: false, timeout: timeout)
                try socket.send(bytes)
                while true {
                    let reply = try socket.receive()
                    guard let message = try? Message(decoding: reply), message.header.id == id,
                        message.header.isResponse, message.questions.first?.name == name
                    else { continue }
                    if message.header.truncated { return try queryTCP(bytes, id: id, address: address) }
                    return message
                }
            } catch {
                lastError = error
            }
        }
        throw NetworkError("\(name.text) \(type) at \(server): \(lastError)")
    }

    private func queryTCP(_ bytes: [UInt8], id: UInt16, address: SocketAddress) throws(NetworkError) -> Message {
        let socket = try TimedSocket(connectingTo: address, stream: true, timeout: timeout)
        try socket.send([UInt8(bytes.count >> 8), UInt8(bytes.count & 0xFF)] + bytes)
        let prefix = try socket.receive(exactly: 2)
        let reply = try socket.receive(exactly: Int(prefix[0]) << 8 | Int(prefix[1]))
        guard let message = try? Message(decoding: reply), message.header.id == id else {
            throw NetworkError("malformed answer over TCP")
        }
        return message
    }
}
