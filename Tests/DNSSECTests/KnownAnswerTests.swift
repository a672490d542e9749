import DNSSEC
import DNSWire
import Testing

/// Known answers from the RFCs that define the algorithms: derived public keys, key tags, DS
/// digests and signatures must match what the RFC authors' implementations produced.
@Suite struct KnownAnswerTests {
    /// RFC 6605 §6.1: ECDSA P-256 key of example.net.
    static let rfc6605Private = "GU6SnQ/Ou+xC5RumuIUIuJZteXT2z0O/ok1s38Et6mQ="
    static let rfc6605Public =
        "GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA=="

    @Test func ecdsaP256KeyFromRFC6605() throws {
        let key = try SigningKey(algorithm: .ecdsaP256SHA256, privateKey: Base64.decode(Self.rfc6605Private)!)
        #expect(key.publicKey == Base64.decode(Self.rfc6605Public)!)
        let dnskey = DNSKEYData(key: key, ksk: true)
        #expect(dnskey.keyTag == 55648)
        let ds = DSData(owner: try DNSName(text: "example.net."), dnskey: dnskey, digestType: .sha256)
        #expect(ds.presentation == "55648 13 2 B4C8C1FE2E7477127B27115656AD6256F424625BF5C1E2770CE6D6E37DF61D17")
    }

    /// RFC 6605 §6.1's RRSIG over `www.example.net. 3600 IN A 192.0.2.1` verifies with the key.
    @Test func ecdsaP256SignatureFromRFC6605Verifies() throws {
        let signed = Base16.decode(
            "00010d0300000e104c88b1374c63c737d960076578616d706c65036e65740003777777076578616d706c65036e6574"
                + "000001000100000e100004c0000201")!
        let signature = Base64.decode(
            "qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8oMz0YP107epXAyGmt+3SNruPFKG7tZoLBLlUzGGus7ZwmwWep666VCw==")!
        let publicKey = Base64.decode(Self.rfc6605Public)!
        #expect(try SignatureVerifier.verify(signature, of: signed, publicKey: publicKey, algorithm: .ecdsaP256SHA256))
        var tampered = signed
        tampered[tampered.count - 1] ^= 1
        #expect(
            try !SignatureVerifier.verify(signature, of: tampered, publicKey: publicKey, algorithm: .ecdsaP256SHA256))
    }

    /// RFC 8080 §6.1 and §6.2: the two Ed25519 keys of example.com.
    @Test(arguments: [
        (
            "ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI=", "l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=",
            "3613 15 2 3AA5AB37EFCE57F737FC1627013FEE07BDF241BD10F3B1964AB55C78E79A304B"
        ),
        (
            "DSSF3o0s0f+ElWzj9E/Osxw8hLpk55chkmx0LYN5WiY=", "zPnZ/QwEe7S8C5SPz2OfS5RR40ATk2/rYnE9xHIEijs=",
            "35217 15 2 401781B934E392DE492EC77AE2E15D70F6575A1C0BC59C5275C04EBE80C6614C"
        ),
    ])
    func ed25519KeyFromRFC8080(privateKey: String, publicKey: String, ds: String) throws {
        let key = try SigningKey(algorithm: .ed25519, privateKey: Base64.decode(privateKey)!)
        #expect(key.publicKey == Base64.decode(publicKey)!)
        #expect(try key.privateKeyBytes() == Base64.decode(privateKey)!)
        let dnskey = DNSKEYData(key: key, ksk: true)
        #expect(DSData(owner: try DNSName(text: "example.com."), dnskey: dnskey).presentation == ds)
    }

    /// RFC 8080 §6.1 (as corrected by erratum 4935): Ed25519 is deterministic, so our signature of
    /// `example.com. 3600 IN MX 10 mail.example.com.` must be byte-for-byte the published one.
    @Test func ed25519SignatureFromRFC8080() throws {
        let key = try SigningKey(
            algorithm: .ed25519, privateKey: Base64.decode("ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI=")!)
        let signed = Base16.decode(
            "000f0f0200000e1055d4fc6055b94ce00e1d076578616d706c6503636f6d00076578616d706c6503636f6d00000f0001"
                + "00000e100014000a046d61696c076578616d706c6503636f6d00")!
        let expected = Base64.decode(
            "oL9krJun7xfBOIWcGHi7mag5/hdZrKWw15jPGrHpjQeRAvTdszaPD+QLs3fx8A4M3e23mRZ9VrbpMngwcrqNAg==")!
        #expect(try key.sign(signed) == expected)
        #expect(try SignatureVerifier.verify(expected, of: signed, publicKey: key.publicKey, algorithm: .ed25519))
    }

    /// FIPS 180 "abc" vectors.
    @Test func digestsOfABC() {
        let abc = Array("abc".utf8)
        #expect(Base16.encode(Digest.hash(.sha1, abc), uppercase: false) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(
            Base16.encode(Digest.hash(.sha256, abc), uppercase: false)
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            Base16.encode(Digest.hash(.sha384, abc), uppercase: false)
                == "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
                + "8086072ba1e7cc2358baeca134c825a7")
        let context = DigestContext(.sha256)
        context.update(Array("a".utf8))
        context.update(Array("bc".utf8))
        #expect(context.finalize() == Digest.hash(.sha256, abc))
        // finalize resets: the context is reusable.
        context.update(abc)
        #expect(context.finalize() == Digest.hash(.sha256, abc))
        #expect(Digest.hash(.sha256, []).count == 32)
    }
}
