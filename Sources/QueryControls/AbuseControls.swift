import DNSWire
import DNSZone
import QueryPipeline

/// The open-internet controls as one pipeline stage: DNS cookies, response rate limiting and
/// the signing budget. One stage rather than three, because the cookie's verdict (the client's
/// address is its own) exempts it from the other two. Each control that is off costs one branch.
public struct AbuseControls: QueryStage {
    var cookies: CookieStage?
    var rateLimit: RateLimitStage?
    var budget: SigningBudgetStage?

    init(_ plan: AbuseControlsPlan) {
        cookies = plan.cookies.map { CookieStage(secrets: $0) }
        rateLimit = plan.rateLimit.map { RateLimitStage($0.0, table: $0.1) }
        budget = plan.budget.map { SigningBudgetStage($0.0, perClient: $0.1, global: $0.2) }
    }

    /// Whether this query's client returned a valid server cookie.
    var verified: Bool { cookies?.verified ?? false }

    public mutating func admit(_ query: Query, packet: UnsafeRawBufferPointer, context: QueryContext) -> StageDecision {
        guard cookies != nil else { return .proceed }
        return cookies!.admit(query, packet: packet, context: context)
    }

    public mutating func writeOptions(for query: Query, context: QueryContext, into writer: inout WireWriter) -> Int {
        guard cookies != nil else { return 0 }
        return cookies!.writeOptions(for: query, context: context, into: &writer)
    }

    /// Room only when a cookie will be written (admit has run), so answers near the size limit keep
    /// their additional records when the query carried no cookie.
    public var optionsRoom: Int {
        guard let state = cookies?.state, state == .fresh || state == .good else { return 0 }
        return CookieStage.optionSize
    }

    public mutating func finish(
        _ response: inout WireWriter, query: Query, answer: Answer, context: QueryContext
    ) -> FinishDecision {
        defer { cookies?.state = .none }
        guard rateLimit != nil, !verified else { return .send }
        let decision = rateLimit!.finish(&response, query: query, answer: answer, context: context)
        if rateLimit!.slipped && query.hasEDNS {
            // The slip keeps OPT, with a fresh server cookie: a real client can come back over
            // UDP with it, and a valid cookie is never rate limited.
            let lengthAt = ResponseEncoder.appendOPT(to: &response, query: query, rcode: answer.rcode)
            let options = cookies == nil ? 0 : cookies!.writeOptions(for: query, context: context, into: &response)
            if options > 0 { response.patchUInt16(UInt16(options), at: lengthAt) }
        }
        return decision
    }

    public mutating func permitsFreshSignatures(query: Query, context: QueryContext) -> Bool {
        guard budget != nil, !verified else { return true }
        return budget!.permits(context: context)
    }

    public mutating func spentFreshSignatures(_ count: Int, query: Query, context: QueryContext) {
        guard budget != nil, !verified else { return }
        budget!.spent(count, context: context)
    }
}

/// What every worker's `AbuseControls` share: the cookie secrets and the counter tables. Made
/// once at start; `makeStage` makes a worker's stage.
public struct AbuseControlsPlan: Sendable {
    let cookies: CookieSecrets?
    let rateLimit: (RateLimitConfiguration, BucketTable)?
    let budget: (SigningBudgetConfiguration, BucketTable, BucketTable)?

    public init(
        cookies: CookieSecrets? = nil, rateLimit: RateLimitConfiguration? = nil,
        signingBudget: SigningBudgetConfiguration? = nil
    ) {
        self.cookies = cookies
        self.rateLimit = rateLimit.map { ($0, BucketTable()) }
        self.budget = signingBudget.map { ($0, BucketTable(), BucketTable(count: 1)) }
    }

    /// No control on: the stage costs a branch per hook.
    public var isEmpty: Bool { cookies == nil && rateLimit == nil && budget == nil }
    public var rateLimited: Bool { rateLimit != nil }
    public var cookieSecrets: CookieSecrets? { cookies }

    public func makeStage() -> AbuseControls { AbuseControls(self) }
}
