/// The key tag of a DNSKEY (RFC 4034 Appendix B): a 16-bit checksum over the RDATA that RRSIG and
/// DS records use to say which key they mean. Not unique; only a hint to narrow the search.
public enum KeyTag {
    /// Computes the tag over DNSKEY RDATA in wire form (flags, protocol, algorithm, public key).
    public static func compute(dnskeyRData rdata: UnsafeRawBufferPointer) -> UInt16 {
        // Algorithm 1 (RSA/MD5) predates the checksum: its tag is bits 16…31 from the end of the
        // modulus (RFC 4034 B.1).
        if rdata.count >= 4 && rdata[3] == DNSSECAlgorithm.rsaMD5.rawValue {
            guard rdata.count >= 7 else { return 0 }
            return UInt16(rdata[rdata.count - 3]) << 8 | UInt16(rdata[rdata.count - 2])
        }
        var sum: UInt32 = 0
        for index in 0..<rdata.count {
            sum &+= index & 1 == 0 ? UInt32(rdata[index]) << 8 : UInt32(rdata[index])
        }
        sum &+= (sum >> 16) & 0xFFFF
        return UInt16(truncatingIfNeeded: sum)
    }

    /// Computes the tag over DNSKEY RDATA in wire form.
    public static func compute(dnskeyRData rdata: [UInt8]) -> UInt16 {
        rdata.withUnsafeBytes { compute(dnskeyRData: $0) }
    }
}
