import Foundation
import SigilTestSupport
import Testing

@testable import SigilServerTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// How servers in the tests get their ports: `sigil serve --listen 127.0.0.1:0` reports the
/// port it bound, and third-party peers are restarted on another port when theirs was taken.
@Suite struct ListenPortTests {
    /// UDP binds port 0 first and TCP must take the same number; when another server holds it on
    /// TCP, sigil picks again. In a private network namespace whose ephemeral range is two ports,
    /// 40000 held by another sigil, the kernel gives UDP 40000 about every other time (both
    /// sockets allow address reuse), and each start must still end up on 40001.
    @Test(.requires(.root, .unshare, .ip))
    func portZeroMovesOnWhenTCPIsTaken() throws {
        let directory = try TemporaryDirectory()
        let zone = try directory.write("it.test.zone", integrationZone(serial: 1))
        let script = """
            set -eu
            sigil=$1 zone=$2
            ip link set lo up
            echo "40000 40001" > /proc/sys/net/ipv4/ip_local_port_range
            serve() { exec "$sigil" serve --zone "it.test=$zone" --keys keys --udp-workers 1 --listen "$1"; }
            serve 127.0.0.1:40000 2> holder.log &
            holder=$!
            until grep -q "listening on" holder.log; do kill -0 $holder; sleep 0.05; done
            for i in 1 2 3 4 5 6 7 8; do
                serve 127.0.0.1:0 2> run$i.log &
                pid=$!
                while ! grep -q "listening on" run$i.log && kill -0 $pid 2> /dev/null; do sleep 0.05; done
                grep -o "listening on .*" run$i.log || tail -n 3 run$i.log
                kill $pid 2> /dev/null || true
                wait $pid || true
            done
            kill $holder
            wait $holder || true
            """
        let output = try Subprocess.run(
            "unshare", ["-n", "sh", "-c", script, "sh", try SigilBinary.require(), zone], in: directory.path)
        let lines = output.stdout.split(separator: "\n").map(String.init)
        #expect(output.succeeded, "\(output.stderr)")
        #expect(lines == Array(repeating: "listening on 127.0.0.1:40001 (udp, tcp)", count: 8), "\(output.stdout)")
    }

    /// A peer that finds its port taken is reported as such (so `PeerPort` starts it again on
    /// another port), not as a peer that failed.
    @Test(.requires(.unbound, .kdig))
    func unboundOnATakenPortThrowsInUse() throws {
        let directory = try TemporaryDirectory()
        // Held without SO_REUSEADDR, so unbound's bind must fail on UDP and TCP alike.
        let udp = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(udp) }
        let port = try PeerPort.free()
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(udp, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(bound == 0, "bind \(port): \(errno)")
        let error = try #require(throws: PeerPort.InUse.self) {
            try UnboundProcess(trustAnchor: ". DS 1 13 2 00", zone: "test.", stubPort: 1, in: directory, port: port)
        }
        #expect(error.port == port)
        // Without a fixed port, the same start finds a free one.
        let unbound = try UnboundProcess(trustAnchor: ". DS 1 13 2 00", zone: "test.", stubPort: 1, in: directory)
        #expect(unbound.port != port)
    }
}
