import DNSWire
import QueryPipeline
import Testing

@testable import DNSZone
@testable import DNSZoneTestSupport

/// Each case of the answer logic, through the whole query → answer → encode → decode path.
@Suite struct AnswerTests {
    static let zoneText = """
        @ 3600 SOA ns1 hostmaster 1 7200 3600 1209600 300
        @ 3600 NS ns1
        @ 3600 NS ns2
        @ 3600 MX 10 mail
        @ 3600 TXT "apex"
        ns1 3600 A 192.0.2.1
        ns2 3600 AAAA 2001:db8::2
        mail 3600 A 192.0.2.25
        www 300 A 192.0.2.80
        alias 300 CNAME www
        chain1 300 CNAME chain2
        chain2 300 CNAME www
        loop1 300 CNAME loop2
        loop2 300 CNAME loop1
        dangling 300 CNAME nowhere
        outside 300 CNAME www.other.test.
        *.w 300 TXT "wild"
        *.w 300 MX 10 mail
        _25._tcp.host.w 300 TXT "below an ENT"
        *.wc 300 CNAME www
        inner 300 DNAME example.
        away 600 DNAME target.test.
        long 600 DNAME aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.test.
        sub 3600 NS ns.sub
        sub 3600 NS ns1
        ns.sub 3600 A 192.0.2.53
        unglued 3600 NS ns.other.test.
        secure 3600 NS ns1
        secure 3600 DS 12345 13 2 0102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F20
        """

    static let zone = try! TestZoneText.zone(zoneText, origin: "example.")

    var responder = Responder(AnswerTests.zone)

    func node(_ name: String) -> Int { Self.zone.node(named: try! DNSName(text: name))! }

    let soa = "example. 300 IN SOA ns1.example. hostmaster.example. 1 7200 3600 1209600 300"

    @Test mutating func exactMatch() throws {
        let response = try responder.ask("www.example.", .a)
        #expect(response.rcode == .noError && response.header.authoritative)
        #expect(response.answerTexts == ["www.example. 300 IN A 192.0.2.80"])
        #expect(response.authority.isEmpty && response.additional.isEmpty)
        #expect(responder.answer.kind == .positive(node: node("www.example.")))
    }

    @Test mutating func headerEchoesQueryAndQuestionCase() throws {
        let response = try responder.ask("WwW.ExAmple.", .a, id: 0xBEEF, flags: Header.rdBit | Header.cdBit)
        #expect(response.header.id == 0xBEEF && response.header.isResponse)
        #expect(response.header.recursionDesired && response.header.checkingDisabled)
        #expect(!response.header.recursionAvailable && response.header.opcode == .query)
        #expect(response.questions.map(\.name.wire) == [try DNSName(text: "WwW.ExAmple.").wire])
        #expect(response.answers.map(\.name.wire) == [try DNSName(text: "WwW.ExAmple.").wire])
        // The owner is a pointer to the question.
        let owner = 12 + response.questions[0].name.wireLength + 4
        #expect(responder.writer.bytes[owner] == 0xC0 && responder.writer.bytes[owner + 1] == 12)
    }

    @Test mutating func apexMXWithAdditional() throws {
        let response = try responder.ask("example.", .mx)
        #expect(response.answerTexts == ["example. 3600 IN MX 10 mail.example."])
        #expect(response.additionalTexts == ["mail.example. 3600 IN A 192.0.2.25"])
    }

