import QueryPipeline

/// libFuzzer entry point for the TCP framing (`TCPFramer`): the stream splitter a TCP connection
/// runs over what it reads.
///
/// The first input byte seeds how the rest, the stream, is cut into reads (1 to 4,096 bytes, as a
/// socket may deliver them) and how many messages are taken between reads (all of them, as the
/// transport does, or fewer, as when the client stops reading its answers). The messages must be
/// exactly those a plain reading of the whole stream finds, in order; what is left buffered must be
/// the unfinished tail, and `isMidMessage`, `hasCompleteMessage` and `nextLength` must agree with it.
@_cdecl("LLVMFuzzerTestOneInput")
public func tcpFramerFuzzer(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let input = UnsafeRawBufferPointer(start: start, count: count)
    var random = UInt64(input[0]) &* 0x9E37_79B9_7F4A_7C15 | 1
    let stream = UnsafeRawBufferPointer(rebasing: input[1...])

    // The reference: the messages of the whole stream, and where the unfinished tail begins.
    var expected: [Range<Int>] = []
    var offset = 0
    while offset + 2 <= stream.count {
        let length = Int(stream[offset]) << 8 | Int(stream[offset + 1])
        guard offset + 2 + length <= stream.count else { break }
        expected.append(offset + 2..<offset + 2 + length)
        offset += 2 + length
    }
    let tail = stream.count - offset

    var framer = TCPFramer(capacity: Int(input[0]) + 2)
    var taken = 0
    var fed = 0
    func take(_ limit: Int) {
        var n = 0
        while n < limit, framer.nextMessage({ (message) -> Void in
            precondition(taken < expected.count, "a message the stream does not hold")
            precondition(message.elementsEqual(stream[expected[taken]]), "message \(taken) differs")
        }) != nil {
            taken += 1
            n += 1
        }
    }
    while fed < stream.count {
        random ^= random << 13
        random ^= random >> 7
        random ^= random << 17
        let size = min(stream.count - fed, 1 + Int(random % (random & 0x100 == 0 ? 16 : 4096)))
        framer.append(UnsafeRawBufferPointer(rebasing: stream[fed..<fed + size]))
        fed += size
        take(random & 0x200 == 0 ? .max : Int(random >> 40 & 3))
        // Whatever is buffered is the stream from the first message not yet taken.
        let from = taken < expected.count ? expected[taken].lowerBound - 2 : offset
        precondition(framer.bufferedBytes == fed - from, "buffered \(framer.bufferedBytes), expected \(fed - from)")
    }
    take(.max)
    precondition(taken == expected.count, "\(taken) messages of \(expected.count)")
    precondition(framer.bufferedBytes == tail, "tail of \(framer.bufferedBytes), expected \(tail)")
    precondition(!framer.hasCompleteMessage && framer.isMidMessage == (tail > 0))
    if tail >= 2 {
        precondition(framer.nextLength == Int(stream[offset]) << 8 | Int(stream[offset + 1]))
    } else {
        precondition(framer.nextLength == nil)
    }
    return 0
}
