/// Conversion from the DER `ECDSA-Sig-Value` libcrypto produces to the fixed-width `r ‖ s` that
/// DNSSEC puts on the wire (RFC 6605 §4).
///
/// Hand-written rather than via `d2i_ECDSA_SIG` + `BN_bn2binpad` because it runs once per
/// signature on the query path, and the libcrypto route allocates three objects per call. The
/// reverse direction (only needed for verification) uses libcrypto; see `ECDSAP256Key.verify`.
enum ECDSASignatureEncoding {
    /// Parses `SEQUENCE { INTEGER r, INTEGER s }` and writes r and s, each left-padded to `width`
    /// bytes, to `output`. Returns false on anything malformed or too wide.
    static func rawFromDER(
        _ der: UnsafeRawBufferPointer, width: Int, into output: UnsafeMutableRawBufferPointer
    ) -> Bool {
        guard output.count >= 2 * width, der.count >= 2, der[0] == 0x30 else { return false }
        var index = 1
        guard let sequenceLength = readLength(der, &index), index + sequenceLength == der.count else { return false }
        for component in 0..<2 {
            guard index + 2 <= der.count, der[index] == 0x02 else { return false }
            index += 1
            guard let length = readLength(der, &index), length > 0, index + length <= der.count else { return false }
            var start = index
            var count = length
            // DER INTEGERs are signed: a leading zero byte only marks a positive high bit.
            while count > 0 && der[start] == 0 {
                start += 1
                count -= 1
            }
            guard count <= width else { return false }
            let base = component * width
            let padding = width - count
            for offset in 0..<padding { output[base + offset] = 0 }
            for offset in 0..<count { output[base + padding + offset] = der[start + offset] }
            index += length
        }
        return index == der.count
    }

    /// Reads a DER definite length (short form, or long form up to two bytes: a P-256 or P-384
    /// signature never needs more).
    private static func readLength(_ der: UnsafeRawBufferPointer, _ index: inout Int) -> Int? {
        guard index < der.count else { return nil }
        let first = Int(der[index])
        index += 1
        if first < 0x80 { return first }
        let byteCount = first & 0x7F
        guard byteCount >= 1, byteCount <= 2, index + byteCount <= der.count else { return nil }
        var length = 0
        for _ in 0..<byteCount {
            length = length << 8 | Int(der[index])
            index += 1
        }
        return length
    }
}
