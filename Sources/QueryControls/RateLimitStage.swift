import DNSWire
import DNSZone
import QueryPipeline

/// Response rate limiting, with the semantics BIND, Knot (`mod-rrl`) and NSD share.
public struct RateLimitConfiguration: Sendable, Equatable {
    public var responsesPerSecond: Int = 20
    /// Every `slip`th limited response goes out as TC=1 with no data; the others are dropped.
    /// 0: drop them all; 1: truncate them all.
    public var slip: Int = 2
    /// Seconds a bucket's count is kept against other responses that hash to it.
    public var windowSeconds: Int = 15
    public var clients = ClientGrouping()

    public init() {}
}

/// Counts UDP responses per client prefix and per response class in a shared `BucketTable`, and
/// drops or slips (TC=1, no data) the ones over the rate. The classes:
///
/// - a positive answer (CNAME and DNAME included): per query name and type;
/// - NXDOMAIN and NODATA: per zone, so random names share one bucket;
/// - a referral: per delegation; a wildcard answer: per wildcard;
/// - errors (FORMERR, REFUSED, …): one bucket per client prefix.
///
/// TCP is never limited (its source is not spoofed), nor are exempt prefixes, nor clients that
/// returned a valid server cookie (`AbuseControls` says so).
public struct RateLimitStage {
    let configuration: RateLimitConfiguration
    let table: BucketTable
    /// Limited responses seen by this worker, for the slip.
    var limited = 0
    /// Whether the last response counted was slipped.
    var slipped = false
    /// The key of the response being counted: class, client prefix, then name or node.
    var scratch: [UInt8]

    enum ResponseClass: UInt8 {
        case positive = 1
        case denial, referral, wildcard, error
    }

    init(_ configuration: RateLimitConfiguration, table: BucketTable) {
        self.configuration = configuration
        self.table = table
        scratch = []
        scratch.reserveCapacity(32 + DNSName.maxWireLength)
    }

    /// Counts the response and decides: send, slip (the response cut to TC=1), or drop.
    mutating func finish(
        _ response: inout WireWriter, query: Query, answer: Answer, context: QueryContext
    ) -> FinishDecision {
        slipped = false
        guard context.transport == .udp, !configuration.clients.isExempt(context.peer.address) else { return .send }
        let (high, low) = configuration.clients.key(context.peer.address)
        scratch.removeAll(keepingCapacity: true)
        withUnsafeBytes(of: high) { scratch.append(contentsOf: $0) }
        withUnsafeBytes(of: low) { scratch.append(contentsOf: $0) }
        switch answer.kind {
        case .positive, .cname, .dname:
            scratch.append(ResponseClass.positive.rawValue)
            scratch.append(UInt8(truncatingIfNeeded: query.type.rawValue >> 8))
            scratch.append(UInt8(truncatingIfNeeded: query.type.rawValue))
            scratch.append(contentsOf: query.name)
        case .nxdomain, .nodata:
            scratch.append(ResponseClass.denial.rawValue)
            appendWord(answer.zoneIndex)
        case .referral(let delegation):
            scratch.append(ResponseClass.referral.rawValue)
            appendWord(answer.zoneIndex)
            appendWord(delegation)
        case .wildcard(let source, _), .wildcardCNAME(let source, _), .wildcardNodata(let source, _):
            scratch.append(ResponseClass.wildcard.rawValue)
            appendWord(answer.zoneIndex)
            appendWord(source)
        case .nameTooLong, .refused:
            scratch.append(ResponseClass.error.rawValue)
        }
        let (index, tag) = scratch.withUnsafeBytes { table.locate($0) }
        let now = UInt16(truncatingIfNeeded: ControlClock.monotonicSeconds())
        if table.take(
            index: index, tag: tag, now: now, rate: Int32(configuration.responsesPerSecond),
            window: UInt16(configuration.windowSeconds))
        {
            return .send
        }
        limited &+= 1
        guard configuration.slip > 0, limited % configuration.slip == 0 else { return .drop }
        // No data to reflect; a real client retries over TCP (AbuseControls puts OPT back).
        ResponseEncoder.truncate(&response, questionEnd: query.questionEnd)
        slipped = true
        return .send
    }

    @inline(__always)
    mutating func appendWord(_ value: Int) {
        withUnsafeBytes(of: UInt32(truncatingIfNeeded: value)) { scratch.append(contentsOf: $0) }
    }
}