    @Test mutating func apexNSWithAdditional() throws {
        let response = try responder.ask("example.", .ns)
        #expect(response.header.authoritative)
        #expect(response.answerTexts == ["example. 3600 IN NS ns1.example.", "example. 3600 IN NS ns2.example."])
        #expect(
            response.additionalTexts == ["ns1.example. 3600 IN A 192.0.2.1", "ns2.example. 3600 IN AAAA 2001:db8::2"])
    }

    @Test mutating func srvTargetGetsAdditional() throws {
        var records = try TestZoneText.records(Self.zoneText, origin: try DNSName(text: "example."))
        let target = try DNSName(text: "mail.example.")
        let srv = UnknownRData(type: .srv, data: [0, 10, 0, 20, 0x13, 0xC4] + target.wire)
        records.append(ResourceRecord(name: try DNSName(text: "_sip._tcp.example."), ttl: 60, data: .unknown(srv)))
        var responder = Responder(try Zone.build(origin: try DNSName(text: "example."), records: records).zone)
        let response = try responder.ask("_sip._tcp.example.", .srv)
        #expect(response.answers.count == 1)
        #expect(response.additionalTexts == ["mail.example. 3600 IN A 192.0.2.25"])
    }

    @Test mutating func cnameChain() throws {
        let response = try responder.ask("chain1.example.", .a)
        #expect(response.rcode == .noError && response.header.authoritative)
        #expect(
            response.answerTexts == [
                "chain1.example. 300 IN CNAME chain2.example.", "chain2.example. 300 IN CNAME www.example.",
                "www.example. 300 IN A 192.0.2.80",
            ])
        #expect(
            responder.answer.steps.map(\.kind) == [
                .cname(node: node("chain1.example.")), .cname(node: node("chain2.example.")),
                .positive(node: node("www.example.")),
            ])
    }

    @Test mutating func cnameQueryIsNotFollowed() throws {
        let response = try responder.ask("alias.example.", .cname)
        #expect(response.answerTexts == ["alias.example. 300 IN CNAME www.example."])
    }

    @Test mutating func cnameLoopStops() throws {
        let response = try responder.ask("loop1.example.", .a)
        #expect(response.rcode == .noError)
        #expect(
            response.answerTexts == [
                "loop1.example. 300 IN CNAME loop2.example.", "loop2.example. 300 IN CNAME loop1.example.",
            ])
    }

    @Test mutating func cnameToMissingNameIsNXDOMAIN() throws {
        let response = try responder.ask("dangling.example.", .a)
        #expect(response.rcode == .nxDomain && response.header.authoritative)
        #expect(response.answerTexts == ["dangling.example. 300 IN CNAME nowhere.example."])
        #expect(response.authorityTexts == [soa])
    }

    @Test mutating func cnameOutOfZoneEndsTheChain() throws {
        let response = try responder.ask("outside.example.", .a)
        #expect(response.rcode == .noError)
        #expect(response.answerTexts == ["outside.example. 300 IN CNAME www.other.test."])
        #expect(response.authority.isEmpty)
    }

    @Test mutating func dnameIntoTheZone() throws {
        let response = try responder.ask("WWW.inner.example.", .a)
        #expect(response.rcode == .noError && response.header.authoritative)
        #expect(
            response.answerTexts == [
                "inner.example. 300 IN DNAME example.", "WWW.inner.example. 300 IN CNAME www.example.",
                "www.example. 300 IN A 192.0.2.80",
            ])
        #expect(
            responder.answer.steps.map(\.kind) == [
                .dname(node: node("inner.example.")), .positive(node: node("www.example.")),
            ])
    }

    @Test mutating func dnameOutOfZone() throws {
        let response = try responder.ask("a.b.away.example.", .aaaa)
        #expect(
            response.answerTexts == [
                "away.example. 600 IN DNAME target.test.", "a.b.away.example. 600 IN CNAME a.b.target.test.",
            ])
        #expect(response.rcode == .noError && response.authority.isEmpty)
    }

    @Test mutating func dnameOwnerItself() throws {
        #expect(try responder.ask("away.example.", .dname).answerTexts == ["away.example. 600 IN DNAME target.test."])
        let nodata = try responder.ask("away.example.", .a)
        #expect(nodata.answers.isEmpty && nodata.authorityTexts == [soa])
    }

    @Test mutating func dnameOverflowIsYXDOMAIN() throws {
        let label = String(repeating: "c", count: 63)
        let response = try responder.ask("\(label).\(label).x.long.example.", .a)
        #expect(response.rcode == RCode(6))
        #expect(response.answers.map(\.type) == [.dname])
    }

    @Test mutating func wildcardSynthesis() throws {
        let response = try responder.ask("Foo.w.example.", .txt)
        #expect(response.rcode == .noError && response.header.authoritative)
        // The synthesized owner is the query name, in the query's case.
        #expect(response.answerTexts == ["Foo.w.example. 300 IN TXT \"wild\""])
        #expect(responder.answer.kind == .wildcard(source: node("*.w.example."), closestEncloser: node("w.example.")))
        let mx = try responder.ask("bar.w.example.", .mx)
        #expect(mx.additionalTexts == ["mail.example. 3600 IN A 192.0.2.25"])
    }

    @Test mutating func wildcardNoData() throws {
        let response = try responder.ask("foo.w.example.", .aaaa)
        #expect(response.rcode == .noError && response.answers.isEmpty && response.authorityTexts == [soa])
        #expect(
            responder.answer.kind == .wildcardNodata(source: node("*.w.example."), closestEncloser: node("w.example.")))
    }

    @Test mutating func wildcardCNAME() throws {
        let response = try responder.ask("x.wc.example.", .a)
        #expect(
            response.answerTexts == ["x.wc.example. 300 IN CNAME www.example.", "www.example. 300 IN A 192.0.2.80"])
        #expect(
            responder.answer.steps[0].kind
                == .wildcardCNAME(source: node("*.wc.example."), closestEncloser: node("wc.example.")))
    }

    @Test mutating func emptyNonTerminalBlocksTheWildcard() throws {
        for name in ["host.w.example.", "_tcp.host.w.example."] {
            let response = try responder.ask(name, .txt)
            #expect(response.rcode == .noError && response.answers.isEmpty, "\(name)")
            #expect(response.authorityTexts == [soa])
            #expect(responder.answer.kind == .nodata(node: node(name)))
        }
        let below = try responder.ask("x.host.w.example.", .txt)
        #expect(below.rcode == .nxDomain)
        #expect(responder.answer.kind == .nxdomain(closestEncloser: node("host.w.example.")))
    }

    @Test mutating func nxdomainAndNodata() throws {
        let nx = try responder.ask("nope.example.", .a)
        #expect(nx.rcode == .nxDomain && nx.header.authoritative && nx.answers.isEmpty)
        #expect(nx.authorityTexts == [soa])
        #expect(responder.answer.kind == .nxdomain(closestEncloser: Zone.apex))
        let nodata = try responder.ask("www.example.", .aaaa)
        #expect(nodata.rcode == .noError && nodata.header.authoritative && nodata.answers.isEmpty)
        #expect(nodata.authorityTexts == [soa])
    }

    @Test mutating func referralBelowADelegation() throws {
        for (name, type) in [("www.sub.example.", RRType.a), ("sub.example.", .ns), ("ns.sub.example.", .a)] {
            let response = try responder.ask(name, type)
            #expect(response.rcode == .noError && !response.header.authoritative, "\(name)")
            #expect(response.answers.isEmpty)
            #expect(
                response.authorityTexts == [
                    "sub.example. 3600 IN NS ns.sub.example.", "sub.example. 3600 IN NS ns1.example.",
                ])
            #expect(
                response.additionalTexts == [
                    "ns.sub.example. 3600 IN A 192.0.2.53", "ns1.example. 3600 IN A 192.0.2.1",
                ])
            #expect(responder.answer.kind == .referral(delegation: node("sub.example.")))
        }
        let unglued = try responder.ask("x.unglued.example.", .a)
        #expect(unglued.authorityTexts == ["unglued.example. 3600 IN NS ns.other.test."] && unglued.additional.isEmpty)
    }

    @Test mutating func dsAtADelegationIsAuthoritative() throws {
        let ds = try responder.ask("secure.example.", .ds)
        #expect(ds.rcode == .noError && ds.header.authoritative)
        #expect(ds.answers.map(\.type) == [.ds] && ds.authority.isEmpty)
        let none = try responder.ask("sub.example.", .ds)
        #expect(none.rcode == .noError && none.header.authoritative && none.answers.isEmpty)
        #expect(none.authorityTexts == [soa])
        let below = try responder.ask("www.sub.example.", .ds)
        #expect(!below.header.authoritative && below.authority.map(\.type) == [.ns, .ns])
    }

    @Test mutating func anyIsMinimal() throws {
        let apex = try responder.ask("example.", .any)
        #expect(apex.header.authoritative && apex.answers.map(\.type) == [.ns, .ns])
        let alias = try responder.ask("alias.example.", .any)
        #expect(alias.answerTexts == ["alias.example. 300 IN CNAME www.example."])
        let ent = try responder.ask("host.w.example.", .any)
        #expect(ent.answers.isEmpty && ent.authorityTexts == [soa])
    }

    @Test mutating func zoneSetPicksTheLongestMatchAndRefusesTheRest() throws {
        let child = try TestZoneText.zone(
            """
            @ 3600 SOA ns.sub hostmaster 1 7200 3600 1209600 60
            @ 3600 NS ns.sub
            @ 3600 DS 258 13 2 0102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F20
            ns 3600 A 192.0.2.53
            www 60 A 198.51.100.1
            """, origin: "sub.example.")
        var both = Responder(Self.zone, child)
        let www = try both.ask("www.sub.example.", .a)
        #expect(www.header.authoritative && www.answerTexts == ["www.sub.example. 60 IN A 198.51.100.1"])
        // DS at the child's apex comes from the parent when both are loaded.
        let ds = try both.ask("sub.example.", .ds)
        #expect(ds.header.authoritative && ds.answers.isEmpty && ds.authorityTexts == [soa])
        let ns = try both.ask("sub.example.", .ns)
        #expect(ns.header.authoritative && ns.answerTexts.count == 1)
        let refused = try both.ask("www.other.test.", .a)
        #expect(refused.rcode == .refused && !refused.header.authoritative)
        #expect(refused.questions.count == 1 && refused.answers.isEmpty && refused.authority.isEmpty)
        #expect(both.answer.kind == .refused)
    }

    @Test func zoneRefusesANameOutsideIt() throws {
        var answer = Answer()
        Self.zone.answer(name: try DNSName(text: "www.other.test.").wire, type: .a, into: &answer)
        #expect(answer.rcode == .refused && !answer.authoritative && answer.zone == nil && answer.steps.isEmpty)
    }

    @Test mutating func additionalThatDoesNotFitIsRolledBack() throws {
        let full = try responder.ask("example.", .ns)
        let layout = try #require(responder.layout)
        #expect(layout.answerCount == 2 && layout.authorityCount == 0 && layout.additionalCount == 2)
        #expect(Int(layout.answerCount) == full.answers.count && layout.additionalDropped == 0)
        // One byte short: the last additional RRset is rolled back, the one before it kept, and
        // the response is what it would have been without the last one (compression included).
        let fullSize = responder.writer.count
        let trimmed = try responder.ask("example.", .ns, room: fullSize - 1)
        let trimmedLayout = try #require(responder.layout)
        #expect(trimmedLayout.additionalCount == 1 && trimmedLayout.additionalDropped == 1)
        #expect(responder.writer.count < fullSize && !trimmed.header.truncated)
        #expect(trimmed.answers == full.answers && trimmed.additional == [full.additional[0]])
        // Answer and authority cannot shrink: the caller cuts to the question with TC.
        var writer = responder.writer
        ResponseEncoder.truncate(&writer, to: trimmedLayout)
        let questionOnly = try Message(decoding: writer.bytes)
        #expect(questionOnly.questions == full.questions && questionOnly.answers.isEmpty)
        #expect(questionOnly.additional.isEmpty)
        #expect(questionOnly.header.truncated && questionOnly.header.authoritative)
    }
}
