import DNSWire
import DNSZone
import QueryPipeline

/// Test zones written as zone-file text, read by the real `ZoneFileParser` so the answer and
/// build tests see exactly the records a server would load from the same file.
enum TestZoneText {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The records of `text` read as the zone file "test.zone" with `origin` as its origin (nil:
    /// the text sets `$ORIGIN`, and the parser does not check that the SOA is at it). Any error
    /// fails the test (the thrown error carries every diagnostic); warnings are allowed.
    static func records(_ text: String, origin: DNSName?) throws -> [ResourceRecord] {
        let result = ZoneFileParser.parse(text: text, fileName: "test.zone", origin: origin)
        guard result.isValid else { throw Failure(description: "test zone does not parse:\n\(result)") }
        return result.records
    }

    static func zone(_ text: String, origin: String) throws -> Zone {
        let name = try DNSName(text: origin)
        return try Zone.build(origin: name, records: records(text, origin: name)).zone
    }
}

/// Runs a query through the whole path a server takes: encode a query packet, decode it with
/// `Query`, answer, encode with `ResponseEncoder`, and decode the response as a `Message`.
struct Responder {
    var zones: ZoneSet
    var answer = Answer()
    var encoder = ResponseEncoder()
    var writer = WireWriter()
    var query = Query()
    var layout: ResponseEncoder.ResponseLayout?

    init(_ zones: Zone...) { self.zones = ZoneSet(zones) }
    init(_ zones: [Zone]) { self.zones = ZoneSet(zones) }

    mutating func ask(
        _ name: String, _ type: RRType, id: UInt16 = 0x4242, flags: UInt16 = 0, room: Int = .max
    ) throws -> Message {
        let request = Message(
            header: Header(id: id, flags: flags), questions: [Question(name: try DNSName(text: name), type: type)])
        let packet = request.encoded()
        try packet.withUnsafeBytes { try query.decode($0) }
        zones.answer(name: query.name, type: query.type, into: &answer)
        layout = packet.withUnsafeBytes { encoder.encode(answer, for: query, packet: $0, room: room, into: &writer) }
        return try Message(decoding: writer.bytes)
    }
}

extension Message {
    var answerTexts: Set<String> { Set(answers.map(\.text)) }
    var authorityTexts: Set<String> { Set(authority.map(\.text)) }
    var additionalTexts: Set<String> { Set(additional.map(\.text)) }
}

/// A good zone's first five lines, for the zone-check tests; what a test adds starts on line 6.
let zoneCheckHead = """
    $ORIGIN example.test.
    $TTL 3600
    @ SOA ns1 host 1 7200 3600 1209600 300
    @ NS ns1
    ns1 A 192.0.2.1

    """
