import DNSWire
import DNSZone

/// The hook for online DNSSEC signing, which `Sources/DNSSEC` will fill in.
///
/// A zone served with DNSSEC on gets a signer in its ``LoadedZone``. When a query has the DO bit
/// set and its answer comes from such a zone, the ``Responder`` lets the signer write the whole
/// response instead of the plain `AnswerEncoder`, so RRSIGs can follow each RRset and NSEC3
/// proofs can join the authority section. The responder still applies EDNS and truncation to
/// whatever is written, using the returned layout, so a signer need not know the client's size.
///
/// Signers are shared by every transport thread, so they must be thread-safe; one call must not
/// block (it runs on a socket thread) and should not allocate once its caches are warm.
public protocol ZoneSigner: AnyObject, Sendable {
    /// Writes the signed response to `query` (decoded from `packet`) for `answer` into `writer`,
    /// as `AnswerEncoder.encode(_:for:packet:into:)` does for an unsigned one.
    func encodeSigned(
        _ answer: Answer, for query: Query, packet: UnsafeRawBufferPointer, into writer: inout WireWriter
    ) -> AnswerEncoder.ResponseLayout
}
