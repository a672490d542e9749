import DNSWire
import Foundation
import Testing

@testable import DNSZone

#if canImport(Glibc)
import Glibc
#endif

/// Zone files that would block a load or cost more than their size: each gets a clear error.
@Suite struct ZoneFileHostileTests {
    private let origin = try! DNSName(text: "example.com.")

    private func directory() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("zhostile-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return root
    }

    /// Runs `parse` on another thread and waits at most 5 s: a blocking open fails the test
    /// instead of hanging the suite (the thread is left behind, blocked, if it never returns).
    private func parseWithin5s(_ path: String) throws -> ZoneFileResult {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox()
        let origin = self.origin
        Thread.detachNewThread {
            box.result = ZoneFileParser.parse(file: path, origin: origin)
            done.signal()
        }
        try #require(done.wait(timeout: .now() + 5) == .success, "parsing \(path) blocked")
        return try #require(box.result)
    }

    final class ResultBox: @unchecked Sendable { var result: ZoneFileResult? }

    @Test func aFIFOAsTheZoneFileIsAnErrorNotAHang() throws {
        let root = try directory()
        let fifo = root + "/zone.fifo"
        try #require(mkfifo(fifo, 0o600) == 0)
        let result = try parseWithin5s(fifo)
        #expect(!result.isValid)
        #expect(result.errors.contains { $0.message.contains("not a regular file") }, "\(result)")
    }

    @Test func aFIFOAsAnIncludeIsAnErrorNotAHang() throws {
        let root = try directory()
        try #require(mkfifo(root + "/hosts.fifo", 0o600) == 0)
        try "@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n$INCLUDE hosts.fifo\n"
            .write(toFile: root + "/main.zone", atomically: true, encoding: .utf8)
        let result = try parseWithin5s(root + "/main.zone")
        let error = try #require(result.errors.first, "\(result)")
        #expect(error.message.contains("not a regular file") && error.line == 4, "\(result)")
        #expect(result.records.count == 3)
    }

    /// Each level includes the next three times: 3^8 = 6,561 reads of tiny files from a
    /// 100-byte zone. The count stops at the limit with an error naming it.
    @Test func anIncludeBombStopsAtTheIncludeLimit() throws {
        let root = try directory()
        try "@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n$INCLUDE l1.inc\n$INCLUDE l1.inc\n$INCLUDE l1.inc\n"
            .write(toFile: root + "/main.zone", atomically: true, encoding: .utf8)
        for level in 1...8 {
            let body =
                level == 8
                ? "x\(level) TXT \"leaf\"\n"
                : (1...3).map { _ in "$INCLUDE l\(level + 1).inc\n" }.joined()
            try body.write(toFile: root + "/l\(level).inc", atomically: true, encoding: .utf8)
        }
        let limits = ZoneFileParser.Limits(includes: 200)
        let result = ZoneFileParser.parse(file: root + "/main.zone", origin: origin, limits: limits)
        #expect(!result.isValid)
        #expect(result.errors.first?.message.hasPrefix("more than 200 $INCLUDEs in one zone") == true, "\(result)")
        // The default limit holds too: never more than 1,000 files read.
        let defaulted = ZoneFileParser.parse(file: root + "/main.zone", origin: origin)
        #expect(defaulted.errors.first?.message.hasPrefix("more than 1000 $INCLUDEs") == true)
        #expect(defaulted.records.count <= 3 + 1000)
    }

    @Test func theBytesOfAllTheZonesFilesAreBounded() throws {
        let root = try directory()
        let hosts = (0..<100).map { "h\($0) A 192.0.2.1\n" }.joined()
        try hosts.write(toFile: root + "/hosts.inc", atomically: true, encoding: .utf8)
        try "@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n$INCLUDE hosts.inc\n$INCLUDE hosts.inc h2\n"
            .write(toFile: root + "/main.zone", atomically: true, encoding: .utf8)
        // Room for the main file and one copy of hosts.inc, not two.
        let limits = ZoneFileParser.Limits(bytes: 100 + hosts.utf8.count + 100)
        let result = ZoneFileParser.parse(file: root + "/main.zone", origin: origin, limits: limits)
        let error = try #require(result.errors.first, "\(result)")
        #expect(error.line == 5 && error.message.contains("would exceed"), "\(result)")
        #expect(result.records.count == 3 + 100)
        // A top file over the limit is refused before it is read.
        let tiny = ZoneFileParser.parse(file: root + "/main.zone", origin: origin, limits: .init(bytes: 10))
        #expect(tiny.errors.first?.message.contains("would exceed 10 bytes") == true, "\(tiny)")
    }
}
