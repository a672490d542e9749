import DNSWire

/// One name of a zone: an owner with data, or an empty non-terminal.
///
/// Nodes live in `Zone.nodes` in canonical order and refer to each other and to their RRsets by
/// index, so the answer logic walks flat arrays and an answer is a handful of integers.
public struct ZoneNode: Sendable {
    /// The name, in the case the zone data gave it (ENTs take the case of their first descendant).
    public let name: DNSName
    /// This node's RRsets in `Zone.rrsets`, sorted by type. Empty for an empty non-terminal.
    public let rrsets: Range<Int>
    /// The parent node's index; -1 for the apex.
    public let parent: Int32
    /// The index of `*.<name>` when it exists; -1 otherwise.
    public internal(set) var wildcardChild: Int32
    /// The topmost strict ancestor that is a delegation point or owns a DNAME, if any: every name
    /// below it is answered by that referral or substitution, never from its own data. -1 if none.
    public internal(set) var cutAbove: Int32
    public internal(set) var flags: Flags

    public struct Flags: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// The zone's origin.
        public static let apex = Flags(rawValue: 1 << 0)
        /// NS records at a name other than the apex: the parent side of a zone cut.
        public static let delegation = Flags(rawValue: 1 << 1)
        /// Below a delegation point: only glue lives here, and it is not authoritative.
        public static let belowDelegation = Flags(rawValue: 1 << 2)
        /// No RRsets, but descendants with data (RFC 8020, RFC 4592 §2.2.2).
        public static let emptyNonTerminal = Flags(rawValue: 1 << 3)
        /// Owns a DNAME RRset.
        public static let dname = Flags(rawValue: 1 << 4)
        /// Below a DNAME owner: occluded, never answered from (RFC 6672 §2.4).
        public static let belowDNAME = Flags(rawValue: 1 << 5)
        /// Owns a CNAME RRset.
        public static let cname = Flags(rawValue: 1 << 6)
    }

    init(name: DNSName, rrsets: Range<Int>, parent: Int32, flags: Flags) {
        self.name = name
        self.rrsets = rrsets
        self.parent = parent
        self.wildcardChild = -1
        self.cutAbove = -1
        self.flags = flags
    }

    @inlinable public var isApex: Bool { flags.contains(.apex) }
    @inlinable public var isDelegation: Bool { flags.contains(.delegation) }
    @inlinable public var isEmptyNonTerminal: Bool { flags.contains(.emptyNonTerminal) }
}
