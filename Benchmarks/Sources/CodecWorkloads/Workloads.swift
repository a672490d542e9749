import DNSWire
import DNSZone
import QueryPipeline

/// The operations the codec benchmarks time, shared by `CodecBenchmarks` (wall clock and
/// allocations) and `CodecProfile` (instruction counts under callgrind), so both measure the same
/// code. `CodecProfile` picks them by name, so each needs an initializer without arguments.
public protocol CodecWorkload: Workload {
    init() throws
}

/// `Query.decode` of a query into a reused `Query`: by default the 45-byte query; `costliest` is
/// the query that costs the decoder the most among those it accepts.
public struct QueryDecodeWorkload: CodecWorkload {
    var query = Query()
    let packet: [UInt8]

    public init(packet: [UInt8]) { self.packet = packet }

    public init() throws { self.init(packet: Packets.query) }

    public static func costliest() throws -> QueryDecodeWorkload {
        QueryDecodeWorkload(packet: try Packets.hostile("costliest"))
    }

    public mutating func run(_ iterations: Int) {
        packet.withUnsafeBytes { packet in
            for _ in 0..<iterations {
                do {
                    try query.decode(packet)
                } catch {
                    fatalError("query does not decode: \(error)")
                }
            }
        }
    }

    public var result: Int { query.dnssecOK ? 1 : 0 }
}

/// `Message.encode(into:limit:)` of a decoded message into a reused writer, compression on, with
/// the 1232-byte limit of a UDP answer: the generic path (tools, tests, anything off the server).
public struct MessageEncodeWorkload: CodecWorkload {
    let message: Message
    var writer = WireWriter(capacity: 4096)

    public init(packet: [UInt8]) throws {
        message = try Message(decoding: packet)
        precondition(message.encode(into: &writer, limit: 1232), "the answer must fit")
        precondition(writer.bytes == packet, "the encoder must give dnspython's bytes back")
    }

    public init() throws { try self.init(packet: Packets.positive) }

    public mutating func run(_ iterations: Int) {
        for _ in 0..<iterations { message.encode(into: &writer, limit: 1232) }
    }

    public var result: Int { writer.count }
}

/// The server's own encode path for the same answer: `ResponseEncoder` over a `Zone` built from the
/// packet's records (RRSIG and NSEC3 RDATA pre-encoded in the zone's RRsets, SOA written field by
/// field for compression), the question echoed from the query packet, then OPT appended the way the
/// server does. The signatures are added to the `Answer` here as the DNSSEC layer would.
public struct ServerEncodeWorkload: CodecWorkload {
    let zones: ZoneSet
    let query: [UInt8]
    var decoded = Query()
    var answer = Answer()
    var encoder = ResponseEncoder()
    var writer = WireWriter(capacity: 4096)
    /// The OPT record's class (payload size) and TTL (extended RCODE, version, flags) as sent.
    let optPayload: UInt16
    let optTTL: UInt32

    public init(packet: [UInt8]) throws {
        let message = try Message(decoding: packet)
        let edns = message.edns ?? EDNS()
        optPayload = edns.udpPayloadSize
        optTTL = UInt32(edns.version) << 16 | (edns.dnssecOK ? 0x8000 : 0) | UInt32(edns.otherFlags)
        let origin = try DNSName(text: "example.test.")
        var records = message.answers + message.authority
        // The apex records a zone needs to load, where the packet does not carry them.
        let soa = "ns1.example.test. hostmaster.example.test. 2024010101 7200 900 1209600 300"
        for (type, text) in [(RRType.soa, soa), (.ns, "ns1.example.test.")]
        where !records.contains(where: {
            $0.type == type
        }) {
            let data = try RData(type: type, fields: TextField.split(text), origin: origin)
            records.append(ResourceRecord(name: origin, ttl: 300, data: data))
        }
        let zone = try Zone.build(origin: origin, records: records).zone
        zones = ZoneSet([zone])
        var request = Message(header: Header(id: message.header.id), questions: message.questions)
        request.header.recursionDesired = message.header.recursionDesired
        request.edns = EDNS(udpPayloadSize: 1232, dnssecOK: true)
        query = request.encoded()
        self.decoded = try Query.decoded(from: query)
        zones.answer(name: decoded.name, type: decoded.type, into: &answer)
        ServerEncodeWorkload.addSignatures(to: &answer, from: zone, like: message)
        run(1)
        // Same records, same order, same compression: byte for byte what dnspython wrote.
        precondition(writer.bytes == packet, "the server path must give dnspython's bytes back")
    }

    public init() throws { try self.init(packet: Packets.positive) }

    /// Rebuilds the answer and authority sections in the packet's order, RRSIGs included, from the
    /// zone's RRsets: what the DNSSEC layer will do on top of the answer logic.
    static func addSignatures(to answer: inout Answer, from zone: Zone, like message: Message) {
        func section(_ records: [ResourceRecord]) -> [AnswerRRset] {
            var result: [AnswerRRset] = []
            for record in records {
                let node = zone.node(named: record.name)!
                let index = zone.rrset(at: node, type: record.type)!
                let item = AnswerRRset(owner: .node(node), content: .rrset(index), ttl: record.ttl)
                if result.last != item { result.append(item) }
            }
            return result
        }
        answer.answer = section(message.answers)
        answer.authority = section(message.authority)
    }

    public mutating func run(_ iterations: Int) {
        let query = self.query
        query.withUnsafeBytes { packet in
            for _ in 0..<iterations { respond(to: packet) }
        }
    }

    /// One response, the way `Responder` makes it: a mutating method that passes its stored
    /// `answer` and `decoded` query to the encoder. (Inside a closure capturing `self`, the
    /// compiler copied both on every call, retaining each of their arrays: not what the server
    /// does, and a third of the encoder's own cost.)
    mutating func respond(to packet: UnsafeRawBufferPointer) {
        encoder.encode(answer, for: decoded, packet: packet, into: &writer)
        // OPT, as the server appends it (one append): root owner, type 41, payload, flags, no options.
        let (payload, ttl) = (optPayload, optTTL)
        writer.writeRaw(count: 11) { out in
            out.storeBytes(of: 0, as: UInt8.self)
            out.storeBytes(of: UInt16(41).bigEndian, toByteOffset: 1, as: UInt16.self)
            out.storeBytes(of: payload.bigEndian, toByteOffset: 3, as: UInt16.self)
            out.storeBytes(of: ttl.bigEndian, toByteOffset: 5, as: UInt32.self)
            out.storeBytes(of: 0, toByteOffset: 9, as: UInt16.self)
        }
        writer.patchUInt16(1, at: 10)
    }

    public var result: Int { writer.count }
}

/// `DNSName(text:)`.
public struct NameParseWorkload: CodecWorkload {
    var last = DNSName.root

    public init() throws {}

    public mutating func run(_ iterations: Int) {
        for _ in 0..<iterations { last = try! DNSName(text: "www.example.test.") }
    }

    public var result: Int { last.wireLength }
}

/// `<` in canonical order of two names equal but for case up to the last label compared.
public struct CanonicalCompareWorkload: CodecWorkload {
    let left: DNSName
    let right: DNSName
    var less = 0

    public init() throws {
        left = try DNSName(text: "a.b.www.Example.TEST.")
        right = try DNSName(text: "a.c.www.example.test.")
    }

    public mutating func run(_ iterations: Int) {
        for _ in 0..<iterations where left < right { less &+= 1 }
    }

    public var result: Int { less }
}
