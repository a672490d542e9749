#if canImport(Glibc)
import Glibc
#endif

/// The body of a `CertificateWatcher`'s thread: inotify on the parent directories, a periodic
/// identity poll, and the debouncer deciding when to report.
struct WatchLoop: Sendable {
    /// The events that mean a file in a directory may have new contents. Renames over the file
    /// arrive as IN_MOVED_TO, in-place rewrites as IN_CLOSE_WRITE.
    private static let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM)

    private struct Directory {
        var path: String
        /// Base name → watched path.
        var files: [String: String]
        var descriptor: Int32?
    }

    private let paths: [String]
    private let options: CertificateWatcher.Options
    private let wakeFD: Int32
    private let continuation: AsyncStream<Set<String>>.Continuation
    private let finished: Finished
    private let inotifyFD: Int32
    private var directories: [Directory]
    private var identities: [String: FileIdentity?]
    private var flagged: Set<String> = []
    private var debouncer: ChangeDebouncer

    var usesInotify: Bool { inotifyFD >= 0 }

    init(
        paths: [String], options: CertificateWatcher.Options, wakeFD: Int32,
        continuation: AsyncStream<Set<String>>.Continuation, finished: Finished
    ) {
        self.paths = paths
        self.options = options
        self.wakeFD = wakeFD
        self.continuation = continuation
        self.finished = finished
        self.inotifyFD = options.useInotify ? inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC)) : -1
        self.debouncer = ChangeDebouncer(quiet: options.debounce, maximumDelay: options.debounce * 10)
        var byDirectory: [String: Directory] = [:]
        var order: [String] = []
        for path in paths {
            let (directory, name) = Self.split(path)
            if byDirectory[directory] == nil {
                order.append(directory)
                byDirectory[directory] = Directory(path: directory, files: [:], descriptor: nil)
            }
            byDirectory[directory]?.files[name] = path
        }
        directories = order.compactMap { byDirectory[$0] }
        identities = Dictionary(uniqueKeysWithValues: paths.map { ($0, FileIdentity.of($0)) })
        addMissingWatches()
    }

    mutating func run() {
        let clock = ContinuousClock()
        var nextPoll = clock.now + options.pollInterval
        while true {
            let now = clock.now
            var wait = nextPoll - now
            if let deadline = debouncer.deadline { wait = min(wait, deadline - now) }
            var fds = [pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
            if inotifyFD >= 0 { fds.append(pollfd(fd: inotifyFD, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), Self.milliseconds(wait))
            if ready < 0, errno != EINTR { break }
            if fds[0].revents != 0 { break }
            if fds.count > 1, fds[1].revents != 0 { readEvents(at: clock.now) }

            let after = clock.now
            if after >= nextPoll {
                nextPoll = after + options.pollInterval
                addMissingWatches()
                if paths.contains(where: { FileIdentity.of($0) != identities[$0] ?? nil }) { debouncer.note(at: after) }
            }
            if debouncer.isDue(at: after) { report() }
        }
        if inotifyFD >= 0 { close(inotifyFD) }
        close(wakeFD)
        continuation.finish()
        finished.signal()
    }

    /// Yields the paths whose identity changed or that inotify named directly.
    private mutating func report() {
        debouncer.reset()
        var changed = flagged
        flagged = []
        for path in paths {
            let current = FileIdentity.of(path)
            if current != identities[path] ?? nil { changed.insert(path) }
            identities[path] = current
        }
        if !changed.isEmpty { continuation.yield(changed) }
    }

    private mutating func readEvents(at now: ContinuousClock.Instant) {
        let headerSize = MemoryLayout<inotify_event>.size
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(inotifyFD, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }
            var offset = 0
            while offset + headerSize <= count {
                let (descriptor, mask, nameLength) = buffer.withUnsafeBytes { raw in
                    (
                        raw.loadUnaligned(fromByteOffset: offset, as: Int32.self),
                        raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                        Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                    )
                }
                let nameBytes = buffer[(offset + headerSize)..<min(count, offset + headerSize + nameLength)]
                let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
                offset += headerSize + nameLength
                handle(descriptor: descriptor, mask: mask, name: name, at: now)
            }
        }
    }

    private mutating func handle(descriptor: Int32, mask: UInt32, name: String, at now: ContinuousClock.Instant) {
        if mask & UInt32(IN_Q_OVERFLOW) != 0 {
            // Events were lost: anything may have changed.
            flagged.formUnion(paths)
            debouncer.note(at: now)
            return
        }
        guard let index = directories.firstIndex(where: { $0.descriptor == descriptor }) else { return }
        if mask & UInt32(IN_IGNORED) != 0 {
            // The directory went away; the poll re-adds the watch if it comes back.
            directories[index].descriptor = nil
            debouncer.note(at: now)
            return
        }
        // Any event in the directory triggers an identity check (a Kubernetes-style `..data`
        // symlink swap changes the file without an event naming it); an event naming the file
        // reports it even if its identity happens to look unchanged.
        if let path = directories[index].files[name] { flagged.insert(path) }
        debouncer.note(at: now)
    }

    private mutating func addMissingWatches() {
        guard inotifyFD >= 0 else { return }
        for index in directories.indices where directories[index].descriptor == nil {
            let descriptor = inotify_add_watch(inotifyFD, directories[index].path, Self.mask)
            if descriptor >= 0 { directories[index].descriptor = descriptor }
        }
    }

    private static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = slash == path.startIndex ? "/" : String(path[..<slash])
        return (directory, String(path[path.index(after: slash)...]))
    }

    /// A `poll` timeout, rounded up so the loop does not spin just before a deadline.
    private static func milliseconds(_ duration: Duration) -> Int32 {
        guard duration > .zero else { return 0 }
        let (seconds, attoseconds) = duration.components
        let millis = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: millis)
    }
}
