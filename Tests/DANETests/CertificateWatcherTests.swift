import DANE
import Foundation
import SigilTestSupport
import Synchronization
import Testing

@testable import DANETestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The watcher against real file operations: a renewal renamed over the file, an in-place
/// rewrite, a deletion. Each waits for the report with a generous bound (the watcher reports
/// within a debounce interval of the change, or one poll interval without inotify).
@Suite struct CertificateWatcherTests {
    private static func scratch() throws -> String {
        let directory = NSTemporaryDirectory() + "sigil-watch-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Writes in place: truncate and write through the same inode.
    private static func rewrite(_ path: String, _ text: String) {
        let fd = open(path, O_WRONLY | O_TRUNC)
        precondition(fd >= 0)
        _ = text.utf8CString.withUnsafeBytes { write(fd, $0.baseAddress, $0.count - 1) }
        close(fd)
    }

    @Test(arguments: [true, false])
    func seesRenameRewriteAndDelete(inotify: Bool) async throws {
        let directory = try Self.scratch()
        let cert = "\(directory)/fullchain.pem"
        let other = "\(directory)/key.pem"
        try CertificateFixtures.write(cert, "one")
        try CertificateFixtures.write(other, "key")
        var options = CertificateWatcher.Options(
            debounce: .milliseconds(100), pollInterval: .milliseconds(300), useInotify: inotify)
        // With inotify, take the poll out of the picture so the events alone must do it.
        if inotify { options.pollInterval = .seconds(3600) }
        let watcher = try CertificateWatcher(paths: [cert, other], options: options)
        #expect(watcher.usesInotify == inotify)
        let collector = WatchCollector(watcher)

        // Renewal by rename: write a temporary, rename it over the certificate.
        try CertificateFixtures.write("\(directory)/.tmp", "two")
        #expect(rename("\(directory)/.tmp", cert) == 0)
        #expect(await collector.waitFor(cert, after: 0))
        let afterRename = collector.changes.count
        #expect(collector.changes.allSatisfy { !$0.contains(other) })

        // In-place rewrite (a different size, so even a coarse clock sees it).
        Self.rewrite(cert, "three, longer")
        #expect(await collector.waitFor(cert, after: afterRename))
        let afterRewrite = collector.changes.count

        try FileManager.default.removeItem(atPath: cert)
        #expect(await collector.waitFor(cert, after: afterRewrite))

        watcher.stop()
        await collector.finished()
        watcher.stop()  // idempotent
    }

    /// A file whose directory does not exist yet is picked up by the poll once it appears.
    @Test func fileInMissingDirectoryAppears() async throws {
        let directory = try Self.scratch()
        let cert = "\(directory)/later/cert.pem"
        let watcher = try CertificateWatcher(
            paths: [cert], options: .init(debounce: .milliseconds(50), pollInterval: .milliseconds(200)))
        let collector = WatchCollector(watcher)
        try FileManager.default.createDirectory(atPath: "\(directory)/later", withIntermediateDirectories: true)
        try CertificateFixtures.write(cert, "cert")
        #expect(await collector.waitFor(cert, after: 0))
        watcher.stop()
        await collector.finished()
    }

    /// Stopping ends the stream; nothing is reported for an unchanged file.
    @Test func stopEndsTheStream() async throws {
        let directory = try Self.scratch()
        let cert = "\(directory)/cert.pem"
        try CertificateFixtures.write(cert, "x")
        let watcher = try CertificateWatcher(paths: [cert])
        watcher.stop()
        var reports = 0
        for await _ in watcher.changes { reports += 1 }
        #expect(reports == 0)
    }
}

/// Collects what a watcher reports.
final class WatchCollector: Sendable {
    private let seen = Mutex<[Set<String>]>([])
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(_ watcher: CertificateWatcher) {
        let stream = watcher.changes
        let task = Task { [self] in
            for await change in stream { self.seen.withLock { $0.append(change) } }
        }
        self.task.withLock { $0 = task }
    }

    var changes: [Set<String>] { seen.withLock { $0 } }

    /// Waits (up to `limit`) until some report after the first `after` ones contains `path`.
    /// Looks once more after the deadline: on a loaded machine this task may be resumed late, and
    /// a report that arrived meanwhile still counts.
    func waitFor(_ path: String, after: Int, limit: Duration = .seconds(30)) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if changes.dropFirst(after).contains(where: { $0.contains(path) }) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return changes.dropFirst(after).contains(where: { $0.contains(path) })
    }

    /// Waits for the stream to end.
    func finished() async { await task.withLock { $0 }?.value }
}
