import SigilTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct PeerTests {
    static let absent = Peer("sigil-no-such-peer", package: "sigil-no-such-package")
    static let shell = Peer("sh", package: "dash")

    /// Outside CI a missing peer disables the test; under CI it is an error naming the peer and
    /// its package, so `.requires` fails the test instead of skipping it.
    @Test func missingPeerSkipsOutsideCIAndFailsUnderCI() throws {
        #expect(try Peer.check([Self.shell], ci: false))
        #expect(try Peer.check([Self.shell], ci: true))
        #expect(try !Peer.check([Self.shell, Self.absent], ci: false))
        let error = try #require(throws: Peer.Missing.self) { try Peer.check([Self.shell, Self.absent], ci: true) }
        #expect(error.peers.map(\.name) == ["sigil-no-such-peer"])
        #expect(error.description.contains("sigil-no-such-peer (Debian package sigil-no-such-package)"))
    }

    /// Running a program that is not installed names its package when it is a known peer.
    @Test func missingProgramErrorNamesThePackage() throws {
        #expect(Peer.named("kdig")?.description == "kdig (Debian package knot-dnsutils)")
        let error = try #require(throws: Subprocess.Failure.self) { try Subprocess.run("sigil-no-such-peer", []) }
        #expect(error.description.contains("sigil-no-such-peer was not found"))
    }

    /// A port from `PeerPort.free` binds on UDP and TCP; `start` retries with a new port only
    /// when the peer reports the port taken, and gives up after its attempts.
    @Test func peerPortRetriesOnlyWhenThePortWasTaken() throws {
        var tried: [UInt16] = []
        let port = try PeerPort.start { port -> UInt16 in
            tried.append(port)
            if tried.count < 3 { throw PeerPort.InUse(port: port, log: "Address already in use") }
            return port
        }
        #expect(tried.count == 3 && port == tried[2])

        var attempts = 0
        #expect(throws: PeerPort.InUse.self) {
            try PeerPort.start(attempts: 2) { port -> Void in
                attempts += 1
                throw PeerPort.InUse(port: port, log: "")
            }
        }
        #expect(attempts == 2)

        attempts = 0
        #expect(throws: Subprocess.Failure.self) {
            try PeerPort.start { _ -> Void in
                attempts += 1
                throw Subprocess.Failure("the peer failed for another reason")
            }
        }
        #expect(attempts == 1)
        #expect(PeerPort.bindFailed("error: can't bind socket: Address already in use for 127.0.0.1"))
        #expect(PeerPort.bindFailed("error: cannot bind address 127.0.0.1@53 UDP (address already in use)"))
        #expect(!PeerPort.bindFailed("error: zone not loaded"))
    }
}
