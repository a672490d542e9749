extension Responder {
    /// Where the last query's TSIG record was in its packet, if it had one: read after `respond`, so
    /// the server can verify it and sign the response (or replace it with a TSIG error) off the
    /// unsigned path, which this costs one comparison.
    package var lastQueryTSIG: Range<Int>? { query.tsig }

    /// Where the last query's question ended in its packet.
    package var lastQuestionEnd: Int { query.questionEnd }

    /// The size limit the last query's response was fitted to, for the server to keep a signed
    /// answer within it.
    package func lastResponseLimit(_ transport: TransportKind, capacity: Int) -> Int {
        sizeLimit(transport, capacity: capacity)
    }
}
