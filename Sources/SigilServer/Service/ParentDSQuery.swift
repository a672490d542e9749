import DNSSEC
import DNSWire
import QueryPipeline

#if canImport(Glibc)
import Glibc
#endif

/// Asks the parent's name servers for a zone's DS RRset (one UDP query each, RD clear), to learn
/// when the DS of a new key is published: the step of a KSK or CSK rollover the parent controls.
enum ParentDSQuery {
    /// The outcome over all servers.
    struct Answer {
        /// Every server answered with a DS for each key.
        var allPublished: Bool
        /// The largest DS TTL seen.
        var ttl: Int64?
        /// Servers that did not answer or answered without the DS, for the log.
        var missing: [String]
    }

    /// Whether every server in `servers` publishes a DS matching each of `keys`.
    static func check(zone: DNSName, keys: [StoredKey], servers: [String]) -> Answer {
        var answer = Answer(allPublished: !servers.isEmpty, ttl: nil, missing: [])
        for server in servers {
            guard let endpoint = try? IPEndpoint(parsing: server, defaultPort: 53),
                let records = query(zone: zone, endpoint: endpoint)
            else {
                answer.allPublished = false
                answer.missing.append("\(server) (no answer)")
                continue
            }
            var found = 0
            for key in keys {
                let expected = key.ds()
                let match = records.first { record in
                    guard case .ds(let ds) = record.data else { return false }
                    return ds.keyTag == expected.keyTag && ds.algorithm == expected.algorithm.rawValue
                        && ds.digestType == expected.digestType.rawValue && ds.digest == expected.digest
                }
                if let match {
                    found += 1
                    answer.ttl = max(answer.ttl ?? 0, Int64(match.ttl))
                }
            }
            if found < keys.count {
                answer.allPublished = false
                answer.missing.append(server)
            }
        }
        return answer
    }

    /// The answer section of a DS query to `endpoint`; nil on time-out or a bad answer.
    static func query(zone: DNSName, endpoint: IPEndpoint) -> [ResourceRecord]? {
        let id = UInt16.random(in: 0...UInt16.max)
        let message = Message(
            header: Header(id: id, flags: 0, questionCount: 1),
            questions: [Question(name: zone, type: .ds)], edns: EDNS())
        let packet = message.encoded()
        let family = endpoint.address.family == .v4 ? AF_INET : AF_INET6
        let fd = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let sent = endpoint.withSockAddr { address, length in
            packet.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, 0, address, length) }
        }
        guard sent == packet.count else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<3 {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return nil }
            guard let reply = try? Message(decoding: Array(buffer[..<count])), reply.header.id == id else { continue }
            return reply.answers.filter { $0.name == zone }
        }
        return nil
    }
}
