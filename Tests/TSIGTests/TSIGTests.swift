import DNSWire
import Testing

@testable import TSIG

@Suite struct TSIGTests {
    let key = try! TSIGKeyFile.makeKey(name: "xfr-key", algorithm: .hmacSHA256, secret: Array(0..<32))

    /// A query for `example.test SOA` with id 0x1234.
    func query() -> WireWriter {
        var writer = WireWriter(capacity: 512)
        writer.writeUInt16(0x1234)
        writer.writeUInt16(0)
        writer.writeUInt16(1)
        writer.writeUInt16(0)
        writer.writeUInt16(0)
        writer.writeUInt16(0)
        writer.writeName(try! DNSName(typed: "example.test"), compress: false)
        writer.writeUInt16(RRType.soa.rawValue)
        writer.writeUInt16(1)
        return writer
    }

    func verify(_ bytes: [UInt8], keyring: TSIGKeyring, now: UInt64) -> TSIG.Verdict {
        var query = Query()
        return bytes.withUnsafeBytes { message in
            try! query.decode(message)
            return TSIG.verify(message: message, range: query.tsig!, keyring: keyring, now: now)
        }
    }

    @Test func signedRequestVerifies() throws {
        var writer = query()
        var signer = TSIGSigner(key: key)
        try signer.sign(&writer, now: 1_700_000_000)
        guard case .verified(let response) = verify(writer.bytes, keyring: TSIGKeyring([key]), now: 1_700_000_100)
        else { Issue.record("not verified"); return }
        #expect(response.priorMAC == signer.priorMAC)
    }

    @Test func wrongSecretIsBadSig() throws {
        var writer = query()
        var signer = TSIGSigner(key: key)
        try signer.sign(&writer, now: 1_700_000_000)
        let other = try TSIGKeyFile.makeKey(name: "xfr-key", algorithm: .hmacSHA256, secret: Array(1..<33))
        guard
            case .rejected(let error, _, let responder) = verify(
                writer.bytes, keyring: TSIGKeyring([other]), now: 1_700_000_000)
        else { Issue.record("accepted"); return }
        #expect(error == .badSig)
        #expect(responder == nil)
    }

    @Test func unknownKeyIsBadKeyAndSkewIsBadTime() throws {
        var writer = query()
        var signer = TSIGSigner(key: key)
        try signer.sign(&writer, now: 1_700_000_000)
        let other = try TSIGKeyFile.makeKey(name: "other", algorithm: .hmacSHA256, secret: Array(0..<32))
        guard case .rejected(.badKey, _, _) = verify(writer.bytes, keyring: TSIGKeyring([other]), now: 1_700_000_000)
        else { Issue.record("not BADKEY"); return }
        guard
            case .rejected(.badTime, let record, let responder) = verify(
                writer.bytes, keyring: TSIGKeyring([key]), now: 1_700_000_301)
        else { Issue.record("not BADTIME"); return }
        #expect(responder != nil)
        let answer = writer.bytes.withUnsafeBytes { message in
            TSIG.errorResponse(
                to: message, questionEnd: 30, error: .badTime, record: record, signer: responder, now: 1_700_000_301)
        }
        #expect(answer[3] & 0xF == 9)  // NOTAUTH
    }

    @Test func truncatedMACsDownToHalfAreAccepted() throws {
        var half = query()
        var signer = TSIGSigner(key: key, truncatedTo: 16)
        try signer.sign(&half, now: 1_700_000_000)
        guard case .verified(let responder) = verify(half.bytes, keyring: TSIGKeyring([key]), now: 1_700_000_000)
        else {
            Issue.record("a 16-byte HMAC-SHA256 must verify")
            return
        }
        // The answer is truncated like the request (RFC 8945 §5.3.1).
        var answer = query()
        var responding = responder
        try responding.sign(&answer, now: 1_700_000_000)
        #expect(responding.priorMAC?.count == 16)

        var short = query()
        var shortSigner = TSIGSigner(key: key, truncatedTo: 12)
        try shortSigner.sign(&short, now: 1_700_000_000)
        guard case .rejected(.badSig, _, _) = verify(short.bytes, keyring: TSIGKeyring([key]), now: 1_700_000_000)
        else {
            Issue.record("a 12-byte HMAC-SHA256 is below the minimum")
            return
        }
    }

