import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Watches certificate files and reports when any of them changes, so the zone can republish its
/// TLSA records after a renewal without a restart.
///
/// Renewal tools rarely rewrite a certificate in place: certbot re-points a symlink, others write
/// a temporary file and rename it over the old one, Kubernetes swaps a directory symlink. So the
/// watcher follows the *parent directories* with inotify (a watch on the file itself would stay
/// on the replaced inode) and also polls each file's identity (device, inode, size, times) every
/// `pollInterval`, which catches what inotify cannot see (a missing directory created later, a
/// network file system, an inotify limit reached). Bursts are debounced so a consumer reads a
/// complete file.
///
/// The watch runs on its own thread, since it blocks in `poll(2)`; results arrive on `changes`.
/// Call `stop()` (or drop the watcher, or stop iterating `changes`) to end it.
public final class CertificateWatcher: Sendable {
    public struct Options: Sendable {
        /// How long notifications must be quiet before a change is reported.
        public var debounce: Duration
        /// How often file identities are compared even without inotify events. The initializer
        /// caps it at 5 s; setting the property directly is not capped (tests use that to check
        /// inotify alone).
        public var pollInterval: Duration
        /// Off: poll only.
        public var useInotify: Bool

        public init(
            debounce: Duration = .milliseconds(200), pollInterval: Duration = .seconds(2), useInotify: Bool = true
        ) {
            self.debounce = debounce
            self.pollInterval = min(pollInterval, .seconds(5))
            self.useInotify = useInotify
        }
    }

    public let paths: [String]
    /// One element per debounced change: the watched paths whose file changed (appeared,
    /// disappeared, was replaced or rewritten). Finishes when the watcher stops.
    public let changes: AsyncStream<Set<String>>
    /// Whether the watcher is getting inotify events (false: polling only).
    public let usesInotify: Bool

    private let wake: WakeHandle
    private let finished: Finished

    /// Starts watching `paths` (files need not exist yet).
    public init(paths: [String], options: Options = Options()) throws(DANEError) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw .watcherFailed("pipe: \(String(cString: strerror(errno)))") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let (stream, continuation) = AsyncStream<Set<String>>.makeStream()
        let wake = WakeHandle(fd: fds[1])
        let finished = Finished()
        let loop = WatchLoop(
            paths: paths, options: options, wakeFD: fds[0], continuation: continuation, finished: finished)
        self.paths = paths
        self.changes = stream
        self.usesInotify = loop.usesInotify
        self.wake = wake
        self.finished = finished
        continuation.onTermination = { _ in wake.fire() }
        let thread = Thread {
            var running = loop
            running.run()
        }
        thread.name = "sigil-cert-watch"
        thread.start()
    }

    deinit {
        wake.fire()
    }

    /// Stops watching and waits for the watch thread to finish; `changes` then ends. Idempotent.
    public func stop() {
        wake.fire()
        finished.wait()
    }
}

/// The write end of the wake-up pipe: closing it makes the watch thread's `poll` return (POLLHUP).
final class WakeHandle: Sendable {
    private let fd: Mutex<Int32>

    init(fd: Int32) { self.fd = Mutex(fd) }

    func fire() {
        fd.withLock { fd in
            if fd >= 0 { close(fd) }
            fd = -1
        }
    }
}

/// Set once by the watch thread when it has released everything.
final class Finished: Sendable {
    private let done = Mutex(false)
    private let condition = DispatchSemaphore(value: 0)

    func signal() {
        done.withLock { $0 = true }
        condition.signal()
    }

    func wait() {
        guard !done.withLock({ $0 }) else { return }
        condition.wait()
        condition.signal()  // let any other waiter through too
    }
}
