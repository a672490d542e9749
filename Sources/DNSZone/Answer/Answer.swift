import DNSWire

/// The description of an authoritative answer: what to send, as indices into the zone.
///
/// A worker owns one `Answer` and reuses it for every query: `reset` keeps every array's capacity,
/// so once warmed up, answering allocates nothing. The answer logic fills it
/// (`Zone.answer(name:type:into:)`, `ZoneSet.answer(name:type:into:)`), the DNSSEC layer reads
/// `steps` to add its proofs and signatures, and the response encoder writes it out.
public struct Answer: Sendable {
    /// The zone answered from; nil when REFUSED.
    public var zone: Zone?
    /// That zone's index in the `ZoneSet` that answered, or -1 (REFUSED, or answered by a `Zone`
    /// directly): how per-zone state such as the signer is found without a search.
    public var zoneIndex: Int
    public var rcode: RCode
    /// The AA flag: set unless the query name itself was referred.
    public var authoritative: Bool
    public var answer: [AnswerRRset]
    public var authority: [AnswerRRset]
    public var additional: [AnswerRRset]
    /// The query name, then each CNAME/DNAME target followed, with how each was resolved.
    public var steps: [AnswerStep]
    /// The step names back to back, lowercased wire form (see `AnswerStep.name`).
    public var names: [UInt8]

    public init() {
        zone = nil
        zoneIndex = -1
        rcode = .noError
        authoritative = false
        answer = []
        answer.reserveCapacity(16)
        authority = []
        authority.reserveCapacity(8)
        additional = []
        additional.reserveCapacity(32)
        steps = []
        steps.reserveCapacity(Zone.maxChainLength + 2)
        names = []
        names.reserveCapacity((Zone.maxChainLength + 2) * DNSName.maxWireLength)
    }

    /// Empties the answer for the next query, keeping its storage.
    public mutating func reset() {
        zone = nil
        zoneIndex = -1
        rcode = .noError
        authoritative = false
        answer.removeAll(keepingCapacity: true)
        authority.removeAll(keepingCapacity: true)
        additional.removeAll(keepingCapacity: true)
        steps.removeAll(keepingCapacity: true)
        names.removeAll(keepingCapacity: true)
    }

    /// How the last name of the chain was resolved: the kind of the answer as a whole.
    public var kind: AnswerKind { steps.last?.kind ?? .refused }

    /// The lowercased wire form of step `index`'s name.
    public func name(ofStep index: Int) -> ArraySlice<UInt8> { names[steps[index].name] }

    /// Appends a name (uncompressed wire bytes), lowercased, to `names`, returning its range.
    mutating func appendName(_ wire: UnsafeRawBufferPointer) -> Range<Int> {
        let start = names.count
        for byte in wire { names.append(DNSName.lower(byte)) }
        return start..<names.count
    }
}
