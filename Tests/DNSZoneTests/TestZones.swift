import DNSWire
import DNSZone

/// TEMPORARY: a minimal presentation-format reader for test zones, one record per line as
/// `owner TTL [IN] TYPE rdata...` (`@` is the origin, relative owners are completed with it, `;`
/// starts a comment outside quotes). It stands in until the real zone-file parser is merged;
/// replace its uses with that parser then.
enum TestZoneText {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func records(_ text: String, origin: DNSName) throws -> [ResourceRecord] {
        var records: [ResourceRecord] = []
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: true) {
            var fields = TextField.split(String(rawLine))
            if let comment = fields.firstIndex(where: { !$0.isQuoted && $0.text.hasPrefix(";") }) {
                fields.removeSubrange(comment...)
            }
            guard fields.count >= 3 else { continue }
            let owner = fields[0].text == "@" ? origin : try DNSName(text: fields[0].text, origin: origin)
            guard let ttl = TTL.parse(fields[1].text) else { throw Failure(description: "bad TTL in \(rawLine)") }
            var typeAt = 2
            if fields[typeAt].text.uppercased() == "IN" { typeAt += 1 }
            guard let type = RRType(text: fields[typeAt].text) else {
                throw Failure(description: "bad type in \(rawLine)")
            }
            let data = try RData(type: type, fields: Array(fields[(typeAt + 1)...]), origin: origin)
            records.append(ResourceRecord(name: owner, ttl: ttl, data: data))
        }
        return records
    }

    static func zone(_ text: String, origin: String) throws -> Zone {
        let name = try DNSName(text: origin)
        return try Zone.build(origin: name, records: records(text, origin: name)).zone
    }
}

/// Runs a query through the whole path a server takes: encode a query packet, decode it with
/// `Query`, answer, encode with `AnswerEncoder`, and decode the response as a `Message`.
struct Responder {
    var zones: ZoneSet
    var answer = Answer()
    var encoder = AnswerEncoder()
    var writer = WireWriter()
    var query = Query()
    var layout: AnswerEncoder.ResponseLayout?

    init(_ zones: Zone...) { self.zones = ZoneSet(zones) }
    init(_ zones: [Zone]) { self.zones = ZoneSet(zones) }

    mutating func ask(
        _ name: String, _ type: RRType, id: UInt16 = 0x4242, flags: UInt16 = 0
    ) throws -> Message {
        let request = Message(
            header: Header(id: id, flags: flags), questions: [Question(name: try DNSName(text: name), type: type)])
        let packet = request.encoded()
        try packet.withUnsafeBytes { try query.decode($0) }
        zones.answer(name: query.name, type: query.type, into: &answer)
        layout = packet.withUnsafeBytes { encoder.encode(answer, for: query, packet: $0, into: &writer) }
        return try Message(decoding: writer.bytes)
    }
}

extension Message {
    var answerTexts: Set<String> { Set(answers.map(\.text)) }
    var authorityTexts: Set<String> { Set(authority.map(\.text)) }
    var additionalTexts: Set<String> { Set(additional.map(\.text)) }
}
