#if canImport(Glibc)
import Glibc
#endif

/// An append-only file of framed records: each is a 4-byte big-endian length, a 4-byte CRC-32C of
/// the payload, then the payload. An append is written and `fsync`ed before it returns, so a
/// caller may acknowledge what it wrote. On load, the first record that is short or fails its
/// checksum marks a torn tail (a crash mid-write): it and everything after it are cut off.
public struct RecordFile: Sendable {
    package let path: String

    package init(path: String) { self.path = path }

    public struct IOFailure: Error, CustomStringConvertible {
        public let description: String
        init(_ what: String, _ path: String) {
            description = "\(path): \(what): \(String(cString: strerror(errno)))"
        }
    }

    /// The intact records, in order, and whether a torn tail was cut off (the file is truncated to
    /// the last intact record, so the next append starts clean).
    package func load() throws(IOFailure) -> (records: [[UInt8]], cut: Bool) {
        guard let bytes = try readAll() else { return ([], false) }
        var records: [[UInt8]] = []
        var offset = 0
        while offset + 8 <= bytes.count {
            let length = Int(Self.load32(bytes, offset))
            let crc = Self.load32(bytes, offset + 4)
            let start = offset + 8
            guard length <= bytes.count - start else { break }
            let payload = Array(bytes[start..<(start + length)])
            guard CRC32C.checksum(payload) == crc else { break }
            records.append(payload)
            offset = start + length
        }
        guard offset < bytes.count else { return (records, false) }
        guard truncate(path, off_t(offset)) == 0 else { throw IOFailure("cannot cut the torn tail", path) }
        return (records, true)
    }

    /// Appends records and makes them durable.
    package func append(_ payloads: [[UInt8]]) throws(IOFailure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw IOFailure("cannot open", path) }
        defer { close(fd) }
        try writeAll(fd, Self.frame(payloads))
        guard fsync(fd) == 0 else { throw IOFailure("fsync failed", path) }
    }

    /// Replaces the whole file atomically (a `Writer`: temporary file, fsync, rename, fsync of
    /// the directory): used to drop the oldest records and for snapshots.
    package func replace(with payloads: [[UInt8]]) throws(IOFailure) {
        let writer = try Writer(replacing: path)
        for payload in payloads { try writer.append(payload) }
        try writer.commit()
    }

    /// The file's size in bytes (0 if absent).
    package var size: Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    static func frame(_ payloads: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(payloads.reduce(0) { $0 + $1.count + 8 })
        for payload in payloads {
            append32(UInt32(payload.count), to: &out)
            append32(CRC32C.checksum(payload), to: &out)
            out.append(contentsOf: payload)
        }
        return out
    }

    static func append32(_ value: UInt32, to out: inout [UInt8]) {
        out.append(UInt8(value >> 24))
        out.append(UInt8((value >> 16) & 0xFF))
        out.append(UInt8((value >> 8) & 0xFF))
        out.append(UInt8(value & 0xFF))
    }

    static func load32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
            | UInt32(bytes[offset + 3])
    }

    private func readAll() throws(IOFailure) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw IOFailure("cannot open", path)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw IOFailure("cannot read", path)
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return bytes
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(IOFailure) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw IOFailure("cannot write", path)
            }
            offset += written
        }
    }
}
