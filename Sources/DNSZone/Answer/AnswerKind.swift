/// How one name of an answer was resolved: the facts the DNSSEC layer needs to pick its proofs
/// (RFC 5155 §7.2), and the tests need to check the logic took the right path.
///
/// Indices are into `Zone.nodes`. A closest encloser is the deepest existing ancestor of the
/// name (RFC 5155 §1.3); a wildcard's source is the `*.<closest encloser>` node it was
/// synthesized from (RFC 4592 §3.3.1).
public enum AnswerKind: Sendable, Equatable {
    /// The name exists and has data of the type (for ANY, the one RRset chosen).
    case positive(node: Int)
    /// The name does not exist; data of the type synthesized from a wildcard.
    case wildcard(source: Int, closestEncloser: Int)
    /// The name is a CNAME (the type asked for is not CNAME); the chain continues if it can.
    case cname(node: Int)
    /// The name does not exist; a wildcard CNAME was synthesized and followed if it can be.
    case wildcardCNAME(source: Int, closestEncloser: Int)
    /// A DNAME above the name applied; a CNAME was synthesized (RFC 6672 §3.1).
    case dname(node: Int)
    /// The name exists (perhaps as an empty non-terminal) but has no data of the type.
    case nodata(node: Int)
    /// The name does not exist and the wildcard that matches it has no data of the type.
    case wildcardNodata(source: Int, closestEncloser: Int)
    /// The name does not exist and no wildcard matches (NXDOMAIN).
    case nxdomain(closestEncloser: Int)
    /// The name is at or below a delegation point: a referral, not authoritative.
    case referral(delegation: Int)
    /// DNAME substitution made a name longer than 255 bytes (YXDOMAIN, RFC 6672 §2.2).
    case nameTooLong(dname: Int)
    /// No zone is authoritative for the name.
    case refused
}

/// One name along an answer: the query name first, then each CNAME or DNAME target followed.
public struct AnswerStep: Sendable, Equatable {
    /// Where the name is in `Answer.names`: lowercased uncompressed wire form.
    public var name: Range<Int>
    public var kind: AnswerKind

    public init(name: Range<Int>, kind: AnswerKind) {
        self.name = name
        self.kind = kind
    }
}

/// One RRset of an answer section, by reference into the zone (nothing is copied per query).
public struct AnswerRRset: Sendable, Equatable {
    public enum Owner: Sendable, Equatable {
        /// The owner is this node's name (`Zone.nodes[i].name`).
        case node(Int)
        /// The owner is the name of `Answer.steps[i]`: a wildcard-synthesized RRset, or the CNAME
        /// synthesized from a DNAME.
        case step(Int)
    }

    public enum Content: Sendable, Equatable {
        /// `Zone.rrsets[i]`.
        case rrset(Int)
        /// One CNAME record whose target is the name at this range of `Answer.names`, the DNAME
        /// substitution of the owner (RFC 6672 §3.1). The next step, if any, is that name.
        case synthesizedCNAME(target: Range<Int>)
    }

    public var owner: Owner
    public var content: Content
    /// The TTL to send: the RRset's own, except the SOA of a negative answer (RFC 2308 §3) and a
    /// synthesized CNAME (the DNAME's TTL, RFC 6672 §3.1).
    public var ttl: UInt32

    public init(owner: Owner, content: Content, ttl: UInt32) {
        self.owner = owner
        self.content = content
        self.ttl = ttl
    }
}
