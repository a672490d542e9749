import DNSWire
import Foundation
import QueryPipeline
import SigilServer
import SigilTestSupport
import Testing

@testable import SigilServerTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Issue #12's attack against the real server: 64 KiB TCP queries whose 4,124 additional records
/// are owned by the top of an 8,000-pointer chain (33 million hops each if every owner is
/// followed). The server's CPU time per crafted query, read from /proc, must stay under `bound`.
@Suite(.requires(.kdig))
struct HostileQueryTests {
    /// Milliseconds of server CPU per crafted query: a debug server reads, refuses and answers one
    /// in 0.1 to 0.2 ms; a decoder that follows every owner takes 64 ms in release, 1.2 s in debug.
    static let bound = 5.0
    static let queries = 200

    /// The crafted query: `www.it.test. A`, one record whose RDATA is the root and 8,000 pointers
    /// each to the one before, then 4,124 records owned by a pointer to the last of them.
    static func craftedQuery(id: UInt16) -> [UInt8] {
        var packet = rawQuery(id: id, name: "www.it.test", type: 1)
        packet[2] = 0  // RD clear
        packet[10] = UInt8(4125 >> 8)
        packet[11] = UInt8(4125 & 0xFF)
        let length = 1 + 2 * 8000
        packet += [0, 0, 10, 0, 1, 0, 0, 0, 0, UInt8(length >> 8), UInt8(length & 0xFF)]
        var previous = packet.count
        packet.append(0)
        for _ in 0..<8000 {
            let here = packet.count
            packet += [0xC0 | UInt8(previous >> 8), UInt8(previous & 0xFF)]
            previous = here
        }
        let owner = [0xC0 | UInt8(previous >> 8), UInt8(previous & 0xFF)]
        for _ in 0..<4124 { packet += owner + [0, 1, 0, 1, 0, 0, 0, 0, 0, 0] }
        return packet
    }

    /// utime + stime of `pid`, in milliseconds (proc(5): fields 14 and 15, after the command).
    static func cpuMilliseconds(_ pid: Int32) throws -> Double {
        let stat = String(decoding: Subprocess.readFile("/proc/\(pid)/stat"), as: UTF8.self)
        guard let close = stat.lastIndex(of: ")") else { throw Subprocess.Failure("unreadable /proc/\(pid)/stat") }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is the state (field 3): utime is field 14, stime 15.
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw Subprocess.Failure("unreadable /proc/\(pid)/stat: \(stat)")
        }
        return (user + system) * 1000 / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    @Test func craftedTCPQueriesCostLittleCPU() throws {
        let (server, _) = try startIntegrationServer(udpWorkers: 1)
        let endpoint = try IPEndpoint(parsing: "127.0.0.1:\(server.port)")
        let pid = server.process.processIdentifier
        let crafted = (0..<Self.queries).map { framed(Self.craftedQuery(id: UInt16($0))) }
        #expect(crafted[0].count - 2 == 65529)

        let warm = try ClientSocket(tcp: endpoint)
        try warm.write(framed(rawQuery(id: 0xBEEF, name: "www.it.test", type: 1)))
        guard case .bytes = warm.readMessage() else {
            Issue.record("no answer to the warm-up query")
            return
        }

        let before = try Self.cpuMilliseconds(pid)
        // One connection: the server has no per-connection query cap by default.
        let socket = try ClientSocket(tcp: endpoint, timeout: 30)
        var answered = 0
        for (index, query) in crafted.enumerated() {
            try socket.write(query)
            guard case .bytes(let reply) = socket.readMessage() else { break }
            let message = try Message(decoding: reply)
            #expect(message.header.id == UInt16(index) && message.rcode == .formErr)
            answered += 1
            // Stop early on an unbounded decoder rather than spend minutes proving it.
            if try Self.cpuMilliseconds(pid) - before > Self.bound * Double(Self.queries) { break }
        }
        let perQuery = (try Self.cpuMilliseconds(pid) - before) / Double(max(answered, 1))
        print("server CPU per crafted 64 KiB TCP query: \(String(format: "%.3f", perQuery)) ms over \(answered)")
        #expect(answered == Self.queries, "every crafted query answered (FORMERR)")
        #expect(perQuery <= Self.bound, "\(perQuery) ms of server CPU per crafted query")

        // Still serving.
        let reply = try #require(try Kdig.ask("www.it.test", "A", port: server.port, tcp: true))
        #expect(reply.message.answers.map(\.data.text) == ["192.0.2.80"])
    }
}
