import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File system access for key files. Not on any hot path, so Foundation is fine here; writes use
/// POSIX `open` so the private key file is created with mode 0600 from the start (never briefly
/// readable) and never overwrites an existing key.
package enum KeyFileIO {
    package static func read(_ path: String) throws(KeyFileError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KeyFileError(path: path, "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw KeyFileError(path: path, "the file is not UTF-8 text")
        }
        return text
    }

    static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }

    static func list(_ directory: String) throws(KeyFileError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw KeyFileError(path: directory, "cannot list the key directory: \(error.localizedDescription)")
        }
    }

    /// Creates `path` exclusively with `mode`, writes `text`, and syncs it to disk. The copy of
    /// `text` it writes from is zeroed after, as it may be a private key.
    package static func create(_ path: String, _ text: String, mode: mode_t) throws(KeyFileError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw KeyFileError(path: path, "cannot create: \(String(cString: strerror(errno)))") }
        // The umask may have narrowed the mode; make it exact.
        _ = fchmod(fd, mode)
        var bytes = Array(text.utf8)
        defer { for index in bytes.indices { bytes[index] = 0 } }
        var written = 0
        var failure: Int32 = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if result < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            written += result
        }
        if failure == 0 && fsync(fd) != 0 { failure = errno }
        close(fd)
        if failure != 0 {
            unlink(path)
            throw KeyFileError(path: path, "cannot write: \(String(cString: strerror(failure)))")
        }
    }

    static func remove(_ path: String) {
        unlink(path)
    }

    /// Now as BIND's `YYYYMMDDHHMMSS` UTC timestamp.
    static func timestamp(_ seconds: Int = time(nil)) -> String {
        var clock = time_t(seconds)
        var parts = tm()
        gmtime_r(&clock, &parts)
        func pad(_ value: Int32, _ width: Int) -> String { KeyFileName.zeroPadded(Int(value), width) }
        return pad(parts.tm_year + 1900, 4) + pad(parts.tm_mon + 1, 2) + pad(parts.tm_mday, 2)
            + pad(parts.tm_hour, 2) + pad(parts.tm_min, 2) + pad(parts.tm_sec, 2)
    }
}
