import DNSWire
import DNSZone

/// What a stage decides about a query before it is answered.
public enum StageDecision: Sendable, Equatable {
    /// Go on to the next stage, then to the answer.
    case proceed
    /// Answer with this rcode and no data (REFUSED for an ACL, BADCOOKIE, …).
    case respond(RCode)
    /// Send nothing (a rate limit's drop).
    case drop
}

/// What a stage decides about a written response before it is sent.
public enum FinishDecision: Sendable, Equatable {
    case send
    /// Send nothing after all.
    case drop
}

/// A step of the query pipeline that is not answer logic: access control, cookies, rate
/// limiting, TSIG, zone transfers. The responder runs the plan
///
///     decode → protocol checks → stages' `admit` → answer → encode (sign, trim) →
///     OPT (stages' `writeOptions` inside it) → stages' `finish` → send
///
/// so a stage sees the decoded query first and the finished response last, and answering knows
/// nothing of it. A stage lives in one worker thread, like the responder that owns it, so it may
/// keep mutable state without locks; shared tables are its own business. Every hook has a
/// do-nothing default, and a stage that is switched off should cost one branch.
public protocol QueryStage {
    /// Before the answer is looked up; `query` decoded without error, opcode QUERY, EDNS version
    /// 0 if any.
    mutating func admit(_ query: Query, packet: UnsafeRawBufferPointer, context: QueryContext) -> StageDecision

    /// Inside our OPT record, after its fixed part: EDNS options to send (a server cookie).
    /// Returns the bytes written. Called only when the query had an OPT record.
    mutating func writeOptions(for query: Query, context: QueryContext, into writer: inout WireWriter) -> Int

    /// The bytes `writeOptions` may add, reserved when the response is sized.
    var optionsRoom: Int { get }

    /// The whole response, OPT included, as it is about to be sent: a stage may change it (set
    /// TC for a rate limit's slip, append TSIG) or drop it. `answer` says what kind of answer it
    /// carries; it is empty for error responses.
    mutating func finish(
        _ response: inout WireWriter, query: Query, answer: Answer, context: QueryContext
    ) -> FinishDecision

    /// Before a DO answer is signed: may it make signatures that no cache holds (an
    /// `nsec3-narrow` cover of a new name)? If not, such an answer goes out as TC=1 with no data,
    /// so that only a client that can follow over TCP costs a signature (a signing budget).
    mutating func permitsFreshSignatures(query: Query, context: QueryContext) -> Bool

    /// After a DO answer is encoded: it made `count` (> 0) fresh signatures.
    mutating func spentFreshSignatures(_ count: Int, query: Query, context: QueryContext)
}

extension QueryStage {
    public mutating func admit(_ query: Query, packet: UnsafeRawBufferPointer, context: QueryContext) -> StageDecision {
        .proceed
    }

    public mutating func writeOptions(for query: Query, context: QueryContext, into writer: inout WireWriter) -> Int {
        0
    }

    public var optionsRoom: Int { 0 }

    public mutating func finish(
        _ response: inout WireWriter, query: Query, answer: Answer, context: QueryContext
    ) -> FinishDecision { .send }

    public mutating func permitsFreshSignatures(query: Query, context: QueryContext) -> Bool { true }

    public mutating func spentFreshSignatures(_ count: Int, query: Query, context: QueryContext) {}
}

/// No stages: the plain pipeline.
public struct NoStages: QueryStage {
    public init() {}
}

/// Two stages run in order, `first` then `then`; nest for more. Generic, so a chain is
/// specialised into straight-line code: no existential, no allocation per query.
public struct StageChain<First: QueryStage, Then: QueryStage>: QueryStage {
    public var first: First
    public var then: Then

    public init(_ first: First, _ then: Then) {
        self.first = first
        self.then = then
    }

    public mutating func admit(_ query: Query, packet: UnsafeRawBufferPointer, context: QueryContext) -> StageDecision {
        let decision = first.admit(query, packet: packet, context: context)
        guard decision == .proceed else { return decision }
        return then.admit(query, packet: packet, context: context)
    }

    public mutating func writeOptions(for query: Query, context: QueryContext, into writer: inout WireWriter) -> Int {
        first.writeOptions(for: query, context: context, into: &writer)
            + then.writeOptions(for: query, context: context, into: &writer)
    }

    public var optionsRoom: Int { first.optionsRoom + then.optionsRoom }

    public mutating func finish(
        _ response: inout WireWriter, query: Query, answer: Answer, context: QueryContext
    ) -> FinishDecision {
        guard first.finish(&response, query: query, answer: answer, context: context) == .send else { return .drop }
        return then.finish(&response, query: query, answer: answer, context: context)
    }

    public mutating func permitsFreshSignatures(query: Query, context: QueryContext) -> Bool {
        first.permitsFreshSignatures(query: query, context: context)
            && then.permitsFreshSignatures(query: query, context: context)
    }

    public mutating func spentFreshSignatures(_ count: Int, query: Query, context: QueryContext) {
        first.spentFreshSignatures(count, query: query, context: context)
        then.spentFreshSignatures(count, query: query, context: context)
    }
}
