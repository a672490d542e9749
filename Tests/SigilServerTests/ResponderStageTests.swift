import DNSWire
import DNSZone
import QueryPipeline
import SigilServer
import Testing

@testable import SigilServerTestSupport

/// Stages slot into the pipeline without touching answer logic: each hook is seen in its place.
@Suite struct ResponderStageTests {
    /// Refuses names under `blocked.it.test`, before any answer is looked up.
    struct Refuser: QueryStage {
        var admitted = 0
        mutating func admit(_ query: Query, packet: UnsafeRawBufferPointer, context: QueryContext) -> StageDecision {
            admitted += 1
            let blocked: [UInt8] = [7] + Array("blocked".utf8) + [2] + Array("it".utf8) + [4] + Array("test".utf8) + [0]
            return query.name.suffix(blocked.count).elementsEqual(blocked) ? .respond(.refused) : .proceed
        }
    }

    /// Adds a 4-byte EDNS option (a private code) to every response with OPT, and drops the
    /// response to any TXT query after it was written.
    struct Tagger: QueryStage {
        static let code: UInt16 = 65001
        var optionsRoom: Int { 8 }
        mutating func writeOptions(for query: Query, context: QueryContext, into writer: inout WireWriter) -> Int {
            writer.writeUInt16(Tagger.code)
            writer.writeUInt16(4)
            writer.writeUInt32(0xC0FF_EE00)
            return 8
        }
        mutating func finish(
            _ response: inout WireWriter, query: Query, answer: Answer, context: QueryContext
        ) -> FinishDecision {
            query.type == .txt ? .drop : .send
        }
    }

    static func respond<S: QueryStage>(_ responder: inout Responder<S>, _ packet: [UInt8]) throws -> [UInt8]? {
        let context = try ResponderTests.context()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 8)
        defer { buffer.deallocate() }
        let count = packet.withUnsafeBytes { responder.respond(to: $0, context: context, into: buffer) }
        return count.map { Array(buffer[0..<$0]) }
    }

    @Test func stagesRunInOrderAroundTheAnswer() throws {
        let store = try ResponderTests.store()
        var plain = Responder(store: store)
        var staged = Responder(store: store, stages: StageChain(Refuser(), Tagger()))

        // An ordinary answer is the plain one, plus the option inside OPT (RDLENGTH and ARCOUNT
        // patched by the responder).
        let query = rawQuery(id: 7, name: "www.it.test", type: 1).withOPT()
        let expected = try Message(decoding: try #require(try Self.respond(&plain, query)))
        let tagged = try Message(decoding: try #require(try Self.respond(&staged, query)))
        #expect(tagged.answers == expected.answers && tagged.header == expected.header)
        #expect(tagged.edns?.options == [EDNS.Option(code: Tagger.code, data: [0xC0, 0xFF, 0xEE, 0x00])])
        #expect(expected.edns?.options == [])

        // admit: REFUSED before the zone is asked, with the option still added.
        let refused = try Message(
            decoding: try #require(
                try Self.respond(&staged, rawQuery(id: 8, name: "a.blocked.it.test", type: 1).withOPT())))
        #expect(refused.rcode == .refused && refused.answers.isEmpty && refused.edns?.options.count == 1)

        // finish: the written response is dropped.
        #expect(try Self.respond(&staged, rawQuery(id: 9, name: "www.it.test", type: 16)) == nil)
        #expect(staged.stages.first.admitted == 3)
    }
}
