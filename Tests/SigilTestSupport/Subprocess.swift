import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs the real peers the tests judge Sigil with (kdig, knotd, unbound, BIND's tools, OpenSSL,
/// Python scripts).
///
/// Output goes to temporary files rather than pipes: a chatty tool can never block on a full
/// pipe, and reading back uses `read(2)` with EINTR retried — Foundation's
/// `readDataToEndOfFile` traps when a signal interrupts it, which happens in a busy test process.
public enum Subprocess {
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var succeeded: Bool { status == 0 }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// The absolute path of `name` on `PATH`, /usr/sbin or /sbin (or `name` itself if it contains
    /// a slash). Tests say which programs they need with `.requires(Peer...)`, which uses this.
    public static func find(_ name: String) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"]
        for directory in directories {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `name` to completion and returns its exit status and output.
    @discardableResult
    public static func run(
        _ name: String, _ arguments: [String], stdin: [UInt8]? = nil, in directory: String? = nil
    ) throws -> Output {
        guard let executable = find(name) else {
            let source = Peer.named(name).map { " (\($0.source))" } ?? ""
            throw Failure("\(name)\(source) was not found on PATH (needed by this test)")
        }
        let scratch = NSTemporaryDirectory() + "sigil-run-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let inPath = scratch + "/in"
        let outPath = scratch + "/out"
        let errPath = scratch + "/err"
        FileManager.default.createFile(atPath: inPath, contents: Data(stdin ?? []))
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let input = FileHandle(forReadingAtPath: inPath)
        let output = FileHandle(forWritingAtPath: outPath)
        let error = FileHandle(forWritingAtPath: errPath)
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        process.waitUntilExit()
        try? input?.close()
        try? output?.close()
        try? error?.close()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: readFile(outPath), as: UTF8.self),
            stderr: String(decoding: readFile(errPath), as: UTF8.self))
    }

    /// Starts the program at `executable` in the background with its stdout and stderr written to
    /// the file `log` (created empty) and nothing on stdin; the caller waits for it and stops it.
    public static func start(
        _ executable: String, _ arguments: [String], log: String, in directory: String? = nil
    ) throws -> Process {
        FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardOutput = FileHandle(forWritingAtPath: log)
        process.standardError = FileHandle(forWritingAtPath: log)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs `name` and throws, with its stderr, unless it exits 0. Returns stdout.
    @discardableResult
    public static func check(
        _ name: String, _ arguments: [String], stdin: [UInt8]? = nil, in directory: String? = nil
    ) throws -> String {
        let output = try run(name, arguments, stdin: stdin, in: directory)
        guard output.succeeded else {
            throw Failure(
                "\(name) \(arguments.joined(separator: " ")) exited \(output.status): \(output.stderr)\(output.stdout)")
        }
        return output.stdout
    }

    /// Reads a whole file with `read(2)`, retrying on EINTR.
    public static func readFile(_ path: String) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                result.append(contentsOf: chunk[0..<count])
            } else if count == 0 || errno != EINTR {
                return result
            }
        }
    }
}
