import CChecksum

/// CRC-32C (Castagnoli), the checksum of each journal record: it catches torn and corrupted
/// writes, nothing more (it is not a MAC). Computed in C with the CPU's CRC32 instruction where
/// there is one: an image is read whole for every AXFR.
enum CRC32C {
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        CChecksum_crc32c(bytes.baseAddress, bytes.count)
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }
}
