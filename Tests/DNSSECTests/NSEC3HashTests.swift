import DNSWire
import Testing

@testable import DNSSEC

/// The NSEC3 hash against RFC 5155 Appendix A (salt aabbccdd, 12 iterations), and the ±1
/// arithmetic narrow mode relies on.
@Suite struct NSEC3HashTests {
    @Test(arguments: [
        ("example.", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom"),
        ("a.example.", "35mthgpgcu1qg68fab165klnsnk3dpvl"),
        ("ai.example.", "gjeqe526plbf1g8mklp59enfd789njgi"),
        ("*.w.example.", "r53bq7cc2uvmubfu5ocmm6pers9tk9en"),
    ])
    func rfc5155Vectors(name: String, expected: String) throws {
        let hasher = NSEC3Hasher(iterations: 12, salt: [0xAA, 0xBB, 0xCC, 0xDD])
        #expect(Base32Hex.encode(hasher.hash(try DNSName(text: name))) == expected)
        // Case does not matter.
        #expect(Base32Hex.encode(hasher.hash(try DNSName(text: name.uppercased()))) == expected)
    }

    @Test func successorAndPredecessorCarry() {
        let zero = NSEC3Hash([UInt8](repeating: 0, count: 20))
        let ones = NSEC3Hash([UInt8](repeating: 0xFF, count: 20))
        #expect(zero.predecessor() == ones)
        #expect(ones.successor() == zero)
        var bytes = [UInt8](repeating: 0, count: 20)
        bytes[15] = 0xFF
        bytes[16...] = [0xFF, 0xFF, 0xFF, 0xFF]
        var carried = [UInt8](repeating: 0, count: 20)
        carried[14] = 1
        #expect(NSEC3Hash(bytes).successor() == NSEC3Hash(carried))
        #expect(NSEC3Hash(carried).predecessor() == NSEC3Hash(bytes))
        #expect(NSEC3Hash(bytes) < NSEC3Hash(carried))
        #expect(NSEC3Hash(bytes).bytes == bytes)
    }

    /// The owner label and next-hash bytes written straight from the hash's three integers (the
    /// narrow-mode signing path) against the generic base32hex encoder and the byte view, for
    /// patterns whose 5-bit groups straddle every word boundary and for pseudo-random hashes.
    @Test func base32HexAndRawBytesMatchTheGenericEncoder() {
        var patterns: [[UInt8]] = [
            [UInt8](repeating: 0, count: 20), [UInt8](repeating: 0xFF, count: 20), Array(0..<20),
            (0..<20).map { $0 % 2 == 0 ? 0xA5 : 0x5A },
        ]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<64 {
            patterns.append(
                (0..<20).map { _ in
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    return UInt8(truncatingIfNeeded: state >> 56)
                })
        }
        for bytes in patterns {
            let hash = NSEC3Hash(bytes)
            var label: [UInt8] = [32]
            hash.appendBase32Hex(to: &label)
            #expect(label == [32] + Array(Base32Hex.encode(bytes).utf8))
            var raw = [UInt8](repeating: 0, count: 20)
            raw.withUnsafeMutableBytes { hash.write(to: $0) }
            #expect(raw == bytes)
        }
    }
}