    @Test func keyFileRoundTrip() throws {
        let text = TSIGKeyFile.format(key)
        #expect(text.hasPrefix("key \"xfr-key\" {"))
        let parsed = try TSIGKeyFile.parse("# comment\n" + text)
        #expect(parsed.count == 1)
        #expect(parsed[0].name == key.name)
        #expect(parsed[0].secret.base64 == key.secret.base64)
        #expect(throws: TSIGFailure.self) {
            try TSIGKeyFile.parse("key \"x\" { algorithm hmac-md5; secret \"AAAA\"; };")
        }
    }
}

@Suite struct TSIGResponseTests {
    let key = try! TSIGKeyFile.makeKey(name: "xfr-key", algorithm: .hmacSHA256, secret: Array(0..<32))

    /// A request signed with `key` at `now`, the signer that signed it, and the responder's signer.
    func exchange(now: UInt64) throws -> (request: [UInt8], requester: TSIGSigner, responder: TSIGSigner) {
        var writer = TSIGTests().query()
        var requester = TSIGSigner(key: key)
        try requester.sign(&writer, now: now)
        var query = Query()
        let verdict = try writer.bytes.withUnsafeBytes { message in
            try query.decode(message)
            return TSIG.verify(message: message, range: query.tsig!, keyring: TSIGKeyring([key]), now: now)
        }
        guard case .verified(let responder) = verdict else { throw TSIGFailure("request not verified") }
        return (writer.bytes, requester, responder)
    }

    /// The request's header and question turned into a response (QR set).
    func response(to request: [UInt8]) -> WireWriter {
        var writer = WireWriter(capacity: 512)
        writer.writeBytes(Array(request[0..<2]))
        writer.writeUInt16(0x8000)
        writer.writeUInt16(1)
        writer.writeUInt16(0)
        writer.writeUInt16(0)
        writer.writeUInt16(0)
        writer.writeBytes(Array(request[12..<(12 + 14 + 4)]))
        return writer
    }

    func check(_ bytes: [UInt8], _ requester: TSIGSigner, now: UInt64) -> TSIG.ResponseCheck {
        bytes.withUnsafeBytes { TSIG.check(response: $0, requestSigner: requester, now: now) }
    }

    @Test func aSignedAnswerChainedToTheRequestVerifies() throws {
        let now: UInt64 = 1_700_000_000
        let (request, requester, responderSigner) = try exchange(now: now)
        var responder = responderSigner
        var answer = response(to: request)
        try responder.sign(&answer, now: now + 1)
        #expect(check(answer.bytes, requester, now: now + 2) == .verified)
        // Tampered, unsigned, or signed without the chain to our request: discarded.
        var tampered = answer.bytes
        tampered[3] ^= 0x05
        #expect(check(tampered, requester, now: now + 2) == .unauthenticated("BADSIG"))
        #expect(check(response(to: request).bytes, requester, now: now + 2) == .unauthenticated("unsigned"))
        var unchained = response(to: request)
        var stranger = TSIGSigner(key: key)
        try stranger.sign(&unchained, now: now + 1)
        #expect(check(unchained.bytes, requester, now: now + 2) == .unauthenticated("BADSIG"))
    }

    @Test func theSecondarysTSIGErrorIsReported() throws {
        let now: UInt64 = 1_700_000_000
        let (request, requester, _) = try exchange(now: now)
        var answer = response(to: request)
        let record = try request.withUnsafeBytes { message in
            try TSIGRecord(message: message, range: TSIG.layout(of: message)!.tsig!)
        }
        TSIGSigner.appendUnsigned(error: .badKey, record: record, now: now, to: &answer)
        #expect(check(answer.bytes, requester, now: now) == .refusedOurs(.badKey))
    }
}
