import DNSWire
import Foundation
import QueryPipeline
import SigilServer
import SigilTestSupport
import Testing

@testable import SigilServerTestSupport

/// `sigil serve` for `it.test.` from `integrationZone(serial: 1)` in a fresh directory, with
/// `udpWorkers` UDP workers and `extra` flags; returns the server and the zone file's path.
func startIntegrationServer(udpWorkers: Int, _ extra: [String] = []) throws -> (SigilServerProcess, String) {
    let directory = try TemporaryDirectory()
    let file = try directory.write("it.test.zone", integrationZone(serial: 1))
    let server = try SigilServerProcess(
        ["--zone", "it.test=\(file)", "--udp-workers", "\(udpWorkers)"] + extra, in: directory)
    return (server, file)
}

/// `sigil serve` end to end: the built binary on a loopback port, asked by kdig and raw sockets.
@Suite(.requires(.kdig))
struct ServerIntegrationTests {
    /// A server for `it.test.` from a zone file in a fresh directory.
    func startServer(_ extra: [String] = []) throws -> (SigilServerProcess, String) {
        try startIntegrationServer(udpWorkers: 2, extra)
    }

    @Test func answersOverUDPAndTCP() throws {
        let (server, _) = try startServer()
        for tcp in [false, true] {
            let reply = try #require(try Kdig.ask("www.it.test.", "A", port: server.port, tcp: tcp))
            #expect(reply.message.rcode == .noError)
            #expect(reply.message.header.authoritative && reply.message.header.isResponse)
            #expect(reply.message.header.recursionDesired && !reply.message.header.recursionAvailable)
            #expect(reply.message.answers.map(\.data.text) == ["192.0.2.80"])
        }
        // kdig lowercases names, so the case check goes over a plain socket.
        let client = try ClientSocket(udp: .v4)
        try client.send(
            rawQuery(id: 0x20, name: "WwW.It.TeSt", type: 1), to: try IPEndpoint(parsing: "127.0.0.1:\(server.port)"))
        let mixed = try Message(decoding: try #require(client.receiveDatagram()))
        #expect(mixed.questions.first?.name.text == "WwW.It.TeSt.", "the question's case is kept")
        #expect(mixed.answers.first?.name.text == "WwW.It.TeSt.", "the owner points at the question")
        let referral = try #require(try Kdig.ask("www.child.it.test", "A", port: server.port))
        #expect(!referral.message.header.authoritative)
        #expect(referral.message.authority.map(\.type) == [.ns])
        #expect(referral.message.additional.map(\.data.text) == ["192.0.2.99"])
        let outside = try #require(try Kdig.ask("example.com", "A", port: server.port))
        #expect(outside.message.rcode == .refused && !outside.message.header.authoritative)
        let nx = try #require(try Kdig.ask("nope.it.test", "A", port: server.port))
        #expect(nx.message.rcode == .nxDomain && nx.message.authority.map(\.type) == [.soa])
    }

    @Test func truncation() throws {
        let (server, _) = try startServer()
        let plain = try #require(try Kdig.ask("big.it.test", "A", port: server.port, options: ["+noedns", "+ignore"]))
        #expect(plain.message.header.truncated && plain.message.answers.isEmpty)
        #expect(plain.message.questions.count == 1 && plain.message.edns == nil)
        #expect(plain.size <= 512)
        let edns = try #require(
            try Kdig.ask("big.it.test", "A", port: server.port, options: ["+bufsize=1232", "+ignore"]))
        #expect(!edns.message.header.truncated && edns.message.answers.count == 40)
        #expect(edns.message.edns?.udpPayloadSize == 1232)
        // A size below 512 counts as 512: still truncated, now with OPT.
        let tiny = try #require(
            try Kdig.ask("big.it.test", "A", port: server.port, options: ["+bufsize=100", "+ignore"]))
        #expect(tiny.message.header.truncated && tiny.message.edns != nil && tiny.size <= 512)
        let tcp = try #require(try Kdig.ask("big.it.test", "A", port: server.port, tcp: true, options: ["+noedns"]))
        #expect(!tcp.message.header.truncated && tcp.message.answers.count == 40)
    }

    @Test func ednsEdgeCases() throws {
        let (server, _) = try startServer()
        let badVersion = try #require(try Kdig.ask("www.it.test", "A", port: server.port, options: ["+edns=1"]))
        #expect(badVersion.message.rcode == .badVers && badVersion.message.header.rcodeLow == 0)
        #expect(badVersion.message.edns?.version == 0 && badVersion.message.answers.isEmpty)
        let unknownOption = try #require(
            try Kdig.ask("www.it.test", "A", port: server.port, options: ["+ednsopt=65001:abcd"]))
        #expect(unknownOption.message.rcode == .noError && unknownOption.message.answers.count == 1)
        #expect(unknownOption.message.edns?.options == [], "unknown options are not echoed")
        let cookie = try #require(try Kdig.ask("www.it.test", "A", port: server.port, options: ["+cookie"]))
        #expect(cookie.message.rcode == .noError && cookie.message.answers.count == 1 && cookie.message.edns != nil)
        let noEDNS = try #require(try Kdig.ask("www.it.test", "A", port: server.port, options: ["+noedns"]))
        #expect(noEDNS.message.edns == nil && noEDNS.message.additional.isEmpty)
        let dnssecOK = try #require(try Kdig.ask("www.it.test", "A", port: server.port, options: ["+dnssec"]))
        #expect(dnssecOK.message.edns?.dnssecOK == true)
        let plainEDNS = try #require(try Kdig.ask("www.it.test", "A", port: server.port, options: ["+edns"]))
        #expect(plainEDNS.message.edns?.dnssecOK == false && plainEDNS.message.edns?.udpPayloadSize == 1232)
    }

    @Test func refusedAndNotImplemented() throws {
        let (server, _) = try startServer()
        let chaos = try #require(try Kdig.ask("version.bind", "TXT", port: server.port, options: ["-c", "CH"]))
        #expect(chaos.message.rcode == .refused && chaos.message.answers.isEmpty)
        let hesiod = try #require(try Kdig.ask("www.it.test", "A", port: server.port, options: ["-c", "CLASS4"]))
        #expect(hesiod.message.rcode == .refused)
        let endpoint = try IPEndpoint(parsing: "127.0.0.1:\(server.port)")
        let stream = try ClientSocket(tcp: endpoint)
        try stream.write(framed(rawQuery(id: 0xAF, name: "it.test", type: 252)))
        guard case .bytes(let transferBytes) = stream.readMessage() else {
            Issue.record("no answer to AXFR")
            return
        }
        #expect(try Message(decoding: transferBytes).rcode == .refused, "no one may transfer a zone by default")

        let client = try ClientSocket(udp: .v4)
        var notify = rawQuery(id: 0x4242, name: "it.test", type: 6)
        notify[2] = 4 << 3 | 0x04  // opcode NOTIFY, AA
        try client.send(notify, to: endpoint)
        let reply = try Message(decoding: try #require(client.receiveDatagram()))
        // NOTIFY for a served zone is acknowledged as a primary does (RFC 1996; docs/FLEET.md).
        #expect(reply.header.id == 0x4242 && reply.rcode == .noError && reply.header.opcode.rawValue == 4)
        #expect(reply.header.authoritative)
        #expect(reply.questions.first?.name.text == "it.test.")
    }

    @Test func garbageAndTruncatedPackets() throws {
        let (server, _) = try startServer()
        let client = try ClientSocket(udp: .v4, timeout: 0.3)
        let endpoint = try IPEndpoint(parsing: "127.0.0.1:\(server.port)")
        let good = rawQuery(id: 7, name: "www.it.test", type: 1)

        // Shorter than a header, and responses: dropped without an answer.
        try client.send([1, 2, 3, 4, 5], to: endpoint)
        #expect(client.receiveDatagram() == nil)
        var response = good
        response[2] |= 0x80
        try client.send(response, to: endpoint)
        #expect(client.receiveDatagram() == nil)

        // The question cut short: FORMERR, id echoed, no question.
        try client.send(Array(good[0..<20]), to: endpoint)
        let cut = try Message(decoding: try #require(client.receiveDatagram()))
        #expect(cut.header.id == 7 && cut.rcode == .formErr && cut.questions.isEmpty && cut.edns == nil)

        // Trailing garbage after a good question and OPT: FORMERR with the question and OPT.
        try client.send(good.withOPT() + [0xde, 0xad], to: endpoint)
        let trailing = try Message(decoding: try #require(client.receiveDatagram()))
        #expect(trailing.rcode == .formErr && trailing.questions.count == 1 && trailing.edns != nil)

        // Random bytes: FORMERR or silence, never a crash.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var junk = (0..<Int.random(in: 12...80, using: &generator)).map { _ in UInt8.random(in: 0...255) }
            junk[2] &= 0x7F
            try client.send(junk, to: endpoint)
        }
        while client.receiveDatagram() != nil {}

        try client.send(good, to: endpoint)
        let answer = try Message(decoding: try #require(client.receiveDatagram()))
        #expect(answer.header.id == 7 && answer.rcode == .noError && answer.answers.count == 1)
    }

    @Test func pipelinedTCP() throws {
        let (server, _) = try startServer()
        let socket = try ClientSocket(tcp: try IPEndpoint(parsing: "127.0.0.1:\(server.port)"))
        let names = ["www.it.test", "big.it.test", "nope.it.test", "it.test", "ns1.it.test"]
        var batch: [UInt8] = []
        for (index, name) in names.enumerated() {
            batch += framed(rawQuery(id: UInt16(100 + index), name: name, type: 1))
        }
        try socket.write(batch)
        var answers: [UInt16: Message] = [:]
        for _ in names {
            guard case .bytes(let bytes) = socket.readMessage() else { break }
            let message = try Message(decoding: bytes)
            answers[message.header.id] = message
        }
        #expect(answers.count == names.count)
        #expect(answers[100]?.answers.count == 1)
        #expect(answers[101]?.answers.count == 40 && answers[101]?.header.truncated == false)
        #expect(answers[102]?.rcode == .nxDomain)
        #expect(answers[103]?.answers.isEmpty == true && answers[103]?.authority.map(\.type) == [.soa])
        #expect(answers[104]?.answers.map(\.data.text) == ["192.0.2.53"])
    }

    @Test func reloadOnSIGHUP() throws {
        let (server, file) = try startServer()
        try integrationZone(serial: 2, extra: "broken IN A not-an-address\n")
            .write(toFile: file, atomically: true, encoding: .utf8)
        server.signal(SIGHUP)
        #expect(server.waitForLog("reload done", count: 1))
        #expect(server.log.contains("it.test.zone:"), "the error names the file: \(server.log)")
        #expect(try serial(server) == 1, "the broken zone keeps the old version serving")

        try integrationZone(serial: 3).write(toFile: file, atomically: true, encoding: .utf8)
        server.signal(SIGHUP)
        #expect(server.waitForLog("reload done", count: 2))
        #expect(try serial(server) == 3)
        server.signal(SIGTERM)
        #expect(server.waitForExit() == 0)
    }

    @Test func sigtermAndSigintExitZero() throws {
        for signal in [SIGTERM, SIGINT] {
            let (server, _) = try startServer()
            server.signal(signal)
            #expect(server.waitForExit() == 0, "\(server.log)")
        }
    }

    @Test func badConfigurationExitsTwo() throws {
        let directory = try TemporaryDirectory()
        try directory.write("it.test.zone", integrationZone(serial: 1))
        try directory.write(
            "bad.yaml",
            "listen: [\"127.0.0.1:0\"]\nudp-workers: lots\nzones:\n  - origin: it.test\n    file: it.test.zone\n")
        let binary = try SigilBinary.require()
        let bad = try Subprocess.run(binary, ["serve", "--config", "bad.yaml"], in: directory.path)
        #expect(bad.status == 2 && bad.stderr.contains("udp-workers"), "\(bad.stderr)")
        let level = try Subprocess.run(
            binary, ["serve", "--zone", "it.test=it.test.zone", "--log-level", "loud"], in: directory.path)
        #expect(level.status == 2 && level.stderr.contains("--log-level"), "\(level.stderr)")
        let listen = try Subprocess.run(
            binary, ["serve", "--zone", "it.test=it.test.zone", "--listen", "localhost:53"], in: directory.path)
        #expect(listen.status == 2 && listen.stderr.contains("--listen"), "\(listen.stderr)")
        let typo = try Subprocess.run(binary, ["serve", "--config", "missing.yaml"], in: directory.path)
        #expect(typo.status == 2 && typo.stderr.contains("missing.yaml"), "\(typo.stderr)")
    }

    @Test func checkZone() throws {
        let directory = try TemporaryDirectory()
        let binary = try SigilBinary.require()
        let good = try directory.write("good.zone", integrationZone(serial: 42))
        let ok = try Subprocess.run(binary, ["check-zone", good])
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("zone it.test.: loaded serial 42, 47 records"), "\(ok.stdout)")

        let broken = try directory.write(
            "broken.zone", integrationZone(serial: 1, extra: "bad IN A 300.1.1.1\nworse IN MX ten mx\n"))
        let failed = try Subprocess.run(binary, ["check-zone", broken])
        #expect(failed.status == 1)
        let errors = failed.stdout.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(errors.count == 2, "\(failed.stdout)")
        #expect(errors.allSatisfy { $0.hasPrefix("\(broken):5") }, "\(failed.stdout)")

        let noSOA = try directory.write("nosoa.zone", "$ORIGIN x.test.\n@ 300 NS ns\nns 300 A 192.0.2.1\n")
        let built = try Subprocess.run(binary, ["check-zone", noSOA, "--origin", "x.test"])
        #expect(built.status == 1 && built.stdout.contains("error: x.test. SOA"), "\(built.stdout)")
    }

    @Test(.requires(.dnsperf)) func dnsperfSmoke() throws {
        let (server, _) = try startServer()
        let queries = try server.directory.write(
            "queries.txt", "www.it.test A\nbig.it.test A\nnope.it.test AAAA\nit.test SOA\nwww.child.it.test A\n")
        let run = try Subprocess.run(
            "dnsperf", ["-s", "127.0.0.1", "-p", "\(server.port)", "-d", queries, "-l", "3", "-Q", "3000", "-t", "2"])
        #expect(run.succeeded, "\(run.stderr)")
        #expect(run.stdout.contains("Queries lost:         0 "), "\(run.stdout)")
        #expect(!run.stdout.contains("Queries completed:    0 "), "\(run.stdout)")
    }

    func serial(_ server: SigilServerProcess) throws -> UInt32? {
        let reply = try Kdig.ask("it.test", "SOA", port: server.port)
        guard case .soa(let soa) = reply?.message.answers.first?.data else { return nil }
        return soa.serial
    }
}
