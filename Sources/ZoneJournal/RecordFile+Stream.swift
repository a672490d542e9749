#if canImport(Glibc)
import Glibc
#endif

extension RecordFile {
    /// Reads a record file front to back through a fixed buffer, one record at a time: how a zone
    /// image (hundreds of megabytes for a large zone) is read without holding it.
    package final class Reader {
        private let fd: Int32
        private var buffer: UnsafeMutableRawBufferPointer
        private var start = 0
        private var end = 0
        private var atEOF = false
        /// Set when reading stopped at a record that is short or fails its checksum.
        package private(set) var damaged = false

        /// Records longer than this mark the file damaged (a corrupt length is not allocated).
        private let largestRecord: Int

        /// Opens `path`; nil if it cannot be opened (absent, for one).
        package init?(path: String, largestRecord: Int = 1 << 26) {
            self.largestRecord = largestRecord
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            buffer = .allocate(byteCount: 1 << 20, alignment: 8)
        }

        deinit {
            close(fd)
            buffer.deallocate()
        }

        /// The next intact record's payload, valid until the next call; nil at the end of the file
        /// or at a damaged record (`damaged`).
        package func next() -> UnsafeRawBufferPointer? {
            guard !damaged, fill(8) else { return nil }
            let length = Int(load32(start))
            let crc = load32(start + 4)
            guard length <= largestRecord, fill(8 + length) else {
                damaged = true
                return nil
            }
            let payload = UnsafeRawBufferPointer(rebasing: buffer[(start + 8)..<(start + 8 + length)])
            guard CRC32C.checksum(payload) == crc else {
                damaged = true
                return nil
            }
            start += 8 + length
            return payload
        }

        /// Whether `count` bytes are buffered from `start`, reading (and growing the buffer for an
        /// oversized record) as needed. False at the end of the file; a partial record then left
        /// over marks the file damaged.
        private func fill(_ count: Int) -> Bool {
            while end - start < count {
                if atEOF {
                    if end > start { damaged = true }
                    return false
                }
                if count > buffer.count {
                    let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: count + (1 << 16), alignment: 8)
                    larger.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: end - start)
                    buffer.deallocate()
                    buffer = larger
                    end -= start
                    start = 0
                } else if start + count > buffer.count {
                    (buffer.baseAddress!).copyMemory(from: buffer.baseAddress! + start, byteCount: end - start)
                    end -= start
                    start = 0
                }
                let got = read(fd, buffer.baseAddress! + end, buffer.count - end)
                if got < 0 {
                    if errno == EINTR { continue }
                    damaged = true
                    return false
                }
                if got == 0 { atEOF = true }
                end += got
            }
            return true
        }

        private func load32(_ offset: Int) -> UInt32 {
            UInt32(buffer[offset]) << 24 | UInt32(buffer[offset + 1]) << 16 | UInt32(buffer[offset + 2]) << 8
                | UInt32(buffer[offset + 3])
        }
    }

    /// Writes a new version of a record file beside it (`<path>.tmp`), record by record through a
    /// buffer; `commit` makes it durable and renames it into place, `discard` drops it.
    package final class Writer {
        private let path: String
        private let temporary: String
        private var fd: Int32
        private var pending: [UInt8] = []

        package init(replacing path: String) throws(IOFailure) {
            self.path = path
            temporary = path + ".tmp"
            fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw IOFailure("cannot create", temporary) }
            pending.reserveCapacity(1 << 20)
        }

        deinit { discard() }

        package func append(_ payload: UnsafeRawBufferPointer) throws(IOFailure) {
            RecordFile.append32(UInt32(payload.count), to: &pending)
            RecordFile.append32(CRC32C.checksum(payload), to: &pending)
            pending.append(contentsOf: payload)
            if pending.count >= 1 << 20 { try flush() }
        }

        package func append(_ payload: [UInt8]) throws(IOFailure) {
            let result = payload.withUnsafeBytes { bytes in Result { () throws(IOFailure) in try append(bytes) } }
            try result.get()
        }

        private func flush() throws(IOFailure) {
            var offset = 0
            while offset < pending.count {
                let written = pending.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
                if written < 0 {
                    if errno == EINTR { continue }
                    throw IOFailure("cannot write", temporary)
                }
                offset += written
            }
            pending.removeAll(keepingCapacity: true)
        }

        /// Flushes, fsyncs, renames over `path` and fsyncs the directory.
        package func commit() throws(IOFailure) {
            try flush()
            guard fsync(fd) == 0 else { throw IOFailure("fsync failed", temporary) }
            close(fd)
            fd = -1
            guard rename(temporary, path) == 0 else {
                let failure = IOFailure("cannot rename into place", path)
                unlink(temporary)
                throw failure
            }
            RecordFile.syncDirectory(of: path)
        }

        /// Drops the new version (nothing happens after `commit`).
        package func discard() {
            guard fd >= 0 else { return }
            close(fd)
            fd = -1
            unlink(temporary)
        }
    }

    static func syncDirectory(of path: String) {
        let slash = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let directory = open(slash.isEmpty ? "/" : slash, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            _ = fsync(directory)
            close(directory)
        }
    }
}
