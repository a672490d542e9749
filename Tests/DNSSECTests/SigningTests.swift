import DNSWire
import Testing

@testable import DNSSEC

/// Our own sign/verify round trips, key generation, and the DER → r ‖ s conversion. The
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

    @Test func derToRawHandlesShortAndPaddedIntegers() {
        func convert(_ der: [UInt8]) -> [UInt8]? {
            var output = [UInt8](repeating: 0xAA, count: 64)
            let ok = der.withUnsafeBytes { input in
                output.withUnsafeMutableBytes { ECDSASignatureEncoding.rawFromDER(input, width: 32, into: $0) }
            }
            return ok ? output : nil
        }
        let high = [UInt8](repeating: 0x80, count: 32)
        let short = [UInt8](repeating: 0x11, count: 30)
        // r has a sign-padding zero (33 bytes), s is two bytes short.
        let der: [UInt8] = [0x30, 2 + 33 + 2 + 30, 0x02, 33, 0x00] + high + [0x02, 30] + short
        #expect(convert(der) == high + [0, 0] + short)
        #expect(
            convert([0x30, 6, 0x02, 1, 0x05, 0x02, 1, 0x07]) == [UInt8](repeating: 0, count: 31) + [5]
                + [UInt8](repeating: 0, count: 31) + [7])
        // Long-form length (0x81) is accepted.
        #expect(convert([0x30, 0x81, 6, 0x02, 1, 0x05, 0x02, 1, 0x07]) != nil)
        // Malformed: wrong tag, truncated, trailing bytes, integer too wide.
        #expect(convert([0x31, 6, 0x02, 1, 0x05, 0x02, 1, 0x07]) == nil)
        #expect(convert([0x30, 6, 0x02, 1, 0x05, 0x02, 1]) == nil)
        #expect(convert([0x30, 7, 0x02, 1, 0x05, 0x02, 1, 0x07, 0x00]) == nil)
        #expect(convert([0x30, 2 + 33 + 3, 0x02, 33] + [0x01] + high + [0x02, 1, 0x07]) == nil)
        #expect(convert([]) == nil)
    }
}
