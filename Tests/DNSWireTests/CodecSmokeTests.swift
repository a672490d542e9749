import Testing

@testable import DNSWire

@Suite struct CodecSmokeTests {
    @Test func messageRoundTripsWithCompression() throws {
        let zone = try DNSName(text: "example.test.")
        let www = try DNSName(text: "www.example.test.")
        var message = Message(header: Header(id: 0x1234, flags: Header.qrBit | Header.aaBit))
        message.questions = [Question(name: www, type: .mx)]
        message.answers = [
            ResourceRecord(
                name: www, ttl: 300, data: .mx(MX(preference: 10, exchange: try DNSName(text: "mx.example.test.")))),
            ResourceRecord(name: www, ttl: 300, data: .txt(TXT(strings: [Array("v=spf1 -all".utf8), []]))),
        ]
        message.authority = [
            ResourceRecord(
                name: zone, ttl: 3600,
                data: .soa(
                    SOA(
                        mname: try DNSName(text: "ns1.example.test."),
                        rname: try DNSName(text: "hostmaster.example.test."),
                        serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 5)))
        ]
        message.edns = EDNS(udpPayloadSize: 1232, dnssecOK: true, options: [.init(code: 10, data: Array(0..<8))])
        let wire = message.encoded()
        // The answers' owner is a pointer back to the question name at offset 12.
        let question = 12 + message.questions[0].name.wireLength + 4
        #expect(wire[question] == 0xC0 && wire[question + 1] == 12)
        var decoded = try Message(decoding: wire)
        #expect(decoded.header.answerCount == 2 && decoded.header.additionalCount == 1)
        decoded.header = message.header
        #expect(decoded == message)
    }

    @Test func queryDecodesWithoutCopyingOptions() throws {
        var message = Message(header: Header(id: 7, flags: Header.rdBit))
        message.questions = [Question(name: try DNSName(text: "WWW.Example.Test."), type: .a)]
        message.edns = EDNS(udpPayloadSize: 4096, dnssecOK: true, options: [.init(code: 10, data: Array(0..<8))])
        let wire = message.encoded()
        var query = Query()
        try wire.withUnsafeBytes { try query.decode($0) }
        #expect(query.id == 7)
        #expect(query.recursionDesired)
        #expect(query.questionName.text == "www.example.test.")
        #expect(query.type == .a)
        #expect(query.hasEDNS && query.dnssecOK && query.udpPayloadSize == 4096)
        #expect(query.cookie.map { Array(wire[$0]) } == Array(0..<8))
    }

    @Test func truncationKeepsQuestionAndOPT() throws {
        let name = try DNSName(text: "big.example.test.")
        var message = Message(header: Header(id: 1, flags: Header.qrBit))
        message.questions = [Question(name: name, type: .a)]
        message.answers = (0..<40).map { ResourceRecord(name: name, ttl: 60, data: .a(A(10, 0, 0, UInt8($0)))) }
        message.edns = EDNS()
        var writer = WireWriter()
        #expect(!message.encode(into: &writer, limit: 512))
        let decoded = try Message(decoding: writer.bytes)
        #expect(decoded.header.truncated)
        #expect(decoded.answers.isEmpty && decoded.edns != nil && decoded.questions.count == 1)
    }
}
