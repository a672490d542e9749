import NIOCore
import QueryPipeline

/// What all TCP connections on one event loop share: that loop's handler instance and one 65535-byte response
/// buffer. Handlers run synchronously on the loop, so one buffer per loop is enough; only the loop's thread
/// touches this object.
final class TCPLoopState<Handler: DatagramHandler> {
    var handler: Handler
    let response: UnsafeMutableRawBufferPointer

    init(handler: Handler) {
        self.handler = handler
        self.response = .allocate(byteCount: 65535, alignment: 16)
    }

    deinit {
        self.response.deallocate()
    }
}

/// Tells a connection to finish what it has read and close (it was evicted for a newer one).
struct TCPEvictEvent: Sendable {}

/// The timing limits of one connection (RFC 7766 §6.2.3), as ``TransportConfiguration`` sets them.
struct TCPConnectionTimeouts: Sendable {
    var idle: TimeAmount
    var busyIdle: TimeAmount
    var io: TimeAmount
    /// How often the connection looks at its deadlines: a quarter of the shortest, so a limit is
    /// enforced at most 25 % late, without rescheduling a timer on every read.
    var tick: TimeAmount { .nanoseconds(max(min(idle, busyIdle, io).nanoseconds / 4, 1_000_000)) }
}

/// One TCP connection: splits the byte stream into 2-byte length-prefixed messages (RFC 1035 §4.2.2),
/// answers each as soon as it is complete (so pipelined queries are answered in order, RFC 7766 §6.2.1.1),
/// and frames the answers the same way.
///
/// Backpressure: while the channel is not writable (more than the write-buffer high-water mark,
/// ``TransportConfiguration/tcpMaxPendingOutputBytes``, waits for a client that is not reading) no further
/// queries are answered and no further reads are issued, so at most one read of input and the high-water
/// mark plus one answer of output are held per connection, however many queries the client pipelines.
///
/// Limits: a message must arrive whole within the I/O timeout of its first byte (a byte at a time does not
/// extend it); an idle connection closes after the idle timeout, or the shorter busy one while more than half
/// of the slots are in use; an eviction or a query cap closes it too. Every one of these closes gracefully:
/// the queries already read are answered, the output is drained, and the server half-closes (FIN, never a
/// reset), reading and discarding until the client closes or the I/O timeout passes. Only a client that
/// reads nothing while answers wait is cut off without them: after the idle timeout (the busy one under
/// load), or at once when its slot is needed and no connection is idle.
final class TCPConnectionHandler<Handler: DatagramHandler>: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase {
        case open
        /// Answering what was read, then draining the output before the half-close; since when.
        case draining(NIODeadline)
        /// FIN sent; input is discarded until the client closes or the deadline passes.
        case halfClosed(NIODeadline)
    }

    private let state: TCPLoopState<Handler>
    private let listener: IPEndpoint
    private let maxQueries: Int
    private let timeouts: TCPConnectionTimeouts
    private let activity: TCPConnectionActivity
    private let isBusy: @Sendable () -> Bool
    private let onBlocked: (ChannelHandlerContext) -> Void
    private var peer = IPEndpoint(address: .loopbackV4, port: 0)
    /// The received bytes not yet answered, split into messages by the framer the fuzzer checks.
    private var framer = TCPFramer(capacity: 512)
    private var answered = 0
    private var phase = Phase.open
    /// When the first byte of the message now being received arrived.
    private var messageStarted: NIODeadline?
    /// When the connection last became idle (nothing buffered in either direction), or nil while it is not.
    private var idleSince: NIODeadline?
    /// When the output last became blocked (channel not writable), or nil while it is writable.
    private var blockedSince: NIODeadline?
    /// A read was requested while unwritable and is held back until the client catches up.
    private var readHeld = false
    private var inputClosed = false
    private var drainScheduled = false
    private var processing = false
    private var sawInput = false
    private var timer: RepeatedTask?
    /// A multi-message response being sent (zone transfer); drained before the next query is read.
    private var stream: (any ResponseStream)?
    /// Stream messages sent since the loop last served other channels.
    private var streamBurst = 0
    /// A task is queued to go on with the stream; until it runs, nothing is sent.
    private var streamYielded = false

    init(
        state: TCPLoopState<Handler>, listener: IPEndpoint, maxQueries: Int, timeouts: TCPConnectionTimeouts,
        activity: TCPConnectionActivity, isBusy: @escaping @Sendable () -> Bool,
        onBlocked: @escaping (ChannelHandlerContext) -> Void = { _ in }
    ) {
        self.state = state
        self.listener = listener
        self.maxQueries = maxQueries
        self.timeouts = timeouts
        self.activity = activity
        self.isBusy = isBusy
        self.onBlocked = onBlocked
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { self.start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        self.start(context: context)
        context.fireChannelActive()
    }

    private func start(context: ChannelHandlerContext) {
        guard self.timer == nil else { return }
        if let remote = context.remoteAddress, let peer = IPEndpoint(remote) {
            self.peer = peer
        }
        self.updateIdle(now: .now(), context: context)
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        self.timer = context.eventLoop.scheduleRepeatedTask(
            initialDelay: self.timeouts.tick, delay: self.timeouts.tick
        ) { _ in
            let (handler, context) = loopBound.value
            handler.checkDeadlines(context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.timer?.cancel()
        self.timer = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.timer?.cancel()
        self.timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = self.unwrapInboundIn(data)
        if case .halfClosed = self.phase { return }  // the answers are all sent; the rest is discarded
        self.sawInput = true  // the idle time starts again once this is answered
        bytes.withUnsafeReadableBytes { self.framer.append($0) }
        self.processQueries(context: context)
    }

    func read(context: ChannelHandlerContext) {
        switch self.phase {
        case .halfClosed: context.read()  // to see the client's close
        case .draining: return
        case .open:
            if context.channel.isWritable {
                context.read()
            } else {
                self.readHeld = true
            }
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            self.blockedSince = nil
            self.activity.markBlocked(at: nil)
            self.processQueries(context: context)
            if self.readHeld, case .open = self.phase, context.channel.isWritable {
                self.readHeld = false
                context.read()
            }
        } else {
            if self.blockedSince == nil {
                let now = NIODeadline.now()
                self.blockedSince = now
                self.activity.markBlocked(at: Int64(now.uptimeNanoseconds))
            }
            self.updateIdle(now: .now(), context: context)
            self.onBlocked(context)
        }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is TCPEvictEvent {
            // A client that has left answers unread cannot take more: closed at once, the answers dropped.
            if self.blockedSince != nil {
                context.close(promise: nil)
            } else {
                self.beginClose(context: context)
            }
            return
        }
        if let event = event as? ChannelEvent, event == .inputClosed {
            self.inputClosed = true
            if case .halfClosed = self.phase {
                context.close(promise: nil)
                return
            }
            // The client has sent everything (half-close): answer what is complete, then close.
            self.processQueries(context: context)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // Resets and the like: nothing to tell the client, just release the connection.
        context.close(promise: nil)
    }

    /// Runs every tick: closes the connection when one of its deadlines has passed.
    private func checkDeadlines(context: ChannelHandlerContext) {
        let now = NIODeadline.now()
        switch self.phase {
        case .halfClosed(let deadline):
            if now >= deadline { context.close(promise: nil) }
            return
        case .draining(let since):
            // A client that stops reading while answers below the high-water mark wait for it.
            if now - since >= self.timeouts.idle {
                context.close(promise: nil)
                return
            }
        case .open:
            break
        }
        if let blocked = self.blockedSince {
            // Answers have waited a whole idle timeout (the busy one under load) for a client that reads
            // nothing: it cannot be served, and the output it holds is freed.
            let limit = self.isBusy() ? self.timeouts.busyIdle : self.timeouts.idle
            if now - blocked >= limit { context.close(promise: nil) }
            return
        }
        guard case .open = self.phase else { return }
        if let started = self.messageStarted, now - started >= self.timeouts.io {
            self.beginClose(context: context)
        } else if let idle = self.idleSince {
            let limit = self.isBusy() ? self.timeouts.busyIdle : self.timeouts.idle
            if now - idle >= limit { self.beginClose(context: context) }
        }
    }

    /// Stops taking new input; what is already read gets answered, then the output drains and the
    /// connection half-closes.
    private func beginClose(context: ChannelHandlerContext) {
        guard case .open = self.phase else { return }
        self.phase = .draining(.now())
        self.activity.markBusy()
        self.idleSince = nil
        self.processQueries(context: context)
    }

    /// Answers every complete message in the input while the client keeps up with reading.
    ///
    /// Flushing can make the channel writable again synchronously, re-entering through
    /// `channelWritabilityChanged`; the re-entrant call does nothing and this loop picks up the work instead.
    private func processQueries(context: ChannelHandlerContext) {
        if self.processing { return }
        self.processing = true
        defer { self.processing = false }
        while context.channel.isWritable {
            var wrote = false
            while context.channel.isWritable, let answer = self.nextOutput(context: context) {
                if let answer {
                    context.write(self.wrapOutboundOut(answer), promise: nil)
                    wrote = true
                }
            }
            guard wrote else { break }
            context.flush()
        }
        if self.stream != nil {  // resumes when writable again (or when its queued task runs)
            self.updateIdle(now: .now(), context: context)
            return
        }
        let now = NIODeadline.now()
        // A message still incomplete: its I/O deadline runs from its first byte, which arrived no
        // earlier than the read that brought it (set once, not moved by later bytes).
        if self.framer.isMidMessage {
            if self.messageStarted == nil { self.messageStarted = now }
        } else {
            self.messageStarted = nil
        }
        if case .open = self.phase {
            if self.maxQueries > 0 && self.answered >= self.maxQueries {
                self.phase = .draining(now)
            } else if self.inputClosed && !self.hasCompleteQuery {
                // After the client's half-close a trailing partial message can never complete.
                self.phase = .draining(now)
            }
        }
        if case .draining = self.phase, !self.hasCompleteQuery {
            self.drainAndHalfClose(context: context)
        }
        self.updateIdle(now: now, context: context)
    }

    /// Idle means nothing buffered either way: such a connection may be evicted, and the idle timeout runs.
    private func updateIdle(now: NIODeadline, context: ChannelHandlerContext) {
        let idle: Bool
        if case .open = self.phase {
            idle = self.framer.bufferedBytes == 0 && context.channel.isWritable && self.stream == nil
        } else {
            idle = false
        }
        defer { self.sawInput = false }
        if idle && (self.idleSince == nil || self.sawInput) {
            self.idleSince = now
            self.activity.markIdle(at: Int64(now.uptimeNanoseconds))
        } else if !idle && self.idleSince != nil {
            self.idleSince = nil
            self.activity.markBusy()
        }
    }

    private var hasCompleteQuery: Bool { self.framer.hasCompleteMessage }

    /// The next message of the stream in progress, else the answer to the next query.
    private func nextOutput(context: ChannelHandlerContext) -> ByteBuffer?? {
        if let stream = self.stream {
            if self.streamYielded { return nil }
            // A transfer is long (a large signed zone signs for seconds): every few messages, give the
            // event loop back to its other connections and carry on in a task queued behind them.
            if self.streamBurst >= 4 {
                self.streamBurst = 0
                self.streamYielded = true
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.execute {
                    let (handler, context) = bound.value
                    handler.streamYielded = false
                    if context.channel.isActive { handler.processQueries(context: context) }
                }
                return nil
            }
            self.streamBurst += 1
            if let buffer = stream.nextFramed(allocator: context.channel.allocator, scratch: self.state.response) {
                return .some(buffer)
            }
            self.stream = nil
        }
        return self.answerNextQuery(context: context)
    }

    /// Takes the next complete message off the input and answers it. Returns nil if no complete message is
    /// buffered, `.some(nil)` if the handler had no answer.
    private func answerNextQuery(context: ChannelHandlerContext) -> ByteBuffer?? {
        let allocator = context.channel.allocator
        guard let answer = self.framer.nextMessage({ self.answer($0, allocator: allocator) }) else { return nil }
        self.messageStarted = nil
        self.answered += 1
        return .some(answer)
    }

    /// Runs the handler and frames its answer, or returns nil if it has none.
    private func answer(_ query: UnsafeRawBufferPointer, allocator: ByteBufferAllocator) -> ByteBuffer? {
        let context = QueryContext(peer: self.peer, listener: self.listener, transport: .tcp)
        if let stream = self.state.handler.stream(for: query, context: context) {
            self.stream = stream
            return nil
        }
        let response = self.state.response
        guard let length = self.state.handler.respond(to: query, context: context, into: response),
            length > 0, length <= 65535
        else { return nil }
        var buffer = allocator.buffer(capacity: length + 2)
        buffer.writeInteger(UInt16(length))
        buffer.writeBytes(UnsafeRawBufferPointer(rebasing: response[0..<length]))
        return buffer
    }

    /// Once everything already written has reached the socket (an empty write completes only after the
    /// ones queued before it), sends FIN. A client that has closed its side is closed at once; otherwise
    /// its input is read and discarded until it closes, so that the kernel never answers unread input
    /// with a reset that would destroy answers the client has not read yet.
    private func drainAndHalfClose(context: ChannelHandlerContext) {
        if self.drainScheduled { return }
        self.drainScheduled = true
        self.framer = TCPFramer(capacity: 0)
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.writeAndFlush(self.wrapOutboundOut(ByteBuffer())).whenComplete { result in
            let (handler, context) = loopBound.value
            guard case .success = result, !handler.inputClosed else {
                context.close(promise: nil)
                return
            }
            handler.phase = .halfClosed(.now() + handler.timeouts.io)
            context.close(mode: .output, promise: nil)
            context.read()
        }
    }
}
