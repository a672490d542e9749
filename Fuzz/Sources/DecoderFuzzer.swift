import DNSWire

/// libFuzzer entry point for the message decoders.
///
/// Whatever the bytes, neither decoder may trap. When `Message(decoding:)` accepts them, the message
/// is encoded again and must decode to an equal message: names compare ignoring case, which is all
/// compression may lose. When `Query.decode` accepts them too, both decoders must agree on what the
/// question and the EDNS fields are.
@_cdecl("LLVMFuzzerTestOneInput")
public func decoderFuzzer(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let packet = Array(UnsafeRawBufferPointer(start: start, count: count))

    var query = Query()
    // An untyped closure: swiftc 6.3.1 crashes inlining a typed-throws one here under -O.
    let queryDecoded = (try? packet.withUnsafeBytes { buffer in try query.decode(buffer) }) != nil

    guard let message = try? Message(decoding: packet) else { return 0 }
    var writer = WireWriter(capacity: 512)
    guard message.encode(into: &writer) else { return 0 }  // grew past 64 KiB: cut, nothing to compare
    let again: Message
    do {
        again = try Message(decoding: writer.bytes)
    } catch {
        fatalError("re-encoded message does not decode: \(error)\n\(hex(writer.bytes))")
    }
    precondition(again == message, "re-encoded message differs:\n\(message)\n\(again)")

    if queryDecoded {
        let question = message.questions[0]
        precondition(query.name == question.name.lowercased().wire, "Query and Message disagree on QNAME")
        precondition(query.type == question.type && query.qclass == question.qclass)
        precondition(query.hasEDNS == (message.edns != nil))
        if let edns = message.edns {
            precondition(query.dnssecOK == edns.dnssecOK && query.udpPayloadSize == edns.udpPayloadSize)
            precondition(query.ednsVersion == edns.version)
            let cookie = edns.options.last { $0.code == EDNS.Option.cookie }
            precondition(query.cookie.map { Array(packet[$0]) } == cookie?.data, "Query and Message disagree on COOKIE")
        }
    }
    return 0
}

private func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef")
    return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] })
}
