#if canImport(Glibc)
import Glibc
#endif
import DNSSEC
import DNSWire
import DNSZone
import QueryPipeline

/// libFuzzer entry point for the whole query pipeline: bytes in, response out, as the server's
/// transports call it (`Responder.respond`), once as UDP and once as TCP.
///
/// Three zones are served: one signed with ECDSA P-256 and a full NSEC3 chain, one signed with
/// Ed25519 in NSEC3 narrow mode with a 64 KiB signature cache (so that it evicts), one unsigned;
/// between them they have wildcards, CNAME and DNAME, a referral with glue, a delegation with DS
/// and an RRset too big for UDP.
///
/// Invariants, for every input:
/// - no trap (and, under ASan, no memory error);
/// - nothing is sent exactly when the input is shorter than a header or has QR set;
/// - otherwise the response carries the query's id and opcode, QR, the query's RD and CD, at most
///   one question, and that question is the query's own (same octets once names are expanded);
///   NOERROR and NXDOMAIN responses have the question;
/// - it fits the limit: over UDP the client's EDNS size (512 without EDNS) and the buffer, over TCP
///   65535;
/// - it is well-formed by `StrictWalk` below, a separate walker that shares no code with DNSWire:
///   every name's pointers go strictly backwards, labels and names are within RFC 1035's limits,
///   every RDLENGTH is exact for the types it knows, OPT appears at most once and only in the
///   additional section, and nothing follows the last record;
/// - DNSWire's full `Message` decoder accepts it too (every RDATA parsed by type). That decoder is
///   the project's own, so it is a check of consistency, not independence: the walker is the
///   independent one. dnspython would be independent too, but calling out to it costs far more
///   per input than the pipeline itself.
///
/// Time per input is bounded by libFuzzer's `-timeout` (a hang is a crash) and shown by
/// `-report_slow_units` (Fuzz/run.sh passes both).
/// Builds the zones and keys before the first input, so that their allocations are not counted
/// against it.
@_cdecl("LLVMFuzzerInitialize")
public func pipelineFuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutableRawPointer) -> CInt {
    _ = fuzzState
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func pipelineFuzzer(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let packet = UnsafeRawBufferPointer(start: start, count: count)
    var query = Query()
    let decoded = (try? query.decode(packet)) != nil
    for transport in [TransportKind.udp, .tcp] {
        let capacity = transport == .udp ? 4096 : 65535
        let context = QueryContext(peer: peer, listener: listener, transport: transport)
        let length = fuzzState.responder.respond(to: packet, context: context, into: fuzzState.response)
        let ignored = count < 12 || packet[2] & 0x80 != 0
        guard let length else {
            precondition(ignored, "no response to a query")
            continue
        }
        precondition(!ignored, "a response to a runt or a response")
        let response = Array(fuzzState.response[0..<length])
        var limit = capacity
        if transport == .udp && decoded {
            limit = min(limit, query.hasEDNS ? max(512, Int(query.udpPayloadSize)) : 512)
        }
        precondition(length <= limit, "response of \(length) bytes over the limit \(limit)")
        check(response, answering: Array(packet))
        if verbose, let message = try? Message(decoding: response) {
            print(transport, message.rcode, message.answers.map(\.type), message.authority.map(\.type), length, "bytes")
        }
    }
    return 0
}

/// The header and question rules, then both decoders.
func check(_ response: [UInt8], answering packet: [UInt8]) {
    precondition(response.count >= 12, "response shorter than a header")
    precondition(response[0] == packet[0] && response[1] == packet[1], "id not echoed")
    precondition(response[2] & 0x80 != 0, "QR not set")
    precondition(response[2] & 0x78 == packet[2] & 0x78, "opcode not echoed")
    precondition(response[2] & 0x01 == packet[2] & 0x01, "RD not echoed")
    precondition(response[3] & 0x10 == packet[3] & 0x10, "CD not echoed")
    let walk: StrictWalk
    do {
        walk = try StrictWalk(response)
    } catch {
        preconditionFailure("malformed response (\(error.reason) at \(error.offset)): \(hex(response))")
    }
    precondition(walk.questions.count <= 1, "more than one question")
    let rcode = response[3] & 0x0F
    if rcode == 0 || rcode == 3 {
        precondition(walk.questions.count == 1, "an answer without its question")
    }
    if let echoed = walk.questions.first {
        // The query's question, read the same strict way: it must be there and be the same.
        let asked = try? StrictWalk.question(in: packet)
        precondition(asked == echoed, "question not echoed: \(hex(packet)) → \(hex(response))")
    }
    do {
        _ = try Message(decoding: response)
    } catch {
        preconditionFailure("Message does not decode the response (\(error)): \(hex(response))")
    }
}

/// A strict reading of a DNS message that shares nothing with DNSWire.
struct StrictWalk {
    struct Malformed: Error {
        var reason: String
        var offset: Int
    }

    /// Each question as expanded name octets (case kept) followed by type and class.
    var questions: [[UInt8]] = []

    init(_ bytes: [UInt8]) throws(Malformed) {
        let counts = (0..<4).map { Int(bytes[4 + 2 * $0]) << 8 | Int(bytes[5 + 2 * $0]) }
        var offset = 12
        for _ in 0..<counts[0] {
            var question = try Self.name(bytes, at: &offset)
            guard offset + 4 <= bytes.count else { throw Malformed(reason: "question cut short", offset: offset) }
            question += bytes[offset..<offset + 4]
            offset += 4
            questions.append(question)
        }
        var sawOPT = false
        for section in 1...3 {
            for _ in 0..<counts[section] {
                let owner = try Self.name(bytes, at: &offset)
                guard offset + 10 <= bytes.count else { throw Malformed(reason: "record cut short", offset: offset) }
                let type = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
                let length = Int(bytes[offset + 8]) << 8 | Int(bytes[offset + 9])
                offset += 10
                guard offset + length <= bytes.count else { throw Malformed(reason: "RDATA past the end", offset: offset) }
                if type == 41 {
                    guard section == 3, !sawOPT, owner == [0] else {
                        throw Malformed(reason: "OPT misplaced or repeated", offset: offset)
                    }
                    sawOPT = true
                }
                try Self.rdata(bytes, type: type, from: offset, to: offset + length)
                offset += length
            }
        }
        guard offset == bytes.count else { throw Malformed(reason: "bytes after the last record", offset: offset) }
    }

    /// The first question of a query, or an error if it has none or it is malformed.
    static func question(in bytes: [UInt8]) throws(Malformed) -> [UInt8] {
        guard bytes.count >= 12, bytes[4] != 0 || bytes[5] != 0 else { throw Malformed(reason: "no question", offset: 4) }
        var offset = 12
        var question = try name(bytes, at: &offset)
        guard offset + 4 <= bytes.count else { throw Malformed(reason: "question cut short", offset: offset) }
        question += bytes[offset..<offset + 4]
        return question
    }

    /// The expanded name at `offset` (which moves past it). Each pointer must point before the
    /// pointer itself, so following them ends; labels are at most 63 octets, names 255.
    static func name(_ bytes: [UInt8], at offset: inout Int, compressed: Bool = true) throws(Malformed) -> [UInt8] {
        var name: [UInt8] = []
        var position = offset
        var jumped = false
        while true {
            guard position < bytes.count else { throw Malformed(reason: "name past the end", offset: position) }
            let length = Int(bytes[position])
            switch length & 0xC0 {
            case 0:
                guard position + 1 + length <= bytes.count else { throw Malformed(reason: "label past the end", offset: position) }
                name += bytes[position...position + length]
                guard name.count <= 255 else { throw Malformed(reason: "name over 255 octets", offset: position) }
                position += 1 + length
                if length == 0 {
                    if !jumped { offset = position }
                    return name
                }
            case 0xC0:
                guard compressed else { throw Malformed(reason: "compressed where it may not be", offset: position) }
                guard position + 2 <= bytes.count else { throw Malformed(reason: "pointer past the end", offset: position) }
                let target = (length & 0x3F) << 8 | Int(bytes[position + 1])
                guard target < position else { throw Malformed(reason: "pointer not backwards", offset: position) }
                if !jumped { offset = position + 2 }
                jumped = true
                position = target
            default:
                throw Malformed(reason: "extended label type", offset: position)
            }
        }
    }

    /// RDATA of the types whose layout is fixed or made of names: exact lengths, valid names.
    static func rdata(_ bytes: [UInt8], type: Int, from start: Int, to end: Int) throws(Malformed) {
        var offset = start
        func fixed(_ count: Int) throws(Malformed) {
            guard end - offset >= count else { throw Malformed(reason: "RDATA of type \(type) too short", offset: offset) }
            offset += count
        }
        func name(compressed: Bool) throws(Malformed) {
            _ = try Self.name(bytes, at: &offset, compressed: compressed)
            guard offset <= end else { throw Malformed(reason: "name past its RDATA", offset: offset) }
        }
        switch type {
        case 1: try fixed(4)
        case 28: try fixed(16)
        case 2, 5, 12: try name(compressed: true)  // NS, CNAME, PTR
        case 39: try name(compressed: false)  // DNAME (RFC 6672 §2.5)
        case 15: try fixed(2); try name(compressed: true)  // MX
        case 6:  // SOA
            try name(compressed: true)
            try name(compressed: true)
            try fixed(20)
        case 46:  // RRSIG: signer uncompressed (RFC 4034 §3.1.7), then a signature
            try fixed(18)
            try name(compressed: false)
            guard end > offset else { throw Malformed(reason: "RRSIG without a signature", offset: offset) }
            offset = end
        case 47:  // NSEC: next name uncompressed, then the type bitmap
            try name(compressed: false)
            offset = end
        default:
            offset = end
        }
        guard offset == end else { throw Malformed(reason: "RDATA of type \(type) has bytes left", offset: offset) }
    }
}

/// The responder and its output buffer, built once per process.
final class FuzzState {
    var responder: Responder<NoStages>
    var edKeys: [Ed25519Key] = []
    let response = UnsafeMutableRawBufferPointer.allocate(byteCount: 65535, alignment: 16)

    init() {
        do {
            let signed = try Self.zone(signedZone, origin: "signed.test.")
            let narrow = try Self.zone(narrowZone, origin: "narrow.test.")
            let plain = try Self.zone(plainZone, origin: "plain.test.")
            let ecdsa = try ZoneSigner(
                zone: signed, keys: [ZoneKey(signingKey: try SigningKey.generate(.ecdsaP256SHA256), ksk: true)])
            // Held here as well: `SigningKey.ed25519` stores its case in the reference's spare
            // bits, which LeakSanitizer cannot read as a pointer, so it would call the keys leaked.
            let edKeys = [try Ed25519Key.generate(), try Ed25519Key.generate()]
            let ed25519 = try ZoneSigner(
                zone: narrow,
                keys: [
                    ZoneKey(signingKey: .ed25519(edKeys[0]), ksk: true),
                    ZoneKey(signingKey: .ed25519(edKeys[1]), ksk: false),
                ],
                // A small signature cache, so that narrow mode's per-query denials make it evict.
                configuration: SignerConfiguration(denial: .nsec3Narrow, cacheMemoryLimit: 64 << 10))
            let zones = ServingZones([(ecdsa.zone, ecdsa), (ed25519.zone, ed25519), (plain, nil)])
            responder = Responder(store: ZoneStore(zones))
            self.edKeys = edKeys
        } catch {
            fatalError("cannot set up the fuzzed zones: \(error)")
        }
    }

    static func zone(_ text: String, origin: String) throws -> Zone {
        let name = try DNSName(text: origin)
        let parsed = ZoneFileParser.parse(text: text, origin: name)
        guard parsed.isValid else { fatalError("fuzz zone \(origin) does not parse: \(parsed)") }
        return try Zone.build(origin: name, records: parsed.records).zone
    }
}

nonisolated(unsafe) let fuzzState = FuzzState()
/// FUZZ_VERBOSE=1 prints each response's rcode, sections and size, to see what an input does.
let verbose = getenv("FUZZ_VERBOSE") != nil
let peer = try! IPEndpoint(parsing: "192.0.2.1:5353")
let listener = try! IPEndpoint(parsing: "127.0.0.1:53")

let signedZone = """
    $TTL 3600
    @ SOA ns1 hostmaster 1 7200 3600 1209600 300
    @ NS ns1
    @ NS ns.plain.test.
    @ MX 10 mail
    ns1 A 192.0.2.53
    mail A 192.0.2.25
    mail AAAA 2001:db8::25
    www CNAME @
    alias CNAME www
    dangling CNAME nothing-here
    *.wild A 192.0.2.99
    *.wild TXT "wild"
    *.cwild CNAME mail
    _443._tcp.www.deep TLSA 3 1 1 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
    secure NS ns.secure
    secure DS 12345 13 2 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
    ns.secure A 192.0.2.77
    insecure NS ns.insecure
    ns.insecure A 192.0.2.78
    moved DNAME plain.test.
    Mixed.Case TXT "case"

    """

let narrowZone = """
    $TTL 300
    @ SOA ns hostmaster 7 3600 600 86400 60
    @ NS ns
    ns A 192.0.2.1
    ns AAAA 2001:db8::1
    a.b.c TXT "empty non-terminals above"
    *.any MX 0 .
    host SSHFP 4 2 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
    sub NS ns.sub
    ns.sub A 192.0.2.2

    """

let plainZone: String = {
    var text = """
        $TTL 60
        @ SOA ns1 hostmaster 3 7200 3600 1209600 60
        @ NS ns1
        ns1 A 192.0.2.10
        txt TXT "one" "two" "\\255\\000"
        child NS ns.child
        child NS ns2.child
        ns.child A 192.0.2.11
        ns2.child AAAA 2001:db8::11
        away DNAME signed.test.
        *.star CNAME txt
        srv SRV 0 5 5060 ns1

        """
    for index in 1...60 { text += "big A 198.51.100.\(index)\n" }
    return text
}()

private func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef")
    return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] })
}
