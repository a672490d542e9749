#if canImport(Glibc)
import CSigilLinux
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain POSIX thread that runs one closure and can be joined.
///
/// The UDP workers want a dedicated kernel thread each, not a task on a cooperative pool: they block in
/// `epoll_wait` and would otherwise starve Swift concurrency. Foundation's `Thread` is avoided to keep
/// Foundation out of the server.
struct WorkerThread: Sendable {
    private let handle: pthread_t

    private final class Box {
        let name: String
        let body: @Sendable () -> Void
        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }

    /// Starts a thread named `name` (at most 15 bytes are kept by Linux) running `body`.
    static func spawn(name: String, _ body: @escaping @Sendable () -> Void) throws(TransportError) -> WorkerThread {
        let box = Unmanaged.passRetained(Box(name: name, body: body)).toOpaque()
        var handle = pthread_t()
        let rc = pthread_create(
            &handle, nil,
            { raw in
                let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
                #if canImport(Glibc)
                _ = CSigilLinux_set_thread_name(box.name)
                #endif
                box.body()
                return nil
            }, box)
        guard rc == 0 else {
            Unmanaged<Box>.fromOpaque(box).release()
            throw TransportError(call: "pthread_create", errno: rc, subject: name)
        }
        return WorkerThread(handle: handle)
    }

    /// Waits for the thread to finish. Call exactly once.
    func join() {
        _ = pthread_join(self.handle, nil)
    }
}
