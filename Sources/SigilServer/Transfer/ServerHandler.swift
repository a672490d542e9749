import QueryPipeline

/// What the transports call: the query pipeline for ordinary queries, the ``TransferService`` for
/// what is not one — zone transfers over TCP (streamed) and messages whose opcode is not QUERY
/// (NOTIFY; UPDATE when served). The UDP hot path pays one byte test for the opcode.
public struct ServerHandler<Stages: QueryStage>: DatagramHandler {
    var responder: Responder<Stages>
    let transfers: TransferService?

    public init(responder: Responder<Stages>, transfers: TransferService?) {
        self.responder = responder
        self.transfers = transfers
    }

    public mutating func respond(
        to query: UnsafeRawBufferPointer, context: QueryContext, into response: UnsafeMutableRawBufferPointer
    ) -> Int? {
        // QR clear and opcode NOTIFY (4) or UPDATE (5); other opcodes get the pipeline's NOTIMP.
        if let transfers, query.count >= 12, query[2] & 0x80 == 0,
            (query[2] >> 3) & 0xF == 4 || (query[2] >> 3) & 0xF == 5,
            let length = transfers.respond(to: query, context: context, into: response)
        {
            return length
        }
        let length = responder.respond(to: query, context: context, into: response)
        // IXFR over UDP (RFC 1995 §2): the pipeline refuses transfers; only then look closer.
        if let transfers, let length, length >= 4, response[3] & 0xF == 5,
            let ixfr = transfers.respondToIXFROverUDP(query, context: context, into: response)
        {
            return ixfr
        }
        // A signed query (SOA refresh checks of secondaries): verify, then sign the answer or
        // replace it with the TSIG error. Unsigned queries pay one comparison.
        if let transfers, let length, let range = responder.lastQueryTSIG {
            return transfers.signAnswer(
                to: query, tsig: range, questionEnd: responder.lastQuestionEnd, answer: response, length: length,
                limit: responder.lastResponseLimit(context.transport, capacity: response.count))
        }
        return length
    }

    public mutating func stream(for query: UnsafeRawBufferPointer, context: QueryContext) -> (any ResponseStream)? {
        transfers?.stream(for: query, context: context)
    }
}
