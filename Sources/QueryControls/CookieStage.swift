import CSodium
import DNSWire
import QueryPipeline

/// DNS cookies (RFC 7873) with interoperable server cookies (RFC 9018): a server cookie is
/// version 1, three reserved bytes, a timestamp, and SipHash-2-4 (libsodium's
/// `crypto_shorthash`) keyed by the server secret over client cookie | version | reserved |
/// timestamp | client address. Servers that share the secret — Knot's `mod-cookies`, BIND's
/// `cookie-secret` — accept each other's cookies.
///
/// - No COOKIE option: nothing to do.
/// - A malformed option (not 8 bytes, nor 16 to 40): FORMERR, with no cookie (§5.2.2).
/// - A client cookie, alone or with a server cookie that is not ours, not valid or expired: a
///   normal answer with a fresh server cookie (§5.2.3 allows it instead of BADCOOKIE).
/// - A valid server cookie (within an hour in the past and five minutes in the future, §4.3):
///   the client has shown its address is its own, and `AbuseControls` exempts it from the rate
///   limit and the signing budget.
public struct CookieStage {
    enum State {
        case none, malformed, fresh, good
    }

    let secrets: CookieSecrets
    let keys: CookieKeys
    var state = State.none
    var clientCookie: UInt64 = 0

    /// The option we send: code, length, client cookie, 16-byte server cookie.
    static let optionSize = 4 + 8 + 16

    public init(secrets: CookieSecrets) {
        self.secrets = secrets
        self.keys = CookieKeys()
    }

    var verified: Bool { state == .good }

    mutating func admit(_ query: Query, packet: UnsafeRawBufferPointer, context: QueryContext) -> StageDecision {
        state = .none
        guard let range = query.cookie else { return .proceed }
        guard range.count == 8 || (16...40).contains(range.count) else {
            state = .malformed
            return .respond(.formErr)
        }
        clientCookie = packet.loadUnaligned(fromByteOffset: range.lowerBound, as: UInt64.self)
        state = .fresh
        if range.count == 24, packet[range.lowerBound + 8] == 1 {
            keys.refresh(from: secrets)
            let server = UnsafeRawBufferPointer(rebasing: packet[(range.lowerBound + 8)..<range.upperBound])
            if isValid(server, peer: context.peer.address) { state = .good }
        }
        return .proceed
    }

    /// Whether `server` (16 bytes, version 1) is a cookie we, or a server with our secret, made
    /// for this client and whose time is not up.
    func isValid(_ server: UnsafeRawBufferPointer, peer: IPAddress) -> Bool {
        let stamp = UInt32(bigEndian: server.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        let age = Int32(bitPattern: ControlClock.wallSeconds() &- stamp)
        guard age >= -300, age <= 3600 else { return false }
        let head = server.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        let hash = server.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        if hash == self.hash(head, peer: peer, key: keys.bytes) { return true }
        return keys.hasPrevious && ControlClock.monotonicSeconds() < keys.previousUntil
            && hash == self.hash(head, peer: peer, key: keys.bytes + CookieSecrets.size)
    }

    /// SipHash-2-4 over client cookie | the server cookie's first 8 bytes | client address.
    @inline(__always)
    func hash(_ head: UInt64, peer: IPAddress, key: UnsafePointer<UInt8>) -> UInt64 {
        var input: (UInt64, UInt64, UInt64, UInt64) = (clientCookie, head, 0, 0)
        var out: UInt64 = 0
        let addressCount = peer.withUnsafeBytes { address in
            withUnsafeMutableBytes(of: &input) { buffer in
                UnsafeMutableRawBufferPointer(rebasing: buffer[16..<(16 + address.count)]).copyMemory(from: address)
            }
            return address.count
        }
        withUnsafeBytes(of: &input) { buffer in
            withUnsafeMutableBytes(of: &out) { output in
                _ = crypto_shorthash(
                    output.baseAddress!.assumingMemoryBound(to: UInt8.self),
                    buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(16 + addressCount), key)
            }
        }
        return out
    }

    /// The COOKIE option of the response: the client's cookie and a fresh server cookie.
    mutating func writeOptions(for query: Query, context: QueryContext, into writer: inout WireWriter) -> Int {
        guard state == .fresh || state == .good else { return 0 }
        keys.refresh(from: secrets)
        let stamp = ControlClock.wallSeconds()
        // Version 1, reserved 0, timestamp: the server cookie's first 8 bytes in wire order.
        var head: UInt64 = 0
        withUnsafeMutableBytes(of: &head) { bytes in
            bytes[0] = 1
            bytes.storeBytes(of: stamp.bigEndian, toByteOffset: 4, as: UInt32.self)
        }
        let hash = self.hash(head, peer: context.peer.address, key: keys.bytes)
        let client = clientCookie
        writer.writeRaw(count: Self.optionSize) { out in
            out.storeBytes(of: EDNS.Option.cookie.bigEndian, as: UInt16.self)
            out.storeBytes(of: UInt16(24).bigEndian, toByteOffset: 2, as: UInt16.self)
            out.storeBytes(of: client, toByteOffset: 4, as: UInt64.self)
            out.storeBytes(of: head, toByteOffset: 12, as: UInt64.self)
            out.storeBytes(of: hash, toByteOffset: 20, as: UInt64.self)
        }
        return Self.optionSize
    }
}
