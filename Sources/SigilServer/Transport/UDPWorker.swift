#if canImport(Glibc)
import CSigilLinux
import Glibc
import QueryPipeline

/// What one worker thread is given at start: its sockets (one per listen address), its epoll instance and its
/// wake-up eventfd. Plain file descriptors, so it can cross to the new thread.
struct UDPWorkerSetup: Sendable {
    var sockets: [Int32]
    var listeners: [IPEndpoint]
    var epoll: Int32
    var wakeFD: Int32
    var batchSize: Int
    var receiveBufferSize: Int
    var responseCapacity: Int
}

/// The loop of one UDP worker thread: `epoll_wait`, then per readable socket `recvmmsg` a batch, run the
/// handler on each datagram, `sendmmsg` the answers.
///
/// All memory the loop touches is allocated here, once: `batchSize` receive buffers, `batchSize` response
/// buffers, the `mmsghdr`/`iovec`/`sockaddr_storage`/control arrays describing them. Datagram *i* of a batch
/// is read into receive buffer *i*, answered into response buffer *i*, and sent back to the address stored in
/// slot *i*, so the steady state performs no allocation at all. The handler is created on this thread and
/// only used here, so it needs no locking.
final class UDPWorker<Handler: DatagramHandler> {
    /// `epoll_event.data.u64` of the wake-up eventfd; sockets use their index.
    private static var wakeToken: UInt64 { UInt64.max }
    /// Batches read from one socket per wake-up before looking at the others again.
    private static var batchesPerWake: Int { 8 }
    /// Room for one `IP_PKTINFO` or `IPV6_PKTINFO` control message.
    private static var controlSize: Int { CSigilLinux_pktinfo_space() }

    private var handler: Handler
    private let setup: UDPWorkerSetup
    private let counters: UDPWorkerCounters

    private let receiveBuffers: UnsafeMutableRawPointer
    private let responseBuffers: UnsafeMutableRawPointer
    private let controlBuffers: UnsafeMutableRawPointer
    private let names: UnsafeMutablePointer<sockaddr_storage>
    private let receiveVectors: UnsafeMutablePointer<iovec>
    private let receiveHeaders: UnsafeMutablePointer<CSigilLinux_mmsghdr>
    private let sendVectors: UnsafeMutablePointer<iovec>
    private let sendHeaders: UnsafeMutablePointer<CSigilLinux_mmsghdr>
    private let events: UnsafeMutablePointer<epoll_event>
    private let eventCapacity: Int

    init(handler: Handler, setup: UDPWorkerSetup, counters: UDPWorkerCounters) {
        let batch = setup.batchSize
        self.handler = handler
        self.setup = setup
        self.counters = counters
        self.receiveBuffers = .allocate(byteCount: batch * setup.receiveBufferSize, alignment: 16)
        self.responseBuffers = .allocate(byteCount: batch * setup.responseCapacity, alignment: 16)
        self.controlBuffers = .allocate(byteCount: batch * Self.controlSize, alignment: 16)
        self.names = .allocate(capacity: batch)
        self.receiveVectors = .allocate(capacity: batch)
        self.receiveHeaders = .allocate(capacity: batch)
        self.sendVectors = .allocate(capacity: batch)
        self.sendHeaders = .allocate(capacity: batch)
        self.eventCapacity = setup.sockets.count + 1
        self.events = .allocate(capacity: self.eventCapacity)

        for i in 0..<batch {
            self.receiveVectors[i] = iovec(
                iov_base: self.receiveBuffers + i * setup.receiveBufferSize,
                iov_len: setup.receiveBufferSize
            )
            self.receiveHeaders[i] = CSigilLinux_mmsghdr()
            self.receiveHeaders[i].msg_hdr.msg_name = UnsafeMutableRawPointer(self.names + i)
            self.receiveHeaders[i].msg_hdr.msg_iov = self.receiveVectors + i
            self.receiveHeaders[i].msg_hdr.msg_iovlen = 1
            self.receiveHeaders[i].msg_hdr.msg_control = self.controlBuffers + i * Self.controlSize
            self.sendVectors[i] = iovec()
            self.sendHeaders[i] = CSigilLinux_mmsghdr()
            self.sendHeaders[i].msg_hdr.msg_iov = self.sendVectors + i
            self.sendHeaders[i].msg_hdr.msg_iovlen = 1
        }
    }

    deinit {
        self.receiveBuffers.deallocate()
        self.responseBuffers.deallocate()
        self.controlBuffers.deallocate()
        self.names.deallocate()
        self.receiveVectors.deallocate()
        self.receiveHeaders.deallocate()
        self.sendVectors.deallocate()
        self.sendHeaders.deallocate()
        self.events.deallocate()
    }

    /// Registers the sockets and the wake-up eventfd with this worker's epoll instance.
    static func register(_ setup: UDPWorkerSetup) throws(TransportError) {
        for (index, fd) in setup.sockets.enumerated() {
            try EPoll.addReadable(epoll: setup.epoll, fd: fd, token: UInt64(index))
        }
        try EPoll.addReadable(epoll: setup.epoll, fd: setup.wakeFD, token: Self.wakeToken)
    }

