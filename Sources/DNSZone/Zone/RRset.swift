import DNSWire

/// The records of one owner and type, with one TTL (RFC 2181 §5).
///
/// Records are kept twice: as `RData` values, for the signer, transfers and tests, and
/// pre-encoded, so the answer encoder appends bytes instead of serializing on every query.
/// `wire` holds, for each record in order, its RDLENGTH (two bytes) followed by its RDATA in
/// uncompressed form and in the zone's original case. Types whose RDATA names may be compressed
/// (NS, CNAME, PTR, MX, SOA: RFC 3597 §4) are written from `records` instead, so that those names
/// compress against the rest of the response; every other type is copied from `wire`.
public struct RRset: Sendable {
    public let type: RRType
    public let ttl: UInt32
    public let records: [RData]
    public let wire: [UInt8]

    public init(type: RRType, ttl: UInt32, records: [RData]) {
        self.type = type
        self.ttl = ttl
        self.records = records
        var writer = WireWriter(capacity: 64 * records.count)
        for record in records {
            let lengthAt = writer.count
            writer.writeUInt16(0)
            record.serialize(into: &writer, form: .uncompressed)
            writer.patchUInt16(UInt16(writer.count - lengthAt - 2), at: lengthAt)
        }
        self.wire = writer.bytes
    }

    /// The number of records.
    @inlinable public var count: Int { records.count }

    /// Whether the answer encoder writes this type's RDATA from `records`, compressing names.
    @inlinable public var hasCompressibleNames: Bool {
        switch type {
        case .ns, .cname, .ptr, .mx, .soa: true
        default: false
        }
    }

    /// The byte ranges of each record's RDATA (without RDLENGTH) in `wire`.
    public var rdataRanges: [Range<Int>] {
        var ranges: [Range<Int>] = []
        var offset = 0
        while offset < wire.count {
            let length = Int(wire[offset]) << 8 | Int(wire[offset + 1])
            ranges.append((offset + 2)..<(offset + 2 + length))
            offset += 2 + length
        }
        return ranges
    }
}
