import DNSWire

/// An authoritative zone in memory, immutable once built and shared by every worker.
///
/// The layout follows Knot and NSD: flat arrays indexed by small integers. `nodes` holds every
/// name of the zone, empty non-terminals included, in canonical order (RFC 4034 §6.1), which is
/// the order the NSEC3 chain, AXFR and signing walk; `nodes[0]` is the apex. Each node's RRsets
/// are a contiguous range of `rrsets`. An open-addressing table finds a node from the wire bytes
/// of a name without building a `DNSName`, which is what keeps the query path allocation-free.
public final class Zone: Sendable {
    /// The zone's origin, the apex name.
    public let origin: DNSName
    /// Every node, in canonical order; `nodes[Zone.apex]` is the apex.
    public let nodes: [ZoneNode]
    /// Every RRset, grouped by node (see `ZoneNode.rrsets`), each group sorted by type.
    public let rrsets: [RRset]
    /// The apex SOA RRset's index in `rrsets`.
    public let soa: Int
    /// The TTL of the SOA in negative answers: min(SOA TTL, SOA MINIMUM) (RFC 2308 §3, §5).
    public let negativeTTL: UInt32
    let table: NameTable

    /// The apex's index in `nodes`.
    public static let apex = 0

    init(origin: DNSName, nodes: [ZoneNode], rrsets: [RRset], soa: Int, negativeTTL: UInt32) {
        self.origin = origin
        self.nodes = nodes
        self.rrsets = rrsets
        self.soa = soa
        self.negativeTTL = negativeTTL
        self.table = NameTable(keys: nodes.map(\.name.wire))
    }

    /// The node named by uncompressed wire bytes, compared ignoring case. Allocation-free.
    public func node(named wire: UnsafeRawBufferPointer) -> Int? { table.find(wire) }

    /// The node named by uncompressed wire bytes, compared ignoring case. Allocation-free.
    public func node(named wire: ArraySlice<UInt8>) -> Int? { table.find(wire) }

    /// The node with this name.
    public func node(named name: DNSName) -> Int? { table.find(name.wire[...]) }

    /// The index in `rrsets` of `node`'s RRset of `type`.
    @inlinable public func rrset(at node: Int, type: RRType) -> Int? {
        for index in nodes[node].rrsets where rrsets[index].type == type { return index }
        return nil
    }

    /// Every record of the zone, in canonical name order and type order: for transfers and tests.
    public var records: [ResourceRecord] {
        var result: [ResourceRecord] = []
        for node in nodes {
            for index in node.rrsets {
                let set = rrsets[index]
                for data in set.records { result.append(ResourceRecord(name: node.name, ttl: set.ttl, data: data)) }
            }
        }
        return result
    }
}
