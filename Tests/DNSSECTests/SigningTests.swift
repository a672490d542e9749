import DNSWire
import Testing

@testable import DNSSEC

/// Our own sign/verify round trips, key generation, and r ‖ s padding. The
/// cross-checks against other implementations are in `InteropTests`.
@Suite struct SigningTests {
    static let algorithms: [DNSSECAlgorithm] = [.ecdsaP256SHA256, .ed25519]

    @Test(arguments: algorithms)
    func generatedKeysSignAndVerify(algorithm: DNSSECAlgorithm) throws {
        let key = try SigningKey.generate(algorithm)
        #expect(key.algorithm == algorithm)
        #expect(key.publicKey.count == (algorithm == .ed25519 ? 32 : 64))
        let data = Array("an RRSIG prefix and a canonical RRset".utf8)
        let signature = try key.sign(data)
        #expect(signature.count == key.signatureLength)
        #expect(signature.count == 64)
        #expect(try SignatureVerifier.verify(signature, of: data, publicKey: key.publicKey, algorithm: algorithm))

        var badData = data
        badData[0] ^= 0x80
        #expect(try !SignatureVerifier.verify(signature, of: badData, publicKey: key.publicKey, algorithm: algorithm))
        var badSignature = signature
        badSignature[40] ^= 0x01
        #expect(try !SignatureVerifier.verify(badSignature, of: data, publicKey: key.publicKey, algorithm: algorithm))
        let other = try SigningKey.generate(algorithm)
        #expect(try !SignatureVerifier.verify(signature, of: data, publicKey: other.publicKey, algorithm: algorithm))
    }

    /// Reloading from the exported private material gives the same key.
    @Test(arguments: algorithms)
    func privateKeyRoundTrip(algorithm: DNSSECAlgorithm) throws {
        let key = try SigningKey.generate(algorithm)
        let reloaded = try SigningKey(algorithm: algorithm, privateKey: key.privateKeyBytes())
        #expect(reloaded.publicKey == key.publicKey)
        let signature = try reloaded.sign([1, 2, 3])
        #expect(try SignatureVerifier.verify(signature, of: [1, 2, 3], publicKey: key.publicKey, algorithm: algorithm))
    }

    /// Many short-r/short-s signatures occur within a few hundred tries (about 1 in 128); all must
    /// still be 64 bytes and verify.
    @Test func ecdsaSignaturesAlwaysVerify() throws {
        let key = try SigningKey.generate(.ecdsaP256SHA256)
        var data: [UInt8] = [0, 0]
        for counter in 0..<600 {
            data[0] = UInt8(counter & 0xFF)
            data[1] = UInt8(counter >> 8)
            let signature = try key.sign(data)
            #expect(signature.count == 64)
            #expect(
                try SignatureVerifier.verify(signature, of: data, publicKey: key.publicKey, algorithm: .ecdsaP256SHA256)
            )
        }
    }

    @Test(arguments: algorithms)
    func signingIntoCallerBuffer(algorithm: DNSSECAlgorithm) throws {
        let key = try SigningKey.generate(algorithm)
        let data: [UInt8] = Array(0..<200)
        var output = [UInt8](repeating: 0xEE, count: 80)
        let written = try data.withUnsafeBytes { input in
            try output.withUnsafeMutableBytes { try key.sign(input, into: $0) }
        }
        #expect(written == 64)
        #expect(output[64...].allSatisfy { $0 == 0xEE })
        #expect(
            try SignatureVerifier.verify(Array(output[..<64]), of: data, publicKey: key.publicKey, algorithm: algorithm)
        )
    }

    /// Signing is called from several worker threads at once with one key.
    @Test(arguments: algorithms)
    func concurrentSigningWithOneKey(algorithm: DNSSECAlgorithm) async throws {
        let key = try SigningKey.generate(algorithm)
        let publicKey = key.publicKey
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for round in 0..<50 {
                        let data: [UInt8] = [UInt8(task), UInt8(round)] + Array(repeating: 7, count: 100)
                        let signature = try key.sign(data)
                        guard
                            try SignatureVerifier.verify(
                                signature, of: data, publicKey: publicKey, algorithm: algorithm)
                        else { return false }
                    }
                    return true
                }
            }
            for try await ok in group { #expect(ok) }
        }
    }

    @Test func badPrivateKeysAreRejected() {
        #expect(throws: CryptoError.self) {
            try SigningKey(algorithm: .ecdsaP256SHA256, privateKey: [UInt8](repeating: 1, count: 33))
        }
        #expect(throws: CryptoError.self) {
            try SigningKey(algorithm: .ecdsaP256SHA256, privateKey: [UInt8](repeating: 0, count: 32))
        }
        // Above the group order n.
        #expect(throws: CryptoError.self) {
            try SigningKey(algorithm: .ecdsaP256SHA256, privateKey: [UInt8](repeating: 0xFF, count: 32))
        }
        #expect(throws: CryptoError.self) {
            try SigningKey(algorithm: .ed25519, privateKey: [UInt8](repeating: 1, count: 31))
        }
        #expect(throws: CryptoError.self) { try SigningKey(algorithm: .rsaSHA256, privateKey: [1]) }
        #expect(throws: CryptoError.self) {
            try SignatureVerifier.verify([], of: [], publicKey: [1, 2], algorithm: .ecdsaP256SHA256)
        }
    }

    /// BIND stores the ECDSA scalar without leading zero bytes; such a key must load as the same key.
    @Test func shortECDSAScalarIsLeftPadded() throws {
        let padded = [0, 0] + [UInt8](repeating: 0x42, count: 30)
        let short = try SigningKey(algorithm: .ecdsaP256SHA256, privateKey: Array(padded.dropFirst(2)))
        let full = try SigningKey(algorithm: .ecdsaP256SHA256, privateKey: padded)
        #expect(short.publicKey == full.publicKey)
    }

    /// r and s are written left-padded to 32 bytes each: about one signature in 128 has a leading
    /// zero byte in r or s, which an unpadded write would shift into the wrong place. Signs until
    /// two such signatures turn up, and checks that libcrypto's verifier accepts them.
    @Test func ecdsaSignaturesWithLeadingZeroBytesVerify() throws {
        let key = try SigningKey.generate(.ecdsaP256SHA256)
        var found = 0
        for counter in 0..<20_000 where found < 2 {
            let data = Array("message \(counter)".utf8)
            let signature = try key.sign(data)
            #expect(signature.count == 64)
            guard signature[0] == 0 || signature[32] == 0 else { continue }
            found += 1
            #expect(
                try SignatureVerifier.verify(signature, of: data, publicKey: key.publicKey, algorithm: .ecdsaP256SHA256)
            )
        }
        #expect(found == 2)
    }

    /// RFC 4034 §6.3: RDATAs in canonical order compare as octet strings of the RDATA alone (not
    /// with the RDLENGTH in front, which would put a short RDATA first), and duplicates go.
    @Test func canonicalOrderComparesRDATAAndDropsDuplicates() {
        // Given as (RDLENGTH, RDATA): [02], [01 FF], [02] again, [01].
        var rdatas: [UInt8] = [0, 1, 0x02, 0, 2, 0x01, 0xFF, 0, 1, 0x02, 0, 1, 0x01]
        #expect(ZoneSigner.sortCanonically(&rdatas) == 3)
        #expect(rdatas == [0, 1, 0x01, 0, 2, 0x01, 0xFF, 0, 1, 0x02])
        var single: [UInt8] = [0, 2, 0xBB, 0xAA]
        #expect(ZoneSigner.sortCanonically(&single) == 1)
        #expect(single == [0, 2, 0xBB, 0xAA])
    }
}
