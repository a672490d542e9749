import QueryPipeline

/// How many fresh signatures a second the server makes for UDP clients without a valid cookie.
public struct SigningBudgetConfiguration: Sendable, Equatable {
    /// For all such clients together.
    public var global: Int = 1000
    /// For each client prefix.
    public var perClient: Int = 100
    public var clients = ClientGrouping()

    public init() {}
}

/// A budget for fresh signatures. In `nsec3-narrow` mode every new name costs one signature (the
/// NSEC3 covering its next closer name), so a random-subdomain flood is a CPU flood. Over the
/// global or the client prefix's budget, an answer that needs such a signature goes out as TC=1
/// with no data: a resolver follows over TCP, a spoofed source cannot. Signatures already cached
/// are never limited; TCP, exempt prefixes and clients with a valid cookie are not counted.
///
/// Tokens are taken after the answer, for the signatures it made, so a burst between two
/// workers' checks can overshoot by a few signatures per worker.
public struct SigningBudgetStage {
    let configuration: SigningBudgetConfiguration
    let perClient: BucketTable
    let global: BucketTable
    /// The client's bucket, found by `permits` and charged by `spent`.
    var index = 0
    var tag: UInt32 = 0
    /// Whether `permits` found the query counted (UDP, not exempt): `spent` does not look again.
    var counted = false

    static let globalKey: (UInt64, UInt64) = (0, 0)

    init(_ configuration: SigningBudgetConfiguration, perClient: BucketTable, global: BucketTable) {
        self.configuration = configuration
        self.perClient = perClient
        self.global = global
    }

    var now: UInt16 { UInt16(truncatingIfNeeded: ControlClock.monotonicSeconds()) }

    mutating func permits(context: QueryContext) -> Bool {
        counted = context.transport == .udp && !configuration.clients.isExempt(context.peer.address)
        guard counted else { return true }
        var key = configuration.clients.key(context.peer.address)
        (index, tag) = withUnsafeBytes(of: &key) { perClient.locate($0) }
        let now = self.now
        return global.hasToken(index: 0, tag: 1, now: now, rate: Int32(configuration.global), window: 1)
            && perClient.hasToken(index: index, tag: tag, now: now, rate: Int32(configuration.perClient), window: 1)
    }

    mutating func spent(_ count: Int, context: QueryContext) {
        guard counted else { return }
        let now = self.now
        _ = global.take(Int32(count), index: 0, tag: 1, now: now, rate: Int32(configuration.global), window: 1)
        _ = perClient.take(
            Int32(count), index: index, tag: tag, now: now, rate: Int32(configuration.perClient), window: 1)
    }
}
