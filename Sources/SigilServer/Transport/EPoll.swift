#if canImport(Glibc)
import CSigilLinux
import Glibc

/// The few `epoll` and `eventfd` calls a UDP worker needs, as thin wrappers that keep `errno` handling in one
/// place. Level-triggered: a worker reads a bounded number of batches per wake-up and relies on the next
/// `epoll_wait` to come back to a socket that still has data, which keeps several sockets fair.
enum EPoll {
    static func create() throws(TransportError) -> Int32 {
        let fd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard fd >= 0 else { throw TransportError(call: "epoll_create1", errno: errno, subject: "UDP worker") }
        return fd
    }

    /// Registers `fd` for readability; `token` comes back in `epoll_event.data.u64`.
    static func addReadable(epoll: Int32, fd: Int32, token: UInt64) throws(TransportError) {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = token
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) == 0 else {
            throw TransportError(call: "epoll_ctl", errno: errno, subject: "UDP worker")
        }
    }

    /// A non-blocking eventfd used to wake a worker out of `epoll_wait` for shutdown.
    static func makeEventFD() throws(TransportError) -> Int32 {
        let fd = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard fd >= 0 else { throw TransportError(call: "eventfd", errno: errno, subject: "UDP worker") }
        return fd
    }

    /// Makes `fd` readable (and keeps it so: nobody drains it, since it is only used once).
    static func signal(eventFD fd: Int32) {
        var one: UInt64 = 1
        while write(fd, &one, MemoryLayout<UInt64>.size) < 0 && errno == EINTR {}
    }
}
#endif
