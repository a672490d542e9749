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

/// One TCP connection: splits the byte stream into 2-byte length-prefixed messages (RFC 1035 §4.2.2),
/// answers each as soon as it is complete (so pipelined queries are answered in order, RFC 7766 §6.2.1.1),
/// and frames the answers the same way.
///
/// Backpressure: while the channel is not writable (the client is not reading its answers) no further
/// queries are answered and no further reads are issued, so at most one read's worth of input and one
/// write-buffer high-water mark of output are held per connection, however slow the client.
final class TCPConnectionHandler<Handler: DatagramHandler>: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let state: TCPLoopState<Handler>
    private let listener: IPEndpoint
    private let maxQueries: Int
    private var peer = IPEndpoint(address: .loopbackV4, port: 0)
    private var input: ByteBuffer?
    private var answered = 0
    /// No more queries will be processed; the connection closes once written answers are flushed.
    private var closing = false
    /// A read was requested while unwritable and is held back until the client catches up.
    private var readHeld = false
    private var inputClosed = false
    private var closeScheduled = false
    private var processing = false
    /// A multi-message response being sent (zone transfer); drained before the next query is read.
    private var stream: (any ResponseStream)?
    /// Stream messages sent since the loop last served other channels.
    private var streamBurst = 0
    /// A task is queued to go on with the stream; until it runs, nothing is sent.
    private var streamYielded = false

    init(state: TCPLoopState<Handler>, listener: IPEndpoint, maxQueries: Int) {
        self.state = state
        self.listener = listener
        self.maxQueries = maxQueries
    }

    func channelActive(context: ChannelHandlerContext) {
        if let remote = context.remoteAddress, let peer = IPEndpoint(remote) {
            self.peer = peer
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = self.unwrapInboundIn(data)
        if self.closing { return }
        if self.input == nil {
            self.input = bytes
        } else {
            self.input!.writeBuffer(&bytes)
        }
        self.processQueries(context: context)
    }

    func read(context: ChannelHandlerContext) {
        if self.closing { return }
        if context.channel.isWritable {
            context.read()
        } else {
            self.readHeld = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            self.processQueries(context: context)
            if self.readHeld && !self.closing && context.channel.isWritable {
                self.readHeld = false
                context.read()
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
            return
        }
        if let event = event as? ChannelEvent, event == .inputClosed {
            // The client has sent everything (half-close): answer what is complete, then close.
            self.inputClosed = true
            self.processQueries(context: context)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // Resets and the like: nothing to tell the client, just release the connection.
        context.close(promise: nil)
    }

    /// Answers every complete message in the input while the client keeps up with reading.
    ///
    /// Flushing can make the channel writable again synchronously, re-entering through
    /// `channelWritabilityChanged`; the re-entrant call does nothing and this loop picks up the work instead.
    private func processQueries(context: ChannelHandlerContext) {
        if self.processing { return }
        self.processing = true
        defer { self.processing = false }
        while (!self.closing || self.stream != nil) && context.channel.isWritable {
            var wrote = false
            while (!self.closing || self.stream != nil) && context.channel.isWritable,
                let answer = self.nextOutput(context: context)
            {
                if let answer {
                    context.write(self.wrapOutboundOut(answer), promise: nil)
                    wrote = true
                }
            }
            guard wrote else { break }
            context.flush()
        }
        // After a half-close, close once every complete query has been answered (a trailing partial message
        // can never complete). While unwritable, the rest waits for channelWritabilityChanged.
        if self.stream != nil { return }  // resumes when writable again
        if self.closing || (self.inputClosed && !self.hasCompleteQuery) {
            self.closeAfterPendingWrites(context: context)
        }
    }

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
            let response = self.state.response
            if let length = stream.next(into: response), length > 0, length <= 65535 {
                var buffer = context.channel.allocator.buffer(capacity: length + 2)
                buffer.writeInteger(UInt16(length))
                buffer.writeBytes(UnsafeRawBufferPointer(rebasing: response[0..<length]))
                return .some(buffer)
            }
            self.stream = nil
        }
        return self.closing ? nil : self.answerNextQuery(context: context)
    }

    private var hasCompleteQuery: Bool {
        guard let input = self.input, let length = input.getInteger(at: input.readerIndex, as: UInt16.self) else {
            return false
        }
        return input.readableBytes >= 2 + Int(length)
    }

    /// Takes the next complete message off the input and answers it. Returns nil if no complete message is
    /// buffered, `.some(nil)` if the handler had no answer.
    private func answerNextQuery(context: ChannelHandlerContext) -> ByteBuffer?? {
        guard let length = self.input?.getInteger(at: self.input!.readerIndex, as: UInt16.self),
            self.input!.readableBytes >= 2 + Int(length)
        else {
            if self.input?.readableBytes == 0 { self.input = nil }
            return nil
        }
        self.input!.moveReaderIndex(forwardBy: 2)
        let allocator = context.channel.allocator
        let answer: ByteBuffer? = self.input!.readWithUnsafeReadableBytes { raw in
            (Int(length), self.answer(UnsafeRawBufferPointer(rebasing: raw[0..<Int(length)]), allocator: allocator))
        }
        if self.input!.readableBytes == 0 {
            self.input = nil
        } else if self.input!.readerIndex > 32768 {
            self.input!.discardReadBytes()
        }
        self.answered += 1
        if self.answered >= self.maxQueries { self.closing = true }
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

    /// Closes once everything already written has reached the socket: an empty write completes only after
    /// the ones queued before it.
    private func closeAfterPendingWrites(context: ChannelHandlerContext) {
        self.closing = true
        if self.closeScheduled { return }
        self.closeScheduled = true
        let channel = context.channel
        context.writeAndFlush(self.wrapOutboundOut(ByteBuffer())).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}
