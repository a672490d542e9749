import Foundation
import SigilTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The built `sigil` executable, run as a child process the way a user runs it.
///
/// The binary is looked for next to the test bundle (SwiftPM puts executables and the test
/// bundle in the same `<scratch>/<triple>/debug` directory, whatever `--scratch-path` is), then
/// in `.build/debug` of the package; `SIGIL_BINARY` overrides both.
enum SigilBinary {
    static let path: String? = {
        if let explicit = ProcessInfo.processInfo.environment["SIGIL_BINARY"] { return explicit }
        var candidates: [String] = []
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        // The test runner may sit inside a bundle directory (…/debug/X.xctest/…): walk up a little.
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("sigil").path)
            directory = directory.deletingLastPathComponent()
        }
        for argument in CommandLine.arguments.prefix(1) {
            candidates.append(
                URL(fileURLWithPath: argument).deletingLastPathComponent().appendingPathComponent("sigil").path)
        }
        candidates.append(packageRoot + "/.build/debug/sigil")
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// The package root, from this file's path.
    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    static func require() throws -> String {
        guard let path else {
            throw Subprocess.Failure("the sigil executable was not found next to the tests; run `swift build` first")
        }
        return path
    }
}

/// A temporary directory, removed when the value goes away.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "sigil-it-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
}

/// A running `sigil serve`. Its stderr (the log) goes to a file, read back to find the bound
/// port and to check what it logged.
final class SigilServerProcess {
    private(set) var process: Process
    let logPath: String
    let directory: TemporaryDirectory
    private(set) var port: UInt16 = 0

    /// Starts `sigil serve ARGUMENTS --listen 127.0.0.1:0` in `directory` and waits until it logs
    /// the address it listens on: port 0 lets the kernel pick a free port (sigil binds TCP on the
    /// port UDP got, picking again if TCP's is taken), so tests never race for a port.
    /// `workingDirectory` is relative to `directory`.
    init(
        _ arguments: [String], in directory: TemporaryDirectory, listen: Bool = true, workingDirectory: String? = nil
    ) throws {
        self.directory = directory
        logPath = directory.path + "/sigil-\(UUID().uuidString).log"
        process = try Subprocess.start(
            try SigilBinary.require(), ["serve"] + arguments + (listen ? ["--listen", "127.0.0.1:0"] : []),
            log: logPath, in: directory.path + (workingDirectory.map { "/" + $0 } ?? ""))
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let port = listeningPort() {
                self.port = port
                return
            }
            guard process.isRunning else { break }
            usleep(20_000)
        }
        let log = self.log
        stop()
        throw Subprocess.Failure("sigil serve did not start: \(log)")
    }

    deinit { stop() }

    var log: String { String(decoding: Subprocess.readFile(logPath), as: UTF8.self) }

    /// The port of the "listening on 127.0.0.1:PORT (udp, tcp)" log line.
    private func listeningPort() -> UInt16? {
        for line in log.split(separator: "\n") where line.contains("listening on 127.0.0.1:") {
            let tail = line.split(separator: "listening on 127.0.0.1:", maxSplits: 1)[1]
            return UInt16(tail.prefix { $0.isNumber })
        }
        return nil
    }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the process to exit; its status, or nil on timeout.
    func waitForExit(timeout: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Waits until the log contains `text` `count` times.
    func waitForLog(_ text: String, count: Int = 1, timeout: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if log.components(separatedBy: text).count - 1 >= count { return true }
            usleep(20_000)
        }
        return false
    }

    func stop() {
        guard process.isRunning else { return }
        signal(SIGKILL)
        process.waitUntilExit()
    }
}
