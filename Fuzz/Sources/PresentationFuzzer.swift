import DNSWire

/// The types whose presentation parsers the fuzzer drives, plus two that only the RFC 3597
/// generic form (`\# length hex`) reaches.
private let types: [RRType] = [.a, .aaaa, .ns, .cname, .ptr, .dname, .soa, .mx, .txt, .rrsig, .nsec3]

private let origin = try! DNSName(text: "example.test.")

/// libFuzzer entry point for the presentation-format parsers.
///
/// The input, read as UTF-8, is parsed as a domain name and, split into fields, as the RDATA of each
/// type above. Nothing may trap, and whatever parses must print as text that parses back to the same
/// value, and serialize to wire bytes that decode back to the same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func presentationFuzzer(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)

    if let name = try? DNSName(text: text, origin: origin) {
        let reparsed = try? DNSName(text: name.text)
        precondition(reparsed?.wire == name.wire, "name \(name.text) does not parse back to the same bytes")
    }

    let fields = TextField.split(text)
    for type in types {
        guard let data = try? RData(type: type, fields: fields, origin: origin) else { continue }
        precondition(data.type == type)
        let printed = data.text
        let reparsed: RData
        do {
            reparsed = try RData(type: type, fields: TextField.split(printed), origin: nil)
        } catch {
            fatalError("\(type) \(printed) does not parse back: \(error)")
        }
        precondition(reparsed == data, "\(type) \(printed) parses back to \(reparsed.text)")

        let wire = data.wire
        let decoded: RData
        do {
            decoded = try withWireReader(wire) { (reader) throws(WireError) in
                try RData(type: type, decoding: &reader, length: wire.count)
            }
        } catch {
            fatalError("\(type) \(printed) serializes to wire data that does not decode: \(error)")
        }
        precondition(decoded == data, "\(type) \(printed) does not survive the wire")
    }
    return 0
}