    /// Runs until the wake-up eventfd becomes readable.
    func run() {
        while true {
            let count = epoll_wait(self.setup.epoll, self.events, Int32(self.eventCapacity), -1)
            if count < 0 {
                if errno == EINTR { continue }
                // epoll itself failing means the descriptors are gone: nothing more this thread can do.
                self.counters.receiveErrors.add(1, ordering: .relaxed)
                return
            }
            for i in 0..<Int(count) {
                let token = self.events[i].data.u64
                if token == Self.wakeToken { return }
                let index = Int(token)
                self.service(socket: self.setup.sockets[index], listener: self.setup.listeners[index])
            }
        }
    }

    /// Reads, answers and sends up to ``batchesPerWake`` batches from one socket.
    private func service(socket fd: Int32, listener: IPEndpoint) {
        let batch = self.setup.batchSize
        let receiveSize = self.setup.receiveBufferSize
        let capacity = self.setup.responseCapacity
        var received: UInt64 = 0
        var dropped: UInt64 = 0
        var truncated: UInt64 = 0
        defer {
            self.counters.received.add(received, ordering: .relaxed)
            self.counters.dropped.add(dropped, ordering: .relaxed)
            self.counters.truncatedQueries.add(truncated, ordering: .relaxed)
        }

        var rounds = 0
        while rounds < Self.batchesPerWake {
            rounds += 1
            for i in 0..<batch {
                // The kernel overwrites these on every call.
                self.receiveHeaders[i].msg_hdr.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
                self.receiveHeaders[i].msg_hdr.msg_controllen = Self.controlSize
                self.receiveHeaders[i].msg_hdr.msg_flags = 0
            }
            let count = CSigilLinux_recvmmsg(fd, self.receiveHeaders, UInt32(batch), 0, nil)
            if count < 0 {
                switch errno {
                case EINTR: continue
                case EAGAIN, EWOULDBLOCK: return
                default:
                    self.counters.receiveErrors.add(1, ordering: .relaxed)
                    return
                }
            }
            received += UInt64(count)

            var outgoing = 0
            for i in 0..<Int(count) {
                let header = self.receiveHeaders[i].msg_hdr
                if header.msg_flags & Int32(MSG_TRUNC) != 0 {
                    truncated += 1
                    continue
                }
                guard let peer = IPEndpoint(sockaddr: self.names + i) else {
                    dropped += 1
                    continue
                }
                let query = UnsafeRawBufferPointer(
                    start: self.receiveBuffers + i * receiveSize,
                    count: Int(self.receiveHeaders[i].msg_len)
                )
                let responseStart = self.responseBuffers + i * capacity
                let response = UnsafeMutableRawBufferPointer(start: responseStart, count: capacity)
                let context = QueryContext(peer: peer, listener: listener, transport: .udp)
                guard let length = self.handler.respond(to: query, context: context, into: response),
                    length > 0, length <= capacity
                else {
                    dropped += 1
                    continue
                }

                self.sendVectors[outgoing].iov_base = responseStart
                self.sendVectors[outgoing].iov_len = length
                self.sendHeaders[outgoing].msg_hdr.msg_name = UnsafeMutableRawPointer(self.names + i)
                self.sendHeaders[outgoing].msg_hdr.msg_namelen = header.msg_namelen
                // Wildcard sockets: send from the address the query was sent to (see UDPSocket.open).
                if header.msg_controllen > 0,
                    CSigilLinux_prepare_reply_control(header.msg_control, header.msg_controllen) != 0
                {
                    self.sendHeaders[outgoing].msg_hdr.msg_control = header.msg_control
                    self.sendHeaders[outgoing].msg_hdr.msg_controllen = header.msg_controllen
                } else {
                    self.sendHeaders[outgoing].msg_hdr.msg_control = nil
                    self.sendHeaders[outgoing].msg_hdr.msg_controllen = 0
                }
                outgoing += 1
            }
            self.send(socket: fd, count: outgoing)

            if Int(count) < batch { return }  // drained: let epoll tell us when there is more
        }
    }

    /// Sends the first `count` prepared responses, resuming after partial sends.
    ///
    /// `sendmmsg` stops at the first message that fails and reports only how many went out; an error on the
    /// very first message comes back as -1. So on an error other than EAGAIN that datagram is skipped (it is
    /// undeliverable, e.g. a firewall EPERM) and the rest retried. On EAGAIN the send buffer is full: wait
    /// briefly for room once, then drop the remainder, as UDP would under overload anyway.
    private func send(socket fd: Int32, count: Int) {
        var start = 0
        var sent: UInt64 = 0
        var failed: UInt64 = 0
        var waited = false
        while start < count {
            let rc = CSigilLinux_sendmmsg(fd, self.sendHeaders + start, UInt32(count - start), 0)
            if rc > 0 {
                start += Int(rc)
                sent += UInt64(rc)
                continue
            }
            let error = rc < 0 ? errno : EAGAIN
            if error == EINTR { continue }
            if error == EAGAIN || error == EWOULDBLOCK {
                if !waited {
                    waited = true
                    var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&pfd, 1, 1)
                    continue
                }
                failed += UInt64(count - start)
                break
            }
            failed += 1
            start += 1
        }
        self.counters.sent.add(sent, ordering: .relaxed)
        if failed > 0 { self.counters.sendErrors.add(failed, ordering: .relaxed) }
    }
}
#endif
