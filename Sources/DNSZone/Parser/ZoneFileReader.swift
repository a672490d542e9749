#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads zone files whole, with the C library: the parser wants the bytes, not lines or
/// `String`s, and reading is done once per load, so there is nothing to gain from streaming.
package enum ZoneFileReader {
    /// The file's bytes, or the reason it could not be read (`strerror` text). A file larger than
    /// `maxBytes` is refused before it is read.
    ///
    /// Opened non-blocking: opening a FIFO for reading otherwise waits for a writer, which would
    /// hang a load or a reload. Only a regular file is read (O_NONBLOCK changes nothing for one).
    static func contents(of path: String, maxBytes: Int = .max) -> Result<[UInt8], ReadError> {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(ReadError(errno)) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return .failure(ReadError(errno)) }
        guard (status.st_mode & S_IFMT) == S_IFREG else { return .failure(ReadError(message: "not a regular file")) }
        guard Int(status.st_size) <= maxBytes else {
            return .failure(
                ReadError(message: "the zone's files would exceed \(ZoneFileParser.Limits.describe(bytes: maxBytes))"))
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        bytes.reserveCapacity(Int(status.st_size) + 1)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(ReadError(errno))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return .success(bytes)
    }

    /// The canonical path (symbolic links and `..` resolved), to recognise a file included twice
    /// under different names; the path itself when it does not exist.
    static func identity(of path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// `path` taken relative to the directory of `file` unless it is absolute.
    static func resolve(_ path: String, relativeTo file: String) -> String {
        guard !path.hasPrefix("/"), let slash = file.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
        return String(file[...slash]) + path
    }

    package struct ReadError: Error {
        package var message: String
        package init(message: String) { self.message = message }
        init(_ code: Int32) { message = String(cString: strerror(code)) }
    }
}
