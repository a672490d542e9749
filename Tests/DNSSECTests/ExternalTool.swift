import Foundation
import SigilTestSupport
import Testing

/// Runs the independent peers the interop tests check against (BIND's tools, OpenSSL's CLI,
/// Python's `cryptography`). A test that needs a missing tool is disabled with a message, except
/// under CI (`CI` set), where every tool is expected and a missing one must fail loudly.
enum ExternalTool {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The absolute path of `name` on `PATH`, if any.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Whether tests needing `names` should run: they are installed, or we are in CI.
    static func available(_ names: String...) -> Bool {
        ProcessInfo.processInfo.environment["CI"] != nil || names.allSatisfy { find($0) != nil }
    }

    /// Whether python3 can import the `cryptography` package.
    static let pythonCryptography: Bool = {
        guard find("python3") != nil else { return ProcessInfo.processInfo.environment["CI"] != nil }
        let result = try? run("python3", ["-c", "import cryptography"])
        return result?.status == 0 || ProcessInfo.processInfo.environment["CI"] != nil
    }()

    @discardableResult
    static func run(
        _ name: String, _ arguments: [String], stdin: Data? = nil, in directory: String? = nil
    ) throws -> Output {
        guard find(name) != nil else { throw ToolMissing(name: name) }
        let result = try Subprocess.run(name, arguments, stdin: stdin.map { Array($0) }, in: directory)
        return Output(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }

    /// Like `run`, but records a test failure with the tool's stderr if it exits non-zero.
    static func check(
        _ name: String, _ arguments: [String], stdin: Data? = nil, in directory: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let output = try run(name, arguments, stdin: stdin, in: directory)
        #expect(
            output.status == 0, "\(name) \(arguments.joined(separator: " ")) failed: \(output.stderr)",
            sourceLocation: sourceLocation)
        return output.stdout
    }

    struct ToolMissing: Error, CustomStringConvertible {
        var name: String
        var description: String { "\(name) is not installed (needed by this test)" }
    }
}

/// A fresh temporary directory, removed when the test is done with it.
final class TemporaryDirectory {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/sigil-dnssec-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String { "\(path)/\(name)" }
}
